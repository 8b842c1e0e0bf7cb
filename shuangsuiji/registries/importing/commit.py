"""Writing a validated plan: bulk inserts and updates with row history.

Runs inside the caller's transaction (one chunk of ``batches.write_batched``). Row history uses
``simple_history.utils.bulk_create_with_history`` / ``bulk_update_with_history``: one
historical row per created or changed record, written in batches, so imports keep the
same history as edits made one by one (the history user is the importing account; the
change reason names the file). New entities, the one kind that comes by the hundred
thousand, go through :mod:`.fastinsert`, which writes the same rows faster.
"""

from __future__ import annotations

import datetime

from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from shuangsuiji.registries.models import CheckItem, Conflict, Entity, Inspector, RiskRating
from shuangsuiji.registries.services import refresh_risk_class

from .fastinsert import create_entities
from .schemas import Kind
from .validation import Action, Context, Plan, PlannedRow, chunks

# Django caps each INSERT at SQLite's 999 bound parameters (≈ 60 entity rows per
# statement there); on PostgreSQL this is the number of rows per statement.
BATCH_SIZE = 2000


def history_user(actor):
    """The account for history rows (None for the command-line system actor)."""
    return actor if getattr(actor, "is_authenticated", False) else None


def _field_name(key: str) -> str:
    return key[:-3] if key.endswith("_id") else key


def _apply_updates(
    model, rows: list[PlannedRow], ctx: Context, now: datetime.datetime, reason: str
) -> None:
    objs, fields = [], set()
    for planned in rows:
        if not planned.changed:
            continue
        for key in planned.changed:
            setattr(planned.obj, key, planned.values[key])
            fields.add(_field_name(key))
        objs.append(planned.obj)
    if not objs:
        return
    if any(f.name == "updated_at" for f in model._meta.concrete_fields):
        for obj in objs:
            obj.updated_at = now
        fields.add("updated_at")
    bulk_update_with_history(
        objs,
        model,
        fields=sorted(fields),
        batch_size=BATCH_SIZE,
        default_user=history_user(ctx.actor),
        default_change_reason=reason,
        default_date=now,
    )


def _create(model, objs: list, ctx: Context, now: datetime.datetime, reason: str) -> None:
    if objs:
        bulk_create_with_history(
            objs,
            model,
            batch_size=BATCH_SIZE,
            default_user=history_user(ctx.actor),
            default_change_reason=reason,
            default_date=now,
        )


def _split(plan: Plan) -> tuple[list[PlannedRow], list[PlannedRow]]:
    creates = [p for p in plan.rows if p.action == Action.CREATE]
    updates = [p for p in plan.rows if p.action == Action.UPDATE]
    return creates, updates


def write_entities(plan: Plan, ctx: Context, now: datetime.datetime, reason: str) -> None:
    creates, updates = _split(plan)
    user = history_user(ctx.actor)
    create_entities(
        creates,
        today=ctx.today,
        now=now,
        user_id=user.pk if user is not None else None,
        reason=reason,
    )
    ratings = []
    _apply_updates(Entity, updates, ctx, now, reason)
    rerated = []
    for planned in updates:
        if planned.extra.get("new_rating"):
            rerated.append(planned.obj.pk)
            ratings.append(
                RiskRating(
                    entity_id=planned.obj.pk,
                    risk_class=planned.extra["risk_class"],
                    effective_date=planned.extra["rating_date"],
                    source=planned.extra["rating_source"],
                    created_by=user,
                )
            )
    RiskRating.objects.bulk_create(ratings, batch_size=BATCH_SIZE)
    for chunk in chunks(rerated):
        refresh_risk_class(chunk)


def write_inspectors(plan: Plan, ctx: Context, now: datetime.datetime, reason: str) -> None:
    creates, updates = _split(plan)
    new = [Inspector(certificate_no=p.key, **p.values) for p in creates]
    _create(Inspector, new, ctx, now, reason)
    _apply_updates(Inspector, updates, ctx, now, reason)


def write_conflicts(plan: Plan, ctx: Context, now: datetime.datetime, reason: str) -> None:
    creates, updates = _split(plan)
    _create(Conflict, [Conflict(**p.values) for p in creates], ctx, now, reason)
    _apply_updates(Conflict, updates, ctx, now, reason)


def write_items(plan: Plan, ctx: Context, now: datetime.datetime, reason: str) -> None:
    creates, updates = _split(plan)
    _create(CheckItem, [CheckItem(**p.values) for p in creates], ctx, now, reason)
    _apply_updates(CheckItem, updates, ctx, now, reason)


WRITERS = {
    Kind.ENTITIES: write_entities,
    Kind.INSPECTORS: write_inspectors,
    Kind.CONFLICTS: write_conflicts,
    Kind.ITEMS: write_items,
}


def write_plan(plan: Plan, ctx: Context) -> None:
    now = timezone.now()
    reason = ctx.reason or f"批量导入：{ctx.filename}"[:100]
    WRITERS[plan.kind](plan, ctx, now, reason)
