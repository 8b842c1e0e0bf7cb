"""Writes on plans and tasks. Each runs in a transaction, checks the acting user's
permission and writes an audit record; views and the ``plan`` command only call these.
Draw writes (announce, reveal, substitute, void, inspector changes) live in ``draws``.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction

from shuangsuiji.accounts.permissions import ensure
from shuangsuiji.audit.services import record
from shuangsuiji.core.access import ensure_in_scope
from shuangsuiji.core.errors import InvalidInput
from shuangsuiji.core.models import Department, Region
from shuangsuiji.core.snapshots import snapshot
from shuangsuiji.core.validation import assign, full_clean
from shuangsuiji.registries.models import CheckItem, RiskClass

from . import annex_check
from .models import DrawStatus, Plan, Rounding, Task, TeamMode

PLAN_FIELDS = ("year", "office", "doc_number", "title", "region", "period_start", "period_end")
TASK_FIELDS = (
    "number",
    "code",
    "name",
    "domain",
    "items_text",
    "scope_text",
    "region",
    "industry",
    "rates",
    "rounding",
    "initiating_department",
    "members_per_department",
    "team_mode",
    "window_start",
    "window_end",
    "exclude_deregistered",
    "exclude_suspended",
    "recent_days",
    "exclude_drawn_in_plan",
    "max_inspections_per_year",
    "rating_basis",
)


def _user(actor):
    return actor if getattr(actor, "is_authenticated", False) else None


def _check_rates(rates: dict) -> dict[str, int]:
    if not rates:
        raise ValidationError("至少需要一个风险等级的抽查比例")
    out: dict[str, int] = {}
    for key, value in rates.items():
        if key not in RiskClass.values:
            raise ValidationError(f"风险等级“{key}”无效，应为 A、B、C 或 D")
        if isinstance(value, bool) or not isinstance(value, int) or not 0 < value <= 10000:
            raise ValidationError(f"{key} 类抽查比例须在 0.01%–100% 之间")
        out[key] = value
    return dict(sorted(out.items()))


@transaction.atomic
def create_plan(actor, **fields) -> Plan:
    ensure(actor, "plans.change_plan")
    ensure_in_scope(actor, fields.get("region"), code="plan.region_out_of_scope", what="行政区划")
    plan = Plan(**{k: v for k, v in fields.items() if k in PLAN_FIELDS}, created_by=_user(actor))
    full_clean(plan)
    plan.save()
    record(actor, "plan.create", plan, after=snapshot(plan))
    return plan


@transaction.atomic
def update_plan(actor, plan: Plan, **changes) -> Plan:
    ensure(actor, "plans.change_plan", plan)
    ensure_in_scope(actor, plan, code="plan.out_of_scope", what="抽查计划")
    ensure_in_scope(actor, changes.get("region"), code="plan.region_out_of_scope", what="行政区划")
    before = snapshot(plan)
    assign(plan, changes, PLAN_FIELDS)
    full_clean(plan)
    plan.save()
    record(actor, "plan.update", plan, before=before, after=snapshot(plan))
    return plan


def _task_snapshot(task: Task) -> dict:
    data = snapshot(task) or {}
    data["check_items"] = sorted(task.check_items.values_list("pk", flat=True))
    data["cooperating_departments"] = sorted(
        task.cooperating_departments.values_list("code", flat=True)
    )
    return data


def _set_relations(task: Task, check_items, cooperating) -> None:
    if cooperating is not None:
        cooperating = list(cooperating)
        if any(d.pk == task.initiating_department_id for d in cooperating):
            raise ValidationError("发起部门不能同时是配合部门")
        task.cooperating_departments.set(cooperating)
    if check_items is not None:
        items = list(check_items)
        allowed = {d.pk for d in task.departments()}
        stray = [i for i in items if i.department_id not in allowed]
        if stray:
            raise ValidationError(f"抽查事项 {stray[0]} 不属于本任务的发起或配合部门")
        task.check_items.set(items)


def _ensure_task_fks(actor, fields: dict, check_items, cooperating) -> None:
    """The task's region, departments and check items lie in the actor's scope."""
    ensure_in_scope(actor, fields.get("region"), code="task.region_out_of_scope", what="行政区划")
    ensure_in_scope(
        actor,
        fields.get("initiating_department"),
        *(cooperating or ()),
        code="task.department_out_of_scope",
        what="部门",
    )
    ensure_in_scope(
        actor, *(check_items or ()), code="task.check_item_out_of_scope", what="抽查事项"
    )


def default_task_code(plan: Plan, number: int) -> str:
    """``2023-410402-01``; ``…-01-2`` when an earlier plan already used it."""
    base = f"{plan.year}-{plan.region.code}-{number:02d}"
    code, n = base, 1
    while Task.objects.filter(code=code).exists():
        n += 1
        code = f"{base}-{n}"
    return code


@transaction.atomic
def create_task(
    actor,
    plan: Plan,
    *,
    check_items: Iterable[CheckItem] | None = None,
    cooperating_departments: Iterable[Department] | None = None,
    **fields,
) -> Task:
    ensure(actor, "plans.change_plan", plan)
    ensure_in_scope(actor, plan, code="plan.out_of_scope", what="抽查计划")
    _ensure_task_fks(actor, fields, check_items, cooperating_departments)
    data = {k: v for k, v in fields.items() if k in TASK_FIELDS}
    data["rates"] = _check_rates(data.get("rates") or {})
    data.setdefault("region", plan.region)
    data.setdefault("window_start", plan.period_start)
    data.setdefault("window_end", plan.period_end)
    if not data.get("code"):
        data["code"] = default_task_code(plan, data["number"])
    task = Task(plan=plan, **data)
    full_clean(task)
    task.save()
    _set_relations(task, check_items, cooperating_departments)
    record(actor, "task.create", task, after=_task_snapshot(task))
    return task


def ensure_task_editable(task: Task) -> None:
    if task.draws.exclude(status=DrawStatus.VOIDED).exists():
        raise ValidationError("该任务已有公告或抽取结果，规则已冻结，不能修改（可先作废抽取）")


@transaction.atomic
def update_task(
    actor,
    task: Task,
    *,
    check_items: Iterable[CheckItem] | None = None,
    cooperating_departments: Iterable[Department] | None = None,
    **changes,
) -> Task:
    ensure(actor, "plans.change_plan", task.plan)
    ensure_in_scope(actor, task.plan, code="plan.out_of_scope", what="抽查计划")
    _ensure_task_fks(actor, changes, check_items, cooperating_departments)
    Task.objects.select_for_update().filter(pk=task.pk).first()
    ensure_task_editable(task)
    before = _task_snapshot(task)
    for key, value in changes.items():
        if key not in TASK_FIELDS:
            raise ValueError(f"unknown task field {key}")
        if key == "rates":
            value = _check_rates(value)
        setattr(task, key, value)
    full_clean(task)
    task.save()
    _set_relations(task, check_items, cooperating_departments)
    record(actor, "task.update", task, before=before, after=_task_snapshot(task))
    return task


# --------------------------------------------------------------------------- Annex 1 import


def risk_class_of(row: dict) -> str:
    """The risk class of a row with one rate (its 风险等级 column, or "A 类" in the name)."""
    try:
        return annex_check.risk_class_of(row)
    except ValueError as exc:
        raise InvalidInput(f"第 {row['序号']} 行：{exc}", code="plan.annex_risk_class") from None


@transaction.atomic
def import_annex(
    actor,
    rows: list[dict],
    *,
    year: int,
    office: str,
    doc_number: str,
    title: str,
    region: Region,
    period_start: datetime.date,
    period_end: datetime.date,
    industry: str = "互联网上网服务营业场所",
    rounding: str = Rounding.CEIL_MIN1,
    team_mode: str = TeamMode.PER_INSPECTION,
    recent_days: int = 0,
    attach_items: bool = True,
) -> Plan:
    """Create a plan and one task per Annex 1 row (rows from ``annex.read_rows``).

    Every row is checked first (``annex_check.check_rows``: departments by code, name,
    short name or alias within ``region``; rates and risk classes); any problem refuses
    the whole import and lists every problem."""
    ensure(actor, "plans.change_plan")
    ensure_in_scope(actor, region, code="plan.region_out_of_scope", what="行政区划")
    if not rows:
        raise InvalidInput("表格中没有任务行", code="plan.annex_empty")
    checked = annex_check.check_rows(rows, region)
    if checked.issues:
        raise InvalidInput(
            "；".join(str(i) for i in checked.issues[:10]), code="plan.annex_invalid"
        )
    plan = create_plan(
        actor,
        year=year,
        office=office,
        doc_number=doc_number,
        title=title,
        region=region,
        period_start=period_start,
        period_end=period_end,
    )
    for row in checked.rows:
        number = row["序号"]
        initiating, cooperating = row["_initiating"], row["_cooperating"]
        items = None
        if attach_items:
            items = CheckItem.objects.filter(active=True, department__in=[initiating, *cooperating])
        create_task(
            actor,
            plan,
            number=number,
            name=row["抽查名称"],
            domain=row["抽查领域"],
            items_text=row.get("抽查事项", ""),
            scope_text=row.get("检查对象", ""),
            industry=industry,
            rates=row["_rates"],
            rounding=rounding,
            team_mode=team_mode,
            recent_days=recent_days,
            initiating_department=initiating,
            cooperating_departments=cooperating,
            check_items=items,
        )
    record(actor, "plan.import", plan, data={"tasks": len(rows), "doc_number": doc_number})
    return plan
