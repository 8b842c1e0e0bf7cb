"""The draw ceremony (摇号): freeze the announcement, reveal with the public beacon,
substitute an entity, change an inspector, void. Each function runs in one transaction,
locks the draw row (``select_for_update``), checks permission and writes an audit record.

After the reveal the record changes only by an engine-checked substitution or inspector
change (appended to the record, so ``ssj draw verify`` still passes) or by voiding.
"""

from __future__ import annotations

import datetime
import json

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from shuangsuiji.accounts.permissions import ensure
from shuangsuiji.audit.services import record as audit
from shuangsuiji.core.errors import StateConflict
from shuangsuiji.drawengine import (
    DrawError,
    announcement_digest,
    apply_inspector_change,
    build_announcement,
    canonical_beacon,
    canonical_json,
    plan_inspector_change,
    requires_commitments,
    reveal,
)
from shuangsuiji.inspections import services as inspections
from shuangsuiji.inspections.models import Inspection, InspectionStatus
from shuangsuiji.registries.importing.batches import ensure_no_import_writing
from shuangsuiji.registries.models import Conflict, Inspector

from . import commitments, engine, frozen, versions
from .models import Draw, DrawStatus, Task
from .roster import compute_roster


class DrawStateError(ValidationError):
    """The draw is not in a state that allows the operation (message in Chinese)."""


def _user(actor):
    return actor if getattr(actor, "is_authenticated", False) else None


def _engine_call(func, *args, **kwargs):
    try:
        return func(*args, **kwargs)
    except DrawError as exc:
        raise ValidationError(str(exc)) from exc


def _lock(draw: Draw) -> Draw:
    return Draw.objects.select_for_update().select_related("task", "task__plan").get(pk=draw.pk)


def _task_block(task: Task, day: datetime.date) -> dict:
    plan = task.plan
    return {
        "plan": {"year": plan.year, "office": plan.office, "doc_number": plan.doc_number},
        "task": {
            "number": task.number,
            "code": task.code,
            "name": task.name,
            "domain": task.domain,
            "items": [
                f"{dept}:{code}"
                for dept, code in sorted(task.check_items.values_list("department__code", "code"))
            ],
            "scope": {"region": task.region.code, "industry": task.industry},
            "initiating_department": task.initiating_department.code,
            "cooperating_departments": sorted(
                task.cooperating_departments.values_list("code", flat=True)
            ),
            "window": [task.window_start.isoformat(), task.window_end.isoformat()],
        },
        "roster_rules": {
            "rating_day": day.isoformat(),
            "rating_basis": task.rating_basis,
            "exclude_deregistered": task.exclude_deregistered,
            "exclude_suspended": task.exclude_suspended,
            "recent_days": task.recent_days,
            "exclude_drawn_in_plan": task.exclude_drawn_in_plan,
            "max_inspections_per_year": task.max_inspections_per_year,
        },
    }


def _check_team_feasible(task: Task, pool: list[dict]) -> None:
    leaders = [
        p for p in pool if p["department"] == task.initiating_department.code and p["may_lead"]
    ]
    if not leaders:
        raise ValidationError(f"{task.initiating_department.name} 没有可任组长的在岗执法人员")
    for dept in task.cooperating_departments.all():
        have = sum(1 for p in pool if p["department"] == dept.code)
        if have < task.members_for(dept.code):
            raise ValidationError(f"{dept.name} 在岗执法人员不足 {task.members_for(dept.code)} 人")


def _iso_moment(value: datetime.datetime | None) -> str | None:
    if value is None:
        return None
    return timezone.localtime(value).replace(microsecond=0).isoformat()


def _refuse_reused_beacon_source(source: str) -> None:
    """One public value feeds one live draw: a source another live announcement names (or
    a voided one that already had its value entered) would let the office pick the draw
    whose result it likes."""
    used = (
        Draw.objects.filter(announcement__beacon_source=source)
        .exclude(status=DrawStatus.VOIDED, beacon="")
        .values_list("code", flat=True)
        .first()
    )
    if used:
        raise StateConflict(
            f"随机数来源“{source}”已用于抽取 {used}；每个公开随机数只能用于一次抽取，"
            "请写明另一期开奖号码或另一个尚未产生的随机数",
            code="draw.beacon_source_reused",
        )


@transaction.atomic
def freeze_announcement(
    actor,
    task: Task,
    *,
    code: str,
    beacon_source: str,
    beacon_kind: str,
    title: str = "",
    beacon_not_before: datetime.datetime | None = None,
    now: datetime.datetime | None = None,
) -> Draw:
    """Compute the roster and freeze it with the rules into the public announcement.

    ``beacon_not_before``: the earliest time the beacon can exist (e.g. the lottery's draw
    time); frozen into the announcement; a reveal before it is refused.

    For a ``dice``/``text`` beacon the draw waits for the departments' commitments
    (status ``committing``, ``plans.commitments``) before the announcement is final."""
    ensure(actor, "plans.run_draw", task.plan)
    ensure_no_import_writing()
    task = Task.objects.select_for_update().select_related("plan", "region").get(pk=task.pk)
    if task.draws.exclude(status=DrawStatus.VOIDED).exists():
        raise DrawStateError("该任务已有未作废的抽取；如需重新抽取，请先作废原抽取")
    code = (code or "").strip()
    if not code:
        raise ValidationError("请填写抽取编号")
    if Draw.objects.filter(code=code).exists():
        raise ValidationError(f"抽取编号 {code} 已使用过；重新抽取必须使用新的编号")
    moment = timezone.localtime(now or timezone.now()).replace(microsecond=0)
    roster = compute_roster(task, moment.date())
    if roster.population == 0:
        raise ValidationError("检查对象范围内没有符合条件的对象，无法公告")
    inspectors = list(engine.pool_inspectors(task))
    pool = engine.pool_snapshot(inspectors)
    _check_team_feasible(task, pool)
    entity_ids = [e.pk for s in roster.strata.values() for e in s.entities]
    conflicts = engine.conflicts_snapshot(inspectors, entity_ids)
    announcement = _engine_call(
        build_announcement,
        code=code,
        title=title or task.name,
        strata=roster.announcement_strata(),
        beacon_source=beacon_source,
        announced_at=moment.isoformat(),
        rounding=task.rounding,
        excluded=roster.announcement_excluded(),
        extra={
            **_task_block(task, roster.rating_day),
            "accounting": roster.announcement_accounting(),
        },
        inspectors=engine.inspector_pool(task, pool, conflicts),
        beacon_not_before=_iso_moment(beacon_not_before),
    )
    announcement = json.loads(canonical_json(announcement))  # plain JSON, as stored
    committed = requires_commitments(beacon_kind)
    _refuse_reused_beacon_source(announcement["beacon_source"])
    digest = announcement_digest(announcement)
    draw = Draw.objects.create(
        task=task,
        code=code,
        announcement=announcement,
        announcement_digest=digest,
        announced_at=moment,
        announced_by=_user(actor),
        beacon_kind=beacon_kind,
        pool_snapshot=pool,
        conflicts_snapshot=conflicts,
        frozen_display=frozen.display_block(task),
        status=DrawStatus.COMMITTING if committed else DrawStatus.ANNOUNCED,
    )
    if committed:
        commitments.create_rows(draw)
    frozen.freeze_rows(
        draw,
        {key: s.entities for key, s in roster.strata.items()},
        [x.entity for x in roster.excluded],
        inspectors,
    )
    audit(
        actor,
        "draw.prepare" if committed else "draw.announce",
        draw,
        after=announcement,
        data={
            "code": code,
            "digest": digest,
            "population": {k: s.population for k, s in roster.strata.items()},
            "excluded": len(roster.excluded),
            "beacon_source": announcement["beacon_source"],
        },
    )
    return draw


@transaction.atomic
def reveal_draw(actor, draw: Draw, *, beacon: str, now: datetime.datetime | None = None) -> Draw:
    """Enter the beacon once; compute selection and teams; create the inspections."""
    ensure(actor, "plans.run_draw", draw.task.plan)
    draw = _lock(draw)
    if draw.status == DrawStatus.COMMITTING:
        raise StateConflict(
            f"抽取 {draw.code} 尚待各参与部门提交承诺，公告尚未冻结，不能开奖",
            code="draw.awaiting_commitments",
        )
    if draw.status != DrawStatus.ANNOUNCED:
        raise DrawStateError(
            f"抽取 {draw.code} 当前状态为“{draw.get_status_display()}”，不能再次开奖"
        )
    if draw.beacon:
        raise StateConflict(
            f"抽取 {draw.code} 已录入随机数 {draw.beacon}，不能重新录入；待各部门揭示秘密值后开奖",
            code="draw.beacon_entered",
        )
    moment = timezone.localtime(now or timezone.now()).replace(microsecond=0)
    not_before = draw.announcement.get("beacon_not_before")
    if not_before and moment < datetime.datetime.fromisoformat(not_before):
        raise StateConflict(
            f"公告规定随机数最早于 {not_before} 产生，此前不能开奖",
            code="draw.beacon_too_early",
        )
    canonical = _engine_call(canonical_beacon, beacon, draw.beacon_kind)
    draw.beacon_raw = str(beacon)[:500]
    draw.beacon = canonical
    if "commitments" in draw.announcement:
        if draw.commitments.filter(secret="").exists():  # the departments reveal next
            draw.save(update_fields=["beacon_raw", "beacon"])
            audit(actor, "draw.beacon", draw, data={"code": draw.code, "beacon": canonical})
            return draw
    return complete_reveal(actor, draw, moment)


def complete_reveal(actor, draw: Draw, moment: datetime.datetime) -> Draw:
    """Compute the record from the stored beacon (and secrets); create the inspections.
    Called inside the caller's transaction with the draw row locked."""
    moment = timezone.localtime(moment).replace(microsecond=0)
    not_before = draw.announcement.get("beacon_not_before")
    pool, conflicts = engine.frozen_inputs(draw)
    secrets = commitments.secrets_of(draw) if "commitments" in draw.announcement else None
    result = _engine_call(
        reveal,
        draw.announcement,
        draw.beacon,
        pool=pool,
        conflicts=conflicts,
        secrets=secrets,
        revealed_at=moment if not_before else None,
    )
    draw.record = result
    draw.status = DrawStatus.REVEALED
    draw.revealed_at = moment
    draw.revealed_by = _user(actor)
    draw.save(
        update_fields=["beacon_raw", "beacon", "record", "status", "revealed_at", "revealed_by"]
    )
    codes, certificates = inspections.record_codes(result)
    versions.publish(draw, "开奖")
    created = inspections.create_for_record(
        draw,
        entity_ids=frozen.entity_ids(draw, codes),
        inspector_ids=frozen.inspector_ids(draw, certificates),
    )
    audit(
        actor,
        "draw.reveal",
        draw,
        after=result,
        data={
            "code": draw.code,
            "beacon": draw.beacon,
            "seed": result["seed"],
            "selected": {k: len(v["selected"]) for k, v in result["strata"].items()},
            "inspections": len(created),
        },
    )
    return draw


def _require_revealed(draw: Draw) -> None:
    if draw.status != DrawStatus.REVEALED:
        raise DrawStateError(f"抽取 {draw.code} 当前状态为“{draw.get_status_display()}”，不能调整")


def _stratum_of(draw: Draw, credit_code: str) -> str:
    for key, stratum in draw.record["strata"].items():
        current = [e["id"] for e in stratum["selected"]]
        for sub in stratum["substitutions"]:
            current[current.index(sub["replaced"])] = sub["by"]
        if credit_code in current:
            return key
    raise ValidationError(f"{credit_code} 不是抽取 {draw.code} 当前的抽中对象")


def _unavailable_for(inspection: Inspection, draw: Draw) -> list[str]:
    """Inspectors who cannot take this inspection now, though the frozen pool allowed them:
    inactive, on leave during the window, or with a conflict declared after the freeze.
    (Frozen certificate numbers, resolved through the draw's mapping.)"""
    certificate = frozen.certificates_of(
        draw, draw.frozen_inspectors.values_list("inspector_id", flat=True)
    )
    pks = list(certificate)
    out = set(Inspector.objects.filter(pk__in=pks, active=False).values_list("pk", flat=True))
    out.update(
        Inspector.objects.filter(
            pk__in=pks,
            unavailable_periods__start__lte=inspection.window_end,
            unavailable_periods__end__gte=inspection.window_start,
        ).values_list("pk", flat=True)
    )
    out.update(
        Conflict.objects.filter(inspector_id__in=pks, entity=inspection.entity).values_list(
            "inspector_id", flat=True
        )
    )
    return sorted(certificate[pk] for pk in out)


def _change(actor, draw: Draw, inspection: Inspection, outgoing: str, reason: str, note: str):
    pool, conflicts = engine.frozen_inputs(draw)
    entity = frozen.code_of(draw, inspection.entity_id)
    unavailable = [i for i in _unavailable_for(inspection, draw) if i != outgoing]
    incoming, skipped = _engine_call(
        plan_inspector_change,
        draw.record,
        entity=entity,
        outgoing=outgoing,
        pool=pool,
        conflicts=conflicts,
        unavailable_on=unavailable,
    )
    draw.record = _engine_call(
        apply_inspector_change,
        draw.record,
        entity=entity,
        outgoing=outgoing,
        incoming=incoming,
        reason=reason,
        approved_by=getattr(actor, "display_name", str(actor)),
        skipped=skipped,
    )
    draw.save(update_fields=["record"])
    people = frozen.inspector_ids(draw, [outgoing, incoming])
    member = inspections.replace_member(
        inspection,
        outgoing_id=people[outgoing],
        incoming_id=people[incoming],
        reason=reason,
        note=note,
        approver=actor,
    )
    audit(
        actor,
        "draw.change_inspector",
        inspection,
        data=dict(draw.record["inspector_changes"][-1], code=draw.code, note=note),
    )
    return member


@transaction.atomic
def change_inspector(actor, inspection: Inspection, *, outgoing: str, reason: str, note: str = ""):
    """Replace a team member by the next eligible inspector in drawn order."""
    ensure(actor, "plans.run_draw", inspection.task.plan)
    draw = _lock(inspection.draw)
    _require_revealed(draw)
    inspection = Inspection.objects.select_related("entity", "task").get(pk=inspection.pk)
    if inspection.status != InspectionStatus.PLANNED:
        raise DrawStateError("该检查已替补或撤销，不能调整人员")
    member = _change(actor, draw, inspection, outgoing, reason, note)
    change = draw.record["inspector_changes"][-1]
    versions.publish(draw, f"人员调整：{change['outgoing']} → {change['incoming']}")
    return member


@transaction.atomic
def void_draw(actor, draw: Draw, *, reason: str, now: datetime.datetime | None = None) -> Draw:
    """Void a draw (announced or revealed); it stays public with the reason."""
    ensure(actor, "plans.run_draw", draw.task.plan)
    draw = _lock(draw)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError("作废必须写明原因")
    if draw.status == DrawStatus.VOIDED:
        raise DrawStateError(f"抽取 {draw.code} 已作废")
    before = draw.status
    draw.status = DrawStatus.VOIDED
    draw.void_reason = reason[:500]
    draw.voided_at = now or timezone.now()
    draw.voided_by = _user(actor)
    try:
        draw.save(update_fields=["status", "void_reason", "voided_at", "voided_by"])
    except IntegrityError as exc:  # pragma: no cover - constraint is on live draws only
        raise ValidationError(str(exc)) from exc
    cancelled = inspections.cancel_for_draw(draw, f"抽取作废：{reason}")
    audit(
        actor,
        "draw.void",
        draw,
        data={"code": draw.code, "reason": reason, "was": before, "cancelled": cancelled},
    )
    return draw
