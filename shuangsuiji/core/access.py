"""Access decorators. Every view declares who may open it; a test walks the URL
configuration and fails for any view without a declaration (fail closed)."""

from __future__ import annotations

import functools
from collections.abc import Callable

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied


def _mark(view: Callable, rule: str) -> Callable:
    view.ssj_access = rule  # type: ignore[attr-defined]
    return view


def public_view(view: Callable) -> Callable:
    """Open to everyone, including anonymous visitors (portal, login)."""
    return _mark(view, "public")


def staff_view(perm: str | None = None) -> Callable[[Callable], Callable]:
    """Requires a logged-in staff member, and ``perm`` when given."""

    def decorator(view: Callable) -> Callable:
        @functools.wraps(view)
        def wrapped(request, *args, **kwargs):
            user = request.user
            if not user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not (user.is_superuser or user.roles()):
                raise PermissionDenied("您的账号尚未分配角色，请联系联席办管理员。")
            if perm and not user.has_perm(perm):
                raise PermissionDenied("您没有访问此页面的权限。")
            return view(request, *args, **kwargs)

        return _mark(wrapped, f"staff:{perm or ''}")

    return decorator


# --------------------------------------------------------------------------- region scope
#
# Every record hangs on a region: an entity and a plan directly, an inspector, a check
# item and a user through their department, a conflict through its inspector, a task and
# a draw through their plan. A user sees the records of their region and of the regions
# inside it (``scope_prefix``: "" for a superuser and the command line's SystemActor,
# None for anonymous, "-" for an account without a department: nothing).
# Reads filter with ``Model.objects.visible_to(user)``; services refuse, with
# ``OutOfScope``, any object or foreign key outside the actor's scope
# (:func:`ensure_in_scope`); the per-app ``access`` modules fetch one object for a user
# and an action (``get_<object>_for``): outside the scope it does not exist (NotFound).


def scope_of(user) -> str | None:
    return getattr(user, "scope_prefix", None)


def region_code_of(obj) -> str:
    """The code of the region an object belongs to (a Region, a code, or any record
    whose manager is a ``RegionScopedQuerySet``: the path is its ``region_code_path``)."""
    from .models import Region

    if isinstance(obj, str):
        return obj
    if isinstance(obj, Region):
        return obj.code
    manager = getattr(type(obj), "objects", None)
    path = getattr(getattr(manager, "_queryset_class", None), "region_code_path", None)
    if path is None and hasattr(obj, "department_id"):
        path = "department__region__code"  # a user account: the region of its department
    if path is None:
        raise TypeError(f"{type(obj).__name__} has no region scope")
    value = obj
    for part in path.split("__"):
        value = getattr(value, part, None)
        if value is None:
            return ""
    return str(value)


def in_scope(user, obj) -> bool:
    prefix = scope_of(user)
    if prefix is None:
        return False
    return prefix == "" or region_code_of(obj).startswith(prefix)


def ensure_in_scope(actor, *objects, code: str = "scope.outside", what: str = "") -> None:
    """Raise OutOfScope unless every object (record, Region or region code) is inside the
    actor's region scope. ``None`` entries are skipped (an optional foreign key).

    The message names what kind of object it was (``what``), never the object itself:
    an id sent from outside must not reveal another district's names.
    """
    from .errors import OutOfScope

    for obj in objects:
        if obj is None:
            continue
        if not in_scope(actor, obj):
            raise OutOfScope(f"所选{what or '对象'}超出您所在行政区划的管理范围。", code=code)


def get_visible(queryset, user, pk, *, what: str = "对象"):
    """One object of ``queryset.visible_to(user)``; outside the scope: NotFound (404)."""
    from .errors import NotFound

    try:
        return queryset.visible_to(user).get(pk=pk)
    except (queryset.model.DoesNotExist, ValueError, TypeError):
        raise NotFound(f"没有找到该{what}，或它不在您的管辖范围内。") from None


def ensure_action(user, perm: str, obj=None, message: str = "") -> None:
    """The role rule for ``perm`` (on ``obj``): Forbidden (403) when not held."""
    from .errors import Forbidden

    if user is None or not user.has_perm(perm, obj):
        raise Forbidden(message or None, code="permission.denied")
