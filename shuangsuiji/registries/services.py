"""Write operations on the directories (一单两库).

Every function runs in a transaction, checks the acting user's permission (the role rule)
and the region scope of the record and of every foreign key it is given
(``core.access.ensure_in_scope``: OutOfScope), and writes an audit record. Views,
imports and commands call these; nothing else writes.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from shuangsuiji import creditcode
from shuangsuiji.accounts.permissions import ensure
from shuangsuiji.audit.services import record
from shuangsuiji.core.access import ensure_in_scope
from shuangsuiji.core.errors import InvalidInput
from shuangsuiji.core.snapshots import snapshot
from shuangsuiji.core.validation import assign, full_clean

from .models import (
    CheckItem,
    Conflict,
    Entity,
    EntityStatus,
    EntityStatusChange,
    Inspector,
    RiskClass,
    RiskRating,
    Unavailability,
)
from .signals import identifier_changing

ENTITY_FIELDS = (
    "name",
    "address",
    "license_no",
    "legal_rep",
    "phone",
    "industry",
    "status",
    "region",
)
INSPECTOR_FIELDS = (
    "name",
    "department",
    "certificate_no",
    "certificate_valid_from",
    "certificate_valid_to",
    "title",
    "phone",
    "may_lead",
    "is_expert",
    "active",
    "user",
)
ITEM_FIELDS = ("department", "code", "title", "legal_basis", "method", "active")


def _today() -> datetime.date:
    return timezone.localdate()


def _class_in_force(day: datetime.date) -> Subquery:
    return Subquery(
        RiskRating.objects.filter(entity=OuterRef("pk"), effective_date__lte=day)
        .order_by("-effective_date", "-pk")
        .values("risk_class")[:1]
    )


def refresh_risk_class(
    entity_ids: Iterable[int] | None = None, day: datetime.date | None = None
) -> int:
    """Recompute the cached current class (latest rating effective today, or on ``day``)."""
    qs = Entity.objects.all()
    if entity_ids is not None:
        qs = qs.filter(pk__in=list(entity_ids))
    return qs.update(risk_class=Coalesce(_class_in_force(day or _today()), Value("")))


def refresh_due_risk_classes(day: datetime.date | None = None) -> int:
    """Bring the cached class up to date where a future-dated rating came into force.

    Touches only the entities whose cache differs from the class in force; returns how
    many. Run once a day by :class:`~shuangsuiji.registries.middleware.RiskClassCache`
    and by every ``ssj`` command (the cache is derived data: no audit row).
    """
    day = day or _today()
    stale = (
        Entity.objects.annotate(in_force=Coalesce(_class_in_force(day), Value("")))
        .exclude(risk_class=F("in_force"))
        .values_list("pk", flat=True)
    )
    ids = list(stale)
    for start in range(0, len(ids), 500):
        refresh_risk_class(ids[start : start + 500], day)
    return len(ids)


@transaction.atomic
def create_entity(
    actor,
    *,
    credit_code: str,
    risk_class: str | None = None,
    rating_date: datetime.date | None = None,
    rating_source: str = "",
    status_date: datetime.date | None = None,
    **fields,
) -> Entity:
    ensure(actor, "registries.change_entity")
    ensure_in_scope(actor, fields.get("region"), code="entity.region_out_of_scope", what="行政区划")
    code = creditcode.parse(credit_code).code
    entity = Entity(credit_code=code, **{k: v for k, v in fields.items() if k in ENTITY_FIELDS})
    full_clean(entity)
    entity.save()
    record(actor, "entity.create", entity, after=snapshot(entity))
    if entity.status != EntityStatus.OPERATING:
        _append_status(actor, entity, entity.status, status_date or _today(), "登记")
    if risk_class:
        add_risk_rating(
            actor,
            entity,
            risk_class=risk_class,
            effective_date=rating_date or _today(),
            source=rating_source,
        )
    return entity


@transaction.atomic
def update_entity(
    actor, entity: Entity, *, status_date: datetime.date | None = None, **changes
) -> Entity:
    """Edit an entity; a status change is dated (``status_date``, default today) in the
    status history."""
    ensure(actor, "registries.change_entity", entity)
    ensure_in_scope(actor, entity, code="entity.out_of_scope", what="检查对象")
    ensure_in_scope(
        actor, changes.get("region"), code="entity.region_out_of_scope", what="行政区划"
    )
    before = snapshot(entity)
    old_status = entity.status
    if "credit_code" in changes:
        code = creditcode.parse(changes.pop("credit_code")).code
        if code != entity.credit_code:
            raise InvalidInput(
                "统一社会信用代码不能随其他信息一起修改；请使用“更正统一社会信用代码”并写明理由",
                code="entity.credit_code_needs_correction",
            )
    assign(entity, changes, ENTITY_FIELDS)
    full_clean(entity)
    entity.save()
    record(actor, "entity.update", entity, before=before, after=snapshot(entity))
    if entity.status != old_status:
        _append_status(actor, entity, entity.status, status_date or _today(), "名录编辑")
    return entity


def _append_status(actor, entity: Entity, status: str, day: datetime.date, source: str):
    if day > _today():
        raise InvalidInput("状态生效日期不能晚于今天", code="entity.status_date")
    change = EntityStatusChange.objects.create(
        entity=entity,
        status=status,
        effective_date=day,
        source=source,
        recorded_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    record(
        actor,
        "entity.status",
        entity,
        after=snapshot(change),
        data={"status": status, "effective_date": day.isoformat(), "source": source},
    )
    return change


@transaction.atomic
def record_status_change(
    actor, entity: Entity, *, status: str, effective_date: datetime.date, source: str = ""
) -> EntityStatusChange:
    """Record that the entity's status changed on ``effective_date`` (e.g. 注销 on the day
    the registration authority deregistered it). The current status follows the latest."""
    ensure(actor, "registries.change_entity", entity)
    if status not in EntityStatus.values:
        raise InvalidInput(f"状态“{status}”无效", code="entity.status")
    entity = Entity.objects.select_for_update().get(pk=entity.pk)
    change = _append_status(actor, entity, status, effective_date, source.strip())
    latest = entity.status_changes.order_by("-effective_date", "-pk").first()
    if latest.status != entity.status:
        entity.status = latest.status
        entity.save(update_fields=["status", "updated_at"])
    return change


@transaction.atomic
def correct_credit_code(actor, entity: Entity, *, credit_code: str, reason: str) -> Entity:
    """Correct a wrongly registered credit code (its own audited action, with a reason).

    Refused while the entity is in the frozen roster of a draw not yet revealed; a revealed
    draw keeps pointing at this row through its frozen mapping.
    """
    ensure(actor, "registries.change_entity", entity)
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput("更正统一社会信用代码必须写明理由", code="entity.correction_reason")
    try:
        code = creditcode.parse(credit_code).code
    except creditcode.CreditCodeError as exc:
        raise InvalidInput(f"统一社会信用代码无效：{exc}", code="entity.credit_code") from exc
    entity = Entity.objects.select_for_update().get(pk=entity.pk)
    old = entity.credit_code
    if code == old:
        raise InvalidInput("新代码与原代码相同", code="entity.credit_code_unchanged")
    if Entity.objects.filter(credit_code=code).exists():
        raise InvalidInput(f"统一社会信用代码 {code} 已登记", code="entity.credit_code_taken")
    identifier_changing.send(sender=Entity, instance=entity, old=old, new=code)
    before = snapshot(entity)
    entity.credit_code = code
    entity.save(update_fields=["credit_code", "updated_at"])
    record(
        actor,
        "entity.correct_credit_code",
        entity,
        before=before,
        after=snapshot(entity),
        data={"old": old, "new": code, "reason": reason},
    )
    return entity


@transaction.atomic
def add_risk_rating(
    actor, entity: Entity, *, risk_class: str, effective_date: datetime.date, source: str = ""
) -> RiskRating:
    ensure(actor, "registries.change_entity", entity)
    ensure_in_scope(actor, entity, code="entity.out_of_scope", what="检查对象")
    if risk_class not in RiskClass.values:
        raise ValidationError(f"风险等级“{risk_class}”无效，应为 A、B、C 或 D")
    # Serialise ratings of one entity, so the cached current class can't be computed from
    # a snapshot that misses a concurrent rating (lost update).
    Entity.objects.select_for_update().filter(pk=entity.pk).values_list("pk").first()
    rating = RiskRating.objects.create(
        entity=entity,
        risk_class=risk_class,
        effective_date=effective_date,
        source=source,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    refresh_risk_class([entity.pk])
    entity.refresh_from_db(fields=["risk_class"])
    record(
        actor,
        "entity.rate",
        entity,
        after=snapshot(rating),
        data={
            "risk_class": risk_class,
            "effective_date": effective_date.isoformat(),
            "source": source,
        },
    )
    return rating


def _ensure_inspector_fks(actor, department, user, fields: dict) -> None:
    """The department, the login account and the check items lie in the actor's scope."""
    ensure_in_scope(actor, department, code="inspector.department_out_of_scope", what="部门")
    ensure_in_scope(actor, user, code="inspector.user_out_of_scope", what="登录账号")
    ensure_in_scope(
        actor,
        *(fields.get("check_items") or ()),
        code="inspector.check_item_out_of_scope",
        what="抽查事项",
    )


@transaction.atomic
def create_inspector(actor, **fields) -> Inspector:
    inspector = Inspector(**{k: v for k, v in fields.items() if k in INSPECTOR_FIELDS})
    ensure(actor, "registries.change_inspector", inspector)
    _ensure_inspector_fks(actor, fields.get("department"), fields.get("user"), fields)
    full_clean(inspector)
    inspector.save()
    if "check_items" in fields:
        inspector.check_items.set(fields["check_items"])
    record(actor, "inspector.create", inspector, after=snapshot(inspector))
    return inspector


@transaction.atomic
def update_inspector(actor, inspector: Inspector, **changes) -> Inspector:
    ensure(actor, "registries.change_inspector", inspector)
    ensure_in_scope(actor, inspector, code="inspector.out_of_scope", what="执法检查人员")
    _ensure_inspector_fks(actor, changes.get("department"), changes.get("user"), changes)
    before = snapshot(inspector)
    items = changes.pop("check_items", None)
    old_certificate = inspector.certificate_no
    assign(inspector, changes, INSPECTOR_FIELDS)
    if inspector.certificate_no != old_certificate:
        identifier_changing.send(
            sender=Inspector, instance=inspector, old=old_certificate, new=inspector.certificate_no
        )
    # Moving an inspector to another department needs rights over the new one too.
    ensure(actor, "registries.change_inspector", inspector)
    full_clean(inspector)
    inspector.save()
    if items is not None:
        inspector.check_items.set(items)
    record(actor, "inspector.update", inspector, before=before, after=snapshot(inspector))
    return inspector


@transaction.atomic
def add_unavailability(
    actor, inspector: Inspector, *, start: datetime.date, end: datetime.date, reason: str = ""
) -> Unavailability:
    ensure(actor, "registries.change_inspector", inspector)
    ensure_in_scope(actor, inspector, code="inspector.out_of_scope", what="执法检查人员")
    if end < start:
        raise ValidationError("结束日期不能早于开始日期")
    period = Unavailability.objects.create(inspector=inspector, start=start, end=end, reason=reason)
    record(actor, "inspector.unavailable", inspector, after=snapshot(period))
    return period


@transaction.atomic
def remove_unavailability(actor, period: Unavailability) -> None:
    ensure(actor, "registries.change_inspector", period.inspector)
    ensure_in_scope(actor, period.inspector, code="inspector.out_of_scope", what="执法检查人员")
    before = snapshot(period)
    inspector = period.inspector
    period.delete()
    record(actor, "inspector.available", inspector, before=before)


@transaction.atomic
def declare_conflict(
    actor,
    *,
    inspector: Inspector,
    entity: Entity,
    reason: str = "",
    declared_on: datetime.date | None = None,
) -> Conflict:
    ensure(actor, "registries.change_conflict", inspector)
    ensure_in_scope(actor, inspector, code="conflict.inspector_out_of_scope", what="执法检查人员")
    ensure_in_scope(actor, entity, code="conflict.entity_out_of_scope", what="检查对象")
    conflict, created = Conflict.objects.get_or_create(
        inspector=inspector,
        entity=entity,
        defaults={"reason": reason, "declared_on": declared_on or _today()},
    )
    if not created:
        raise ValidationError(f"{inspector.name} 与 {entity.name} 的回避关系已存在")
    record(actor, "conflict.declare", conflict, after=snapshot(conflict))
    return conflict


@transaction.atomic
def withdraw_conflict(actor, conflict: Conflict, *, reason: str) -> None:
    ensure(actor, "registries.change_conflict", conflict.inspector)
    ensure_in_scope(actor, conflict, code="conflict.out_of_scope", what="回避关系")
    if not reason.strip():
        raise ValidationError("撤销回避关系必须填写理由")
    before = snapshot(conflict)
    conflict.delete()
    record(
        actor,
        "conflict.withdraw",
        object_type="registries.conflict",
        object_id=str(before["id"]),
        object_repr=f"回避关系 #{before['id']}",
        before=before,
        data={"reason": reason},
    )


@transaction.atomic
def create_check_item(actor, **fields) -> CheckItem:
    item = CheckItem(**{k: v for k, v in fields.items() if k in ITEM_FIELDS})
    ensure(actor, "registries.change_checkitem", item)
    ensure_in_scope(
        actor, fields.get("department"), code="checkitem.department_out_of_scope", what="部门"
    )
    full_clean(item)
    item.save()
    record(actor, "checkitem.create", item, after=snapshot(item))
    return item


@transaction.atomic
def update_check_item(actor, item: CheckItem, **changes) -> CheckItem:
    ensure(actor, "registries.change_checkitem", item)
    ensure_in_scope(actor, item, code="checkitem.out_of_scope", what="抽查事项")
    ensure_in_scope(
        actor, changes.get("department"), code="checkitem.department_out_of_scope", what="部门"
    )
    before = snapshot(item)
    assign(item, changes, ITEM_FIELDS)
    ensure(actor, "registries.change_checkitem", item)
    full_clean(item)
    item.save()
    record(actor, "checkitem.update", item, before=before, after=snapshot(item))
    return item
