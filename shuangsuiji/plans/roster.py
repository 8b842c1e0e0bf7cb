"""The eligible roster (分类建库) of a task: who is in scope, per risk class, and who is
excluded by the task's rules, each with a reason. Read-only; the announcement freezes it.

Rules, in order (an entity gets the first reason that applies):
1. ``deregistered`` / ``suspended``: the directory status (if the task excludes it);
2. ``drawn-in-plan``: selected in a live draw of another task of the same plan whose
   check items overlap this task's (same items text when neither names directory items);
3. ``inspected-within-window``: a live inspection by a department of this task whose
   planned window ends less than ``recent_days`` days before this task's window starts
   (or overlaps it).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.utils import timezone

from shuangsuiji.drawengine.protocol import sample_size
from shuangsuiji.registries.models import Entity, EntityStatus

from .models import ExclusionReason, Task


@dataclass
class Stratum:
    risk_class: str
    rate_bp: int
    entities: list[Entity] = field(default_factory=list)
    sample_size: int = 0

    @property
    def population(self) -> int:
        return len(self.entities)


@dataclass
class Exclusion:
    entity: Entity
    reason: str
    detail: str = ""

    @property
    def reason_label(self) -> str:
        return ExclusionReason(self.reason).label


@dataclass
class Roster:
    task: Task
    rating_day: datetime.date
    strata: dict[str, Stratum]
    excluded: list[Exclusion]
    unrated: int = 0

    @property
    def population(self) -> int:
        return sum(s.population for s in self.strata.values())

    @property
    def total_sample(self) -> int:
        return sum(s.sample_size for s in self.strata.values())

    def announcement_strata(self) -> dict[str, tuple[int, list[str]]]:
        return {
            key: (s.rate_bp, [e.credit_code for e in s.entities])
            for key, s in sorted(self.strata.items())
        }

    def announcement_excluded(self) -> list[dict]:
        return [
            {"id": x.entity.credit_code, "reason": x.reason, "detail": x.detail}
            for x in sorted(self.excluded, key=lambda x: x.entity.credit_code)
        ]


def _scope(task: Task, day: datetime.date):
    qs = Entity.objects.filter(region__code__startswith=task.region.scope_prefix)
    if task.industry:
        qs = qs.filter(industry=task.industry)
    return qs.with_risk_class_on(day).order_by("credit_code")


def _drawn_in_plan(task: Task) -> dict[int, str]:
    """entity pk -> detail, for entities selected in other tasks of the plan (same items)."""
    from shuangsuiji.inspections.models import Inspection

    own_items = set(task.check_items.values_list("pk", flat=True))
    out: dict[int, str] = {}
    others = task.plan.tasks.exclude(pk=task.pk).prefetch_related("check_items")
    for other in others:
        items = {i.pk for i in other.check_items.all()}
        overlap = (own_items & items) if (own_items or items) else None
        if overlap is None and other.items_text.strip() != task.items_text.strip():
            continue
        if overlap is not None and not overlap:
            continue
        for pk in Inspection.objects.live().filter(task=other).values_list("entity_id", flat=True):
            out.setdefault(pk, f"已在任务 {other.number}（{other.code}）中抽中")
    return out


def _inspected_recently(task: Task) -> dict[int, str]:
    from shuangsuiji.inspections.models import Inspection

    if not task.recent_days:
        return {}
    departments = [d.pk for d in task.departments()]
    since = task.window_start - datetime.timedelta(days=task.recent_days)
    qs = (
        Inspection.objects.live()
        .exclude(task=task)
        .filter(window_end__gte=since, window_start__lte=task.window_end)
        .filter(team__department__in=departments)
        .select_related("task")
        .distinct()
    )
    out: dict[int, str] = {}
    for insp in qs:
        out.setdefault(
            insp.entity_id,
            f"{insp.window_start}–{insp.window_end} 已安排检查（任务 {insp.task.code}）",
        )
    return out


def compute_roster(task: Task, day: datetime.date | None = None) -> Roster:
    """The roster as of ``day`` (risk class effective that day; default today)."""
    day = day or timezone.localdate()
    strata = {key: Stratum(key, int(bp)) for key, bp in sorted(task.rates.items())}
    drawn = _drawn_in_plan(task) if task.exclude_drawn_in_plan else {}
    recent = _inspected_recently(task)
    excluded: list[Exclusion] = []
    unrated = 0
    for entity in _scope(task, day):
        risk = entity.risk_class_on_day
        if not risk:
            unrated += 1
            continue
        if risk not in strata:
            continue
        reason, detail = None, ""
        if task.exclude_deregistered and entity.status == EntityStatus.DEREGISTERED:
            reason, detail = ExclusionReason.DEREGISTERED, "名录状态：注销"
        elif task.exclude_suspended and entity.status == EntityStatus.SUSPENDED:
            reason, detail = ExclusionReason.SUSPENDED, "名录状态：停业"
        elif entity.pk in drawn:
            reason, detail = ExclusionReason.DRAWN_IN_PLAN, drawn[entity.pk]
        elif entity.pk in recent:
            reason, detail = ExclusionReason.INSPECTED_RECENTLY, recent[entity.pk]
        if reason:
            excluded.append(Exclusion(entity, str(reason), detail))
        else:
            strata[risk].entities.append(entity)
    for s in strata.values():
        s.sample_size = sample_size(s.population, s.rate_bp, task.rounding)
    return Roster(task, day, strata, excluded, unrated)
