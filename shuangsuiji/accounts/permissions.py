"""Permission rules (django-rules). Services call :func:`ensure` before every write.

One place names what each role may do; views check the same permissions.
"""

from __future__ import annotations

import rules

from shuangsuiji.core.access import in_scope
from shuangsuiji.core.errors import Forbidden

from .models import Role


@rules.predicate
def is_joint_office_admin(user) -> bool:
    return bool(
        user
        and user.is_authenticated
        and (user.is_superuser or user.has_role(Role.JOINT_OFFICE_ADMIN))
    )


@rules.predicate
def is_department_admin(user) -> bool:
    return bool(user and user.is_authenticated and user.has_role(Role.DEPARTMENT_ADMIN))


@rules.predicate
def is_inspector(user) -> bool:
    return bool(user and user.is_authenticated and user.has_role(Role.INSPECTOR))


@rules.predicate
def is_auditor(user) -> bool:
    return bool(user and user.is_authenticated and user.has_role(Role.AUDITOR))


@rules.predicate
def is_staff_member(user) -> bool:
    return bool(
        user and user.is_authenticated and user.is_active and (user.is_superuser or user.roles())
    )


@rules.predicate
def owns_department(user, obj) -> bool:
    """The object (or its department) belongs to the user's department."""
    if obj is None or user is None or not user.is_authenticated:
        return False
    dept_id = getattr(obj, "department_id", None)
    if dept_id is None and obj.__class__.__name__ == "Department":
        dept_id = obj.pk
    return dept_id is not None and dept_id == user.department_id


@rules.predicate
def object_in_scope(user, obj) -> bool:
    """No object (a general check), or the object lies in the user's region scope.

    Part of every object rule below, so ``ensure(actor, perm, obj)`` in a service and
    ``has_perm(perm, obj)`` in a template refuse another district's records too.
    """
    if obj is None:
        return True
    try:
        return in_scope(user, obj)
    except TypeError:
        return False  # an object without a region scope: fail closed


# Directories (一单两库).
rules.add_perm("registries.view", is_staff_member)
rules.add_perm(
    "registries.change_entity", (is_joint_office_admin | is_department_admin) & object_in_scope
)
rules.add_perm("registries.import_entities", is_joint_office_admin)
rules.add_perm(
    "registries.change_inspector",
    (is_joint_office_admin | (is_department_admin & owns_department)) & object_in_scope,
)
rules.add_perm(
    "registries.change_checkitem",
    (is_joint_office_admin | (is_department_admin & owns_department)) & object_in_scope,
)
rules.add_perm(
    "registries.change_conflict",
    (is_joint_office_admin | (is_department_admin & owns_department)) & object_in_scope,
)
rules.add_perm("registries.import_department_data", is_joint_office_admin | is_department_admin)
rules.add_perm("registries.export", is_staff_member)
rules.add_perm("core.change_organisation", is_joint_office_admin & object_in_scope)
# Accounts of the region and login locks (staff pages; the user service checks again).
rules.add_perm("accounts.manage_users", is_joint_office_admin)

# Plans and draws (计划、任务、摇号).
rules.add_perm("plans.view", is_staff_member)
rules.add_perm("plans.change_plan", is_joint_office_admin & object_in_scope)
rules.add_perm("plans.run_draw", is_joint_office_admin & object_in_scope)
# The second approver of a substitution the platform cannot check (another department).
rules.add_perm(
    "plans.review_substitution", (is_joint_office_admin | is_department_admin) & object_in_scope
)

# Audit log.
rules.add_perm("audit.view", is_joint_office_admin | is_auditor)


def ensure(user, perm: str, obj=None) -> None:
    """Raise Forbidden (a PermissionDenied, Chinese message) unless the user holds perm."""
    if user is None or not user.has_perm(perm, obj):
        raise Forbidden("您没有执行此操作的权限。")


# Inspections (检查实施): drawn inspections and teams; changes go through plans.run_draw.
rules.add_perm("inspections.view", is_staff_member)
rules.add_perm("plans.view_draw_inputs", (is_joint_office_admin | is_auditor) & object_in_scope)


# Object-level rule for one inspection. Region scope (404) is applied first by
# ``Inspection.objects.in_region_of``; this rule decides inside it (403) and mirrors
# ``Inspection.objects.visible_to``.
@rules.predicate
def inspection_in_region(user, inspection) -> bool:
    if inspection is None or getattr(user, "scope_prefix", None) is None:
        return False
    return type(inspection).objects.in_region_of(user).filter(pk=inspection.pk).exists()


@rules.predicate
def on_inspection_team(user, inspection) -> bool:
    """The user's linked Inspector record sits on the inspection's current team."""
    return inspection is not None and inspection.has_current_member(user)


@rules.predicate
def department_takes_part(user, inspection) -> bool:
    """The user's department initiates or cooperates in the inspection's task."""
    if inspection is None or not user.department_id:
        return False
    return user.department_id in inspection.department_ids()


rules.add_perm(
    "inspections.view_inspection",
    is_staff_member
    & inspection_in_region
    & (
        is_joint_office_admin
        | is_auditor
        | (is_department_admin & department_takes_part)
        | (is_inspector & on_inspection_team)
    ),
)
