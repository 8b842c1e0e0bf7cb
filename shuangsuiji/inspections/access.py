"""Who may reach which inspection, for views, commands and the API.

Outside the user's region (plan and entity) an inspection does not exist for them
(NotFound, 404); inside it the ``inspections.view_inspection`` rule decides (Forbidden,
403: e.g. an inspector not on the team).
"""

from __future__ import annotations

from shuangsuiji.core.errors import Forbidden, NotFound

from .models import Inspection

VIEW = "view"
PERMS = {VIEW: "inspections.view_inspection"}


def get_inspection_for(user, pk, action: str = VIEW) -> Inspection:
    qs = Inspection.objects.in_region_of(user).select_related(
        "entity",
        "entity__region",
        "draw",
        "task",
        "task__plan",
        "task__initiating_department",
    )
    try:
        inspection = qs.get(pk=pk)
    except (Inspection.DoesNotExist, ValueError, TypeError):
        raise NotFound("没有找到该检查，或它不在您的管辖范围内。") from None
    if not user.has_perm(PERMS[action], inspection):
        raise Forbidden("您不是该检查的检查组成员，也不属于参与该任务的部门。")
    return inspection
