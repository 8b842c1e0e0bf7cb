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
