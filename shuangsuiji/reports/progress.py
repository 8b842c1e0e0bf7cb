"""Progress of each task: base, rate, drawn and inspections (the first columns of the
statistics table 统计表; results, publication and follow-up columns arrive with the
inspections and publication workflows)."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, Q

from shuangsuiji.inspections.models import Inspection, InspectionStatus
from shuangsuiji.plans.models import Draw, DrawStatus, Plan, Task
from shuangsuiji.plans.presenters import announced_strata


@dataclass
class TaskRow:
    task: Task
    draw: Draw | None
    population: int = 0
    sample_size: int = 0
    inspections: int = 0
    substituted: int = 0
    strata: list[dict] = field(default_factory=list)

    @property
    def drawn(self) -> bool:
        return self.draw is not None and self.draw.status == DrawStatus.REVEALED


@dataclass
class PlanReport:
    plan: Plan
    rows: list[TaskRow]

    @property
    def totals(self) -> dict[str, int]:
        return {
            key: sum(getattr(r, key) for r in self.rows)
            for key in ("population", "sample_size", "inspections", "substituted")
        }


def plan_reports(user, year: int | None = None) -> list[PlanReport]:
    plans = Plan.objects.visible_to(user).order_by("-year", "pk")
    if year:
        plans = plans.filter(year=year)
    tasks = (
        Task.objects.filter(plan__in=plans)
        .select_related("plan", "initiating_department")
        .order_by("plan", "number")
    )
    live = {
        d.task_id: d for d in Draw.objects.filter(task__in=tasks).exclude(status=DrawStatus.VOIDED)
    }
    counts = {
        row["task"]: row
        for row in Inspection.objects.filter(draw__in=live.values())
        .values("task")
        .annotate(
            live=Count("pk", filter=Q(status=InspectionStatus.PLANNED)),
            substituted=Count("pk", filter=Q(status=InspectionStatus.SUBSTITUTED)),
        )
    }
    by_plan: dict[int, list[TaskRow]] = {}
    for task in tasks:
        draw = live.get(task.pk)
        row = TaskRow(task=task, draw=draw)
        if draw is not None:
            row.strata = announced_strata(draw)
            row.population = sum(s["population"] for s in row.strata)
            row.sample_size = sum(s["sample_size"] for s in row.strata)
            c = counts.get(task.pk, {})
            row.inspections = c.get("live", 0)
            row.substituted = c.get("substituted", 0)
        by_plan.setdefault(task.plan_id, []).append(row)
    return [PlanReport(plan=p, rows=by_plan.get(p.pk, [])) for p in plans]
