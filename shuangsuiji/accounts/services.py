"""Write operations on staff accounts (the ``user`` service).

Who may do what
    - A joint-office admin manages the accounts whose department lies in their own region
      scope (``User.scope_prefix``): create, set roles, set department, deactivate,
      reactivate, reset password. Every department given must lie in that scope too.
    - Nobody but a superuser changes a superuser; these functions never grant superuser
      or staff status (that is the Django admin's, for superusers only).
    - Every change writes one audit row; a password is never recorded, only that it was set.
    - The operator at the server (``ssj user add``, a ``SystemActor``) creates accounts in
      any region, but is no superuser: it cannot change a superuser either.

Errors are :mod:`shuangsuiji.core.errors` with stable codes (``accounts.*``).
"""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from shuangsuiji.audit.services import record
from shuangsuiji.core.actors import SystemActor
from shuangsuiji.core.errors import Forbidden, InvalidInput, NotFound, OutOfScope, StateConflict
from shuangsuiji.core.models import Department
from shuangsuiji.core.snapshots import snapshot

from .models import AccountLock, Role, User

CREATE, ROLES, DEPARTMENT = "user.create", "user.set_roles", "user.set_department"
DEACTIVATE, REACTIVATE, PASSWORD_RESET = "user.deactivate", "user.reactivate", "user.password_reset"
UNLOCK, THROTTLE_CLEARED = "login.account_unlocked", "login.throttle_cleared"


_SNAPSHOT_EXCLUDE = ("password", "last_login", "updated_at")


def user_snapshot(user: User) -> dict | None:
    """The account as audited: fields without password, plus its roles."""
    data = snapshot(user, exclude=_SNAPSHOT_EXCLUDE)
    if data is not None and user.pk:
        data["groups"] = sorted(user.groups.values_list("name", flat=True))
    return data


# Access ---------------------------------------------------------------------------------


def can_manage_accounts(actor) -> bool:
    """A joint-office admin or a superuser; or the operator at the server (``ssj user``)."""
    if isinstance(actor, SystemActor):
        return True
    return bool(
        actor is not None
        and getattr(actor, "is_authenticated", False)
        and actor.is_active
        and (actor.is_superuser or actor.has_role(Role.JOINT_OFFICE_ADMIN))
    )


def _ensure_manager(actor) -> None:
    if not can_manage_accounts(actor):
        raise Forbidden("只有联席办管理员可以管理账号。", code="accounts.forbidden")


def _ensure_department(actor, department: Department | None) -> Department:
    if department is None:
        raise InvalidInput("请选择账号所属的部门。", code="accounts.department_required")
    prefix = actor.scope_prefix
    if not department.region.code.startswith(prefix):
        raise OutOfScope(
            f"部门“{department.name}”不在您所在行政区划的管理范围内。",
            code="accounts.department_out_of_scope",
        )
    if not department.active:
        raise InvalidInput(f"部门“{department.name}”已停用。", code="accounts.department_inactive")
    return department


def _ensure_target(actor, target: User) -> None:
    """The actor may change this account: a superuser only by a superuser; region scope."""
    if actor.is_superuser:
        return
    if target.is_superuser:
        raise Forbidden(
            "只有超级管理员可以修改超级管理员账号。", code="accounts.superuser_protected"
        )
    if not User.objects.visible_to(actor).filter(pk=target.pk).exists():
        raise OutOfScope(
            "该账号不在您所在行政区划的管理范围内。", code="accounts.user_out_of_scope"
        )


def get_user_for(actor, pk, action: str = "view") -> User:
    """The account ``pk`` if the actor may see it (``view``) or change it (anything else)."""
    _ensure_manager(actor)
    try:
        user = User.objects.visible_to(actor).select_related("department__region").get(pk=pk)
    except (User.DoesNotExist, ValueError, TypeError) as exc:
        raise NotFound(
            "没有找到该账号，或它不在您的管理范围内。", code="accounts.user_not_found"
        ) from exc
    if action != "view":
        _ensure_target(actor, user)
    return user


def _roles(roles: Iterable[str]) -> list[str]:
    roles = sorted(set(roles))
    unknown = [r for r in roles if r not in Role.values]
    if unknown:
        labels = "、".join(Role.labels)
        raise InvalidInput(
            f"未知的角色：{'、'.join(unknown)}（可选：{labels}）", code="accounts.role_unknown"
        )
    return roles


def _check_password(password: str, user: User) -> None:
    if not password:
        raise InvalidInput("请填写密码。", code="accounts.password_required")
    try:
        validate_password(password, user=user)
    except ValidationError as exc:
        raise InvalidInput(
            "密码不符合要求：" + "；".join(_password_problem(e) for e in exc.error_list),
            code="accounts.password_invalid",
        ) from exc


_PASSWORD_PROBLEMS = {
    "password_too_short": "太短，至少需要 {min_length} 个字符",
    "password_too_common": "太常见",
    "password_entirely_numeric": "不能全是数字",
    "password_too_similar": "与用户名、姓名或邮箱太相近",
}


def _password_problem(error: ValidationError) -> str:
    """Django's validator messages, in Chinese (its zh-hans catalogue lacks some)."""
    text = _PASSWORD_PROBLEMS.get(error.code or "")
    if text is None:
        return "；".join(error.messages)
    return text.format(**(error.params or {}))


def _audit(actor, action: str, user: User, before, **data) -> None:
    user._role_cache = None
    record(actor, action, user, before=before, after=user_snapshot(user), data=data)


# Writes ---------------------------------------------------------------------------------


@transaction.atomic
def create_user(
    actor,
    *,
    username: str,
    roles: Iterable[str],
    department: Department | None,
    password: str,
    full_name: str = "",
    email: str = "",
) -> User:
    """A new active account in ``department`` with ``roles`` and ``password``."""
    _ensure_manager(actor)
    username = (username or "").strip()
    roles = _roles(roles)
    if not roles:
        raise InvalidInput("请至少选择一个角色。", code="accounts.role_required")
    department = _ensure_department(actor, department)
    user = User(username=username, full_name=(full_name or "").strip(), email=email or "")
    user.department = department
    try:
        user.full_clean(exclude=["password"])
    except ValidationError as exc:
        if "username" in exc.message_dict and User.objects.filter(username=username).exists():
            raise InvalidInput(
                f"用户名“{username}”已被使用。", code="accounts.username_taken"
            ) from exc
        raise InvalidInput(
            "；".join(m for msgs in exc.message_dict.values() for m in msgs),
            code="accounts.invalid",
        ) from exc
    _check_password(password, user)
    user.set_password(password)
    user.save()
    user.groups.set(Group.objects.filter(name__in=roles))
    _audit(actor, CREATE, user, None, password_set=True, roles=roles)
    return user


@transaction.atomic
def set_roles(actor, user: User, roles: Iterable[str]) -> User:
    """Replace the account's roles (an empty list leaves it without access)."""
    _ensure_manager(actor)
    _ensure_target(actor, user)
    roles = _roles(roles)
    before = user_snapshot(user)
    user.groups.set(Group.objects.filter(name__in=roles))
    _audit(actor, ROLES, user, before, roles=roles)
    return user


@transaction.atomic
def set_department(actor, user: User, department: Department | None) -> User:
    _ensure_manager(actor)
    _ensure_target(actor, user)
    department = _ensure_department(actor, department)
    before = user_snapshot(user)
    user.department = department
    user.save(update_fields=["department"])
    _audit(actor, DEPARTMENT, user, before, department=department.code)
    return user


@transaction.atomic
def deactivate_user(actor, user: User) -> User:
    _ensure_manager(actor)
    _ensure_target(actor, user)
    if user.pk == actor.pk:
        raise StateConflict("不能停用自己的账号。", code="accounts.self_deactivate")
    before = user_snapshot(user)
    user.is_active = False
    user.save(update_fields=["is_active"])
    _audit(actor, DEACTIVATE, user, before)
    return user


@transaction.atomic
def reactivate_user(actor, user: User) -> User:
    _ensure_manager(actor)
    _ensure_target(actor, user)
    before = user_snapshot(user)
    user.is_active = True
    user.save(update_fields=["is_active"])
    _audit(actor, REACTIVATE, user, before)
    return user


@transaction.atomic
def reset_password(actor, user: User, password: str) -> User:
    """Set a new password (validated); the audit row says it was set, never what it is."""
    _ensure_manager(actor)
    _ensure_target(actor, user)
    _check_password(password, user)
    before = user_snapshot(user)
    user.set_password(password)
    user.save(update_fields=["password"])
    _audit(actor, PASSWORD_RESET, user, before)
    return user


# Login locks ----------------------------------------------------------------------------


def _ensure_lock_in_scope(actor, username: str, user: User | None) -> None:
    if actor.is_superuser:
        return
    if user is None:
        raise NotFound(
            "没有找到该锁定记录，或它不在您的管理范围内。", code="accounts.lock_not_found"
        )
    try:
        _ensure_target(actor, user)
    except OutOfScope as exc:
        raise NotFound(
            "没有找到该锁定记录，或它不在您的管理范围内。", code="accounts.lock_not_found"
        ) from exc


def locks_visible_to(actor):
    """Active hard locks the actor may lift."""
    _ensure_manager(actor)
    qs = AccountLock.objects.active().select_related("user__department")
    if actor.is_superuser:
        return qs
    return qs.filter(user__in=User.objects.visible_to(actor).filter(is_superuser=False))


@transaction.atomic
def unlock_account(actor, lock: AccountLock) -> AccountLock:
    """Lift a hard lock and clear the account's throttles (every address)."""
    from . import throttle

    _ensure_manager(actor)
    lock = AccountLock.objects.select_for_update().get(pk=lock.pk)
    _ensure_lock_in_scope(actor, lock.username, lock.user)
    if lock.lifted_at is not None:
        raise StateConflict("该锁定已经解除。", code="accounts.lock_already_lifted")
    before = snapshot(lock)
    lock.lifted_at = timezone.now()
    lock.lifted_by = actor
    lock.save(update_fields=["lifted_at", "lifted_by"])
    cleared = throttle.clear_attempts(lock.username)
    record(
        actor,
        UNLOCK,
        lock.user or lock,
        before=before,
        after=snapshot(lock),
        object_repr=lock.username,
        data={"username": lock.username, "attempts_cleared": cleared},
    )
    return lock


@transaction.atomic
def clear_throttle(actor, username: str, ip_address: str | None) -> int:
    """Let ``username`` try again from ``ip_address`` at once (after a verified call)."""
    from . import throttle

    _ensure_manager(actor)
    user = User.objects.filter(username__iexact=username).first()
    _ensure_lock_in_scope(actor, username, user)
    cleared = throttle.clear_attempts(username, ip_address)
    if not cleared:
        raise NotFound("没有找到该限速记录。", code="accounts.throttle_not_found")
    record(
        actor,
        THROTTLE_CLEARED,
        user,
        object_type="accounts.user",
        object_id=username,
        object_repr=username,
        data={"username": username, "ip": ip_address, "attempts_cleared": cleared},
    )
    return cleared
