"""Who may reach which plan, task and draw, for views, commands and the API.

``get_<object>_for(user, pk, action)`` returns the object when its plan lies in the
user's region scope (else NotFound, 404) and the user's role allows ``action`` (else
Forbidden, 403). Plans, tasks and draws belong to the joint office: every staff member
of the region reads them, the joint-office admin changes them and runs the draws.
"""

from __future__ import annotations

from shuangsuiji.core.access import ensure_action, get_visible

from .models import Draw, Plan, Task

VIEW, CHANGE, RUN_DRAW, VIEW_INPUTS = "view", "change", "run_draw", "view_inputs"
PERMS = {
    VIEW: "plans.view",
    CHANGE: "plans.change_plan",
    RUN_DRAW: "plans.run_draw",
    VIEW_INPUTS: "plans.view_draw_inputs",
}


def get_plan_for(user, pk, action: str = VIEW) -> Plan:
    plan = get_visible(Plan.objects.select_related("region"), user, pk, what="抽查计划")
    ensure_action(user, PERMS[action], plan)
    return plan


def get_task_for(user, pk, action: str = VIEW) -> Task:
    qs = Task.objects.select_related("plan", "plan__region", "region", "initiating_department")
    task = get_visible(qs, user, pk, what="抽查任务")
    ensure_action(user, PERMS[action], task.plan)
    return task


def get_draw_for(user, pk, action: str = VIEW) -> Draw:
    qs = Draw.objects.select_related("task", "task__plan", "task__plan__region")
    draw = get_visible(qs, user, pk, what="抽取")
    ensure_action(user, PERMS[action], draw.task.plan)
    return draw
