"""Inspection pages (检查实施): the list of inspections a user may see and one inspection.

Reads go through ``Inspection.objects.visible_to(user)``. The detail page applies the
region scope first (outside it: 404, the inspection does not exist for the user) and the
``inspections.view_inspection`` rule inside it (403: e.g. an inspector not on the team).
Notices, the record sheet and results (roadmap) hang on the detail page's sections.
"""

from __future__ import annotations

from django import forms
from django.core.paginator import Paginator
from django.shortcuts import render
from django.urls import reverse

from shuangsuiji.core.access import staff_view
from shuangsuiji.drawengine import INSPECTOR_CHANGE_REASONS
from shuangsuiji.plans.models import Task
from shuangsuiji.registries.views_entities import search_filter

from .access import get_inspection_for
from .models import Inspection, InspectionStatus, TeamMember, TeamRole

PAGE_SIZE = 50
VIEW = "inspections.view_inspection"


def _crumbs(*trail: tuple[str, str | None]) -> list[tuple[str, str | None]]:
    return [("工作台", reverse("core:home")), ("检查实施", reverse("inspections:list")), *trail]


def get_inspection_for_user(request, pk: int) -> Inspection:
    """The inspection if in the user's region (else 404) and viewable by them (else 403)."""
    return get_inspection_for(request.user, pk)


class InspectionFilterForm(forms.Form):
    task = forms.ModelChoiceField(
        label="抽查任务", queryset=Task.objects.none(), required=False, empty_label="全部"
    )
    status = forms.ChoiceField(
        label="状态", choices=[("", "全部")] + InspectionStatus.choices, required=False
    )
    q = forms.CharField(
        label="检查对象",
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"placeholder": "名称或统一社会信用代码"}),
    )

    def __init__(self, *args, visible, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["task"].queryset = (
            Task.objects.filter(pk__in=visible.values("task_id"))
            .select_related("plan")
            .order_by("-plan__year", "plan", "number")
        )
        self.fields["task"].label_from_instance = lambda t: f"{t.plan.year} {t.code} {t.name}"


@staff_view("inspections.view")
def inspection_list(request):
    visible = Inspection.objects.visible_to(request.user)
    form = InspectionFilterForm(request.GET, visible=visible)
    form.is_valid()
    data = form.cleaned_data
    qs = visible.select_related("entity", "task", "task__plan", "draw")
    if data.get("task"):
        qs = qs.filter(task=data["task"])
    if data.get("status"):
        qs = qs.filter(status=data["status"])
    if q := (data.get("q") or "").strip():
        qs = qs.filter(search_filter(q, prefix="entity__"))
    ordered = qs.order_by("-task__plan__year", "task__code", "status", "stratum", "ticket", "pk")
    page = Paginator(ordered, PAGE_SIZE).get_page(request.GET.get("page"))
    leaders = {
        m.inspection_id: m for m in _current_members(page.object_list).filter(role=TeamRole.LEADER)
    }
    for inspection in page:
        inspection.current_leader = leaders.get(inspection.pk)
    return render(
        request,
        "inspections/list.html",
        {
            "title": "检查实施",
            "form": form,
            "page": page,
            "breadcrumbs": [("工作台", reverse("core:home")), ("检查实施", None)],
        },
    )


def _current_members(inspections):
    return TeamMember.objects.filter(
        inspection__in=[i.pk for i in inspections], replaced_by__isnull=True
    ).select_related("inspector", "department")


def _check_items_by_department(task: Task) -> list[dict]:
    """进一次门、查多项事: every department of the task with its attached check items."""
    items = list(task.check_items.select_related("department").order_by("department", "code"))
    out = []
    for department in task.departments():
        out.append(
            {
                "department": department,
                "initiating": department.pk == task.initiating_department_id,
                "items": [i for i in items if i.department_id == department.pk],
            }
        )
    return out


@staff_view("inspections.view")
def inspection_detail(request, pk: int):
    inspection = get_inspection_for_user(request, pk)
    team = list(
        inspection.team.select_related(
            "inspector", "department", "replaced_by__inspector", "approved_by"
        ).order_by("role", "department__code", "pk")
    )
    for member in team:
        member.change_reason_label = INSPECTOR_CHANGE_REASONS.get(
            member.change_reason, member.change_reason
        )
    user = request.user
    return render(
        request,
        "inspections/detail.html",
        {
            "title": f"检查：{inspection.entity.name}",
            "inspection": inspection,
            "entity": inspection.entity,
            "task": inspection.task,
            "draw": inspection.draw,
            "current_team": [m for m in team if m.is_current],
            "replaced_members": [m for m in team if not m.is_current],
            "departments": _check_items_by_department(inspection.task),
            "on_team": inspection.has_current_member(user),
            "can_open_draw": user.has_perm("plans.view"),
            "breadcrumbs": _crumbs((inspection.entity.name, None)),
        },
    )
