from __future__ import annotations

from django.shortcuts import render

from shuangsuiji.core.access import staff_view
from shuangsuiji.plans.models import Draw

from .progress import plan_reports


def _year(request) -> int | None:
    value = request.GET.get("year", "").strip()
    return int(value) if value.isdigit() else None


@staff_view("plans.view")
def index(request):
    """统计报表: progress per plan and task (base, rate, drawn, inspections)."""
    year = _year(request)
    return render(
        request,
        "reports/index.html",
        {
            "title": "统计报表",
            "year": year,
            "reports": plan_reports(request.user, year),
            "breadcrumbs": [("工作台", "/staff/"), ("统计报表", None)],
        },
    )


@staff_view("plans.view")
def publication(request):
    """结果公示: what the public portal shows now, with links to each public page."""
    draws = Draw.objects.visible_to(request.user).select_related("task", "task__plan")
    return render(
        request,
        "reports/publication.html",
        {
            "title": "结果公示",
            "draws": draws.order_by("-announced_at")[:200],
            "breadcrumbs": [("工作台", "/staff/"), ("结果公示", None)],
        },
    )
