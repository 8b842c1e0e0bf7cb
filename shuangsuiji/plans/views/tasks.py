"""Tasks: create, edit, and the detail page with the eligible-roster preview."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse

from shuangsuiji.core.access import staff_view

from .. import access, services
from ..forms import AnnounceForm, TaskForm
from ..models import BeaconKind, Task
from ..roster import compute_roster
from .common import get_plan_for_user, get_task_for_user, report


def _crumbs(plan, *extra):
    return [
        ("工作台", reverse("core:home")),
        ("计划与抽取", reverse("plans:index")),
        (plan.title, reverse("plans:plan", args=[plan.pk])),
        *extra,
    ]


@staff_view("plans.change_plan")
def task_create(request, plan_pk: int):
    plan = get_plan_for_user(request, plan_pk, access.CHANGE)
    form = TaskForm(request.POST or None, plan=plan, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            task = services.create_task(request.user, plan, **form.service_kwargs())
        except ValidationError as exc:
            report(request, form, exc)
        else:
            messages.success(request, f"已创建任务“{task.name}”")
            return redirect("plans:task", pk=task.pk)
    return render(
        request,
        "plans/task_form.html",
        {
            "title": "新建抽查任务",
            "form": form,
            "plan": plan,
            "breadcrumbs": _crumbs(plan, ("新建任务", None)),
        },
    )


@staff_view("plans.change_plan")
def task_edit(request, pk: int):
    task = get_task_for_user(request, pk, access.CHANGE)
    form = TaskForm(
        request.POST or None,
        instance=Task.objects.get(pk=task.pk),
        plan=task.plan,
        user=request.user,
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.update_task(request.user, task, **form.service_kwargs())
        except ValidationError as exc:
            report(request, form, exc)
        else:
            messages.success(request, "任务已保存")
            return redirect("plans:task", pk=task.pk)
    return render(
        request,
        "plans/task_form.html",
        {
            "title": "修改抽查任务",
            "form": form,
            "plan": task.plan,
            "breadcrumbs": _crumbs(
                task.plan, (task.name, reverse("plans:task", args=[task.pk])), ("修改", None)
            ),
        },
    )


@staff_view("plans.view")
def task_detail(request, pk: int):
    return render_task_detail(request, get_task_for_user(request, pk))


def render_task_detail(request, task: Task, announce_form: AnnounceForm | None = None):
    """The task page; ``announce_form`` is a bound form with errors to show again."""
    draws = list(task.draws.order_by("-announced_at"))
    live = next((d for d in draws if d.status != "voided"), None)
    roster = compute_roster(task) if live is None else None
    can_draw = request.user.has_perm("plans.run_draw")
    if not (can_draw and live is None):
        announce_form = None
    elif announce_form is None:
        suffix = f"-R{len(draws) + 1}" if draws else ""
        announce_form = AnnounceForm(
            initial={"code": f"{task.code}{suffix}", "beacon_kind": BeaconKind.LOTTERY}
        )
    return render(
        request,
        "plans/task_detail.html",
        {
            "title": task.name,
            "task": task,
            "roster": roster,
            "draws": draws,
            "live": live,
            "announce_form": announce_form,
            "can_change": request.user.has_perm("plans.change_plan") and live is None,
            "breadcrumbs": _crumbs(task.plan, (task.name, None)),
        },
    )
