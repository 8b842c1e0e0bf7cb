"""Who may reach which directory record (一单两库), for views, commands and the API.

``get_<object>_for(user, pk, action)`` returns the record when it lies in the user's
region scope (else NotFound, 404: outside the scope it does not exist for the user) and
the user's role allows ``action`` on it (else Forbidden, 403). Services check the same
rule and scope again, for the object and for every foreign key they are given.
"""

from __future__ import annotations

from shuangsuiji.core.access import ensure_action, get_visible

from .models import CheckItem, Conflict, Entity, Inspector, Unavailability

VIEW, CHANGE = "view", "change"
PERMS = {
    "entity": {VIEW: "registries.view", CHANGE: "registries.change_entity"},
    "inspector": {VIEW: "registries.view", CHANGE: "registries.change_inspector"},
    "conflict": {VIEW: "registries.view", CHANGE: "registries.change_conflict"},
    "checkitem": {VIEW: "registries.view", CHANGE: "registries.change_checkitem"},
}
DENIED = {
    "entity": "您没有修改此检查对象的权限。",
    "inspector": "您只能修改本部门的执法检查人员。",
    "conflict": "您只能修改本部门执法检查人员的回避关系。",
    "checkitem": "您只能修改本部门的抽查事项。",
}


def _get(kind: str, queryset, user, pk, action: str, what: str):
    obj = get_visible(queryset, user, pk, what=what)
    ensure_action(user, PERMS[kind][action], obj, DENIED[kind] if action != VIEW else "")
    return obj


def get_entity_for(user, pk, action: str = VIEW) -> Entity:
    qs = Entity.objects.select_related("region")
    return _get("entity", qs, user, pk, action, "检查对象")


def get_inspector_for(user, pk, action: str = VIEW) -> Inspector:
    qs = Inspector.objects.select_related("department", "department__region", "user")
    return _get("inspector", qs, user, pk, action, "执法检查人员")


def get_conflict_for(user, pk, action: str = VIEW) -> Conflict:
    qs = Conflict.objects.select_related("inspector__department__region", "entity")
    return _get("conflict", qs, user, pk, action, "回避关系")


def get_check_item_for(user, pk, action: str = VIEW) -> CheckItem:
    qs = CheckItem.objects.select_related("department", "department__region")
    return _get("checkitem", qs, user, pk, action, "抽查事项")


def get_period_for(user, inspector: Inspector, pk) -> Unavailability:
    """An unavailable period of an inspector already fetched with :func:`get_inspector_for`."""
    from shuangsuiji.core.errors import NotFound

    period = inspector.unavailable_periods.filter(pk=pk).first()
    if period is None:
        raise NotFound("没有找到该不可用时段。")
    return period
