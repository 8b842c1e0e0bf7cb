"""The eligible roster (分类建库) of a task: who is in scope, per risk class, and who is
excluded by the task's rules, each with a reason. Read-only; the announcement freezes it.

Every entity of the task's region is accounted for, once: out of scope by a named filter
(:class:`ScopeFilter`: industry empty, industry not in scope, no rating on the rating day,
class not drawn by the task), or excluded by a rule, or in the roster. Risk classes are
those in force on the rating day (the freeze day, or the plan's start: ``rating_basis``).

Rules, in order (an entity gets the first reason that applies):
1. ``deregistered`` / ``suspended``: the directory status (if the task excludes it);
2. ``drawn-in-plan``: selected in a live draw of another task of the same plan whose
   check items overlap this task's (same items text when neither names directory items);
3. ``inspected-within-window``: an inspection by a department of this task whose
   window ends less than ``recent_days`` days before this task's window starts
   (or overlaps it);
4. ``yearly-limit``: ``max_inspections_per_year`` inspections of the entity by one
   department of this task in the calendar year of the task's window.

Rules 3 and 4 should count inspections carried out. The system does not record that yet
(inspections are only planned), so they count the inspections drawn and planned, and the
preview and the announcement say so (:data:`INSPECTIONS_NOTE`).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import Count
from django.utils import timezone

from shuangsuiji.drawengine.protocol import sample_size
from shuangsuiji.registries.models import Entity, EntityStatus

from .models import ExclusionReason, ScopeFilter, Task

INSPECTIONS_NOTE = (
    "系统尚未记录检查的实际实施情况：“近 N 日内已被同一部门检查”和“每年至多检查 N 次”"
    "两条规则目前按已抽中并安排的检查计数，而不是实际完成的检查。"
)


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
class OutOfScope:
    entity: Entity
    filter: str

    @property
    def filter_label(self) -> str:
        return ScopeFilter(self.filter).label


@dataclass
class Roster:
    task: Task
    rating_day: datetime.date
    strata: dict[str, Stratum]
    excluded: list[Exclusion]
    out_of_scope: list[OutOfScope] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def unrated(self) -> int:
        return sum(1 for x in self.out_of_scope if x.filter == ScopeFilter.UNRATED)

    @property
    def industry_empty(self) -> list[OutOfScope]:
        return [x for x in self.out_of_scope if x.filter == ScopeFilter.INDUSTRY_EMPTY]

    @property
    def total(self) -> int:
        return self.population + len(self.excluded) + len(self.out_of_scope)

    def counts(self) -> list[tuple[str, str, int]]:
        """(kind, label, count) rows: in the roster, each exclusion, each scope filter."""
        rows = [("roster", "进入抽查名录", self.population)]
        for reason in ExclusionReason:
            n = sum(1 for x in self.excluded if x.reason == reason)
            if n:
                rows.append(("excluded", f"排除：{reason.label}", n))
        for scope in ScopeFilter:
            n = sum(1 for x in self.out_of_scope if x.filter == scope)
            if n:
                rows.append(("out_of_scope", f"不在范围：{scope.label}", n))
        return rows

    def announcement_accounting(self) -> dict:
        """Frozen with the announcement: every entity of the region, counted once."""
        listed = {ScopeFilter.INDUSTRY_EMPTY, ScopeFilter.UNRATED, ScopeFilter.CLASS_NOT_IN_SCOPE}
        out: dict[str, dict] = {}
        for scope in ScopeFilter:
            members = sorted(x.entity.credit_code for x in self.out_of_scope if x.filter == scope)
            if members:
                out[scope.value] = {"label": scope.label, "count": len(members)}
                if scope in listed:
                    out[scope.value]["ids"] = members
        excluded = {}
        for reason in ExclusionReason:
            n = sum(1 for x in self.excluded if x.reason == reason)
            if n:
                excluded[reason.value] = {"label": reason.label, "count": n}
        return {
            "region": self.task.region.code,
            "rating_day": self.rating_day.isoformat(),
            "rating_basis": self.task.rating_basis,
            "total": self.total,
            "in_roster": self.population,
            "excluded": excluded,
            "out_of_scope": out,
            "notes": list(self.notes),
        }

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


def _region_entities(task: Task, day: datetime.date):
    """Every entity of the task's region, with the class in force on ``day``."""
    qs = Entity.objects.filter(region__code__startswith=task.region.scope_prefix)
    return qs.with_risk_class_on(day).order_by("credit_code")


def _out_of_scope(task: Task, entity: Entity, strata: dict) -> str | None:
    if task.industry and not entity.industry.strip():
        return ScopeFilter.INDUSTRY_EMPTY
    if task.industry and entity.industry != task.industry:
        return ScopeFilter.INDUSTRY_OTHER
    if not entity.risk_class_on_day:
        return ScopeFilter.UNRATED
    if entity.risk_class_on_day not in strata:
        return ScopeFilter.CLASS_NOT_IN_SCOPE
    return None


def counted_inspections():
    """The inspections the history rules count (planned ones until results are recorded)."""
    from shuangsuiji.inspections.models import Inspection

    return Inspection.objects.live()


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
    if not task.recent_days:
        return {}
    departments = [d.pk for d in task.departments()]
    since = task.window_start - datetime.timedelta(days=task.recent_days)
    qs = (
        counted_inspections()
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


def _at_yearly_limit(task: Task) -> dict[int, str]:
    """entity pk -> detail, for entities one department of the task already inspected
    ``max_inspections_per_year`` times in the year of the task's window."""
    limit = task.max_inspections_per_year
    if not limit:
        return {}
    departments = {d.pk: d for d in task.departments()}
    year = task.window_start.year
    rows = (
        counted_inspections()
        .exclude(task=task)
        .filter(window_start__year=year, team__department__in=list(departments))
        .values("entity_id", "team__department_id")
        .annotate(n=Count("pk", distinct=True))
        .filter(n__gte=limit)
        .order_by("entity_id", "team__department_id")
    )
    out: dict[int, str] = {}
    for row in rows:
        name = departments[row["team__department_id"]].name
        out.setdefault(row["entity_id"], f"{name} {year} 年已检查 {row['n']} 次（上限 {limit} 次）")
    return out


def compute_roster(task: Task, day: datetime.date | None = None) -> Roster:
    """The roster for a freeze on ``day`` (default today); classes in force on the task's
    rating day (``day`` itself, or the plan's start)."""
    day = task.rating_day(day or timezone.localdate())
    strata = {key: Stratum(key, int(bp)) for key, bp in sorted(task.rates.items())}
    drawn = _drawn_in_plan(task) if task.exclude_drawn_in_plan else {}
    recent = _inspected_recently(task)
    capped = _at_yearly_limit(task)
    excluded: list[Exclusion] = []
    out_of_scope: list[OutOfScope] = []
    for entity in _region_entities(task, day):
        scope = _out_of_scope(task, entity, strata)
        if scope:
            out_of_scope.append(OutOfScope(entity, str(scope)))
            continue
        risk = entity.risk_class_on_day
        reason, detail = None, ""
        if task.exclude_deregistered and entity.status == EntityStatus.DEREGISTERED:
            reason, detail = ExclusionReason.DEREGISTERED, "名录状态：注销"
        elif task.exclude_suspended and entity.status == EntityStatus.SUSPENDED:
            reason, detail = ExclusionReason.SUSPENDED, "名录状态：停业"
        elif entity.pk in drawn:
            reason, detail = ExclusionReason.DRAWN_IN_PLAN, drawn[entity.pk]
        elif entity.pk in recent:
            reason, detail = ExclusionReason.INSPECTED_RECENTLY, recent[entity.pk]
        elif entity.pk in capped:
            reason, detail = ExclusionReason.YEARLY_LIMIT, capped[entity.pk]
        if reason:
            excluded.append(Exclusion(entity, str(reason), detail))
        else:
            strata[risk].entities.append(entity)
    for s in strata.values():
        s.sample_size = sample_size(s.population, s.rate_bp, task.rounding)
    notes = [INSPECTIONS_NOTE] if task.recent_days or task.max_inspections_per_year else []
    return Roster(task, day, strata, excluded, out_of_scope, notes)
