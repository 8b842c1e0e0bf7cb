"""Writing a validated import in short transactions, all or nothing.

SQLite has one write lock for the whole database. Writing 300,000 rows in one
transaction held it for longer than the 20 s that other writers wait, so every other
write failed. An import therefore:

1. validates every row *before* taking any lock (reads only);
2. opens an :class:`~shuangsuiji.registries.models.ImportBatch` and writes the rows in
   chunks of :data:`CHUNK_ROWS`, each in its own short transaction, pausing briefly
   between chunks so that waiting writers get the lock;
3. writes the audit record and marks the batch committed in a last transaction.

Every history row written by the import carries the batch's change reason
("批量导入 #<batch>：<file>"). If a chunk fails (a concurrent change, a busy database, a
crash), :func:`rollback_batch` undoes the batch from the history tables: objects whose
history starts with the batch are deleted, objects the batch changed get the values of
their previous history row back, the batch's history rows and new risk ratings are
removed. A batch left "writing" by a dead process is rolled back by
:func:`recover_stale_batches`, which runs before each import.

Between the first chunk and the last, other users can see part of the import; a
failed import disappears again. Changes other users make to the same rows between the
preview and the write are detected (``updated_at``) and make the import fail.
"""

from __future__ import annotations

import dataclasses
import datetime
import time
from collections.abc import Callable

from django.db import OperationalError, connection, transaction
from django.utils import timezone

from shuangsuiji.core.errors import Busy, StateConflict, is_busy
from shuangsuiji.registries.models import (
    CheckItem,
    Conflict,
    Entity,
    ImportBatch,
    ImportBatchStatus,
    Inspector,
    RiskRating,
)
from shuangsuiji.registries.services import refresh_risk_class

from .commit import history_user, write_plan
from .schemas import Kind
from .validation import Action, Context, Plan, chunks

CHUNK_ROWS = 2000
PAUSE_SECONDS = 0.05  # between chunks on SQLite: long enough for a waiting writer's retry
STALE_AFTER = datetime.timedelta(minutes=10)
MODELS = {
    Kind.ENTITIES: Entity,
    Kind.INSPECTORS: Inspector,
    Kind.CONFLICTS: Conflict,
    Kind.ITEMS: CheckItem,
}
BUSY = "系统正忙（数据库正在处理其他写入），请稍后重试。"


def _retrying(step: Callable[[], object], attempts: int = 3):
    """Run one short transaction, retrying while the database is locked."""
    for attempt in range(attempts):
        try:
            with transaction.atomic():
                return step()
        except OperationalError as exc:
            if not is_busy(exc) or attempt == attempts - 1:
                raise
            time.sleep(0.5 * (attempt + 1))
    return None


def open_batch(plan: Plan, ctx: Context) -> ImportBatch:
    now = timezone.now()

    def create():
        batch = ImportBatch.objects.create(
            kind=plan.kind.value,
            filename=plan.filename[:255],
            sha256=plan.sha256,
            actor=history_user(ctx.actor),
            started_at=now,
            heartbeat_at=now,
        )
        batch.reason = f"批量导入 #{batch.pk}：{plan.filename}"[:100]
        batch.save(update_fields=["reason"])
        return batch

    return _retrying(create)


def _check_unchanged(plan: Plan) -> None:
    """Refuse rows whose object another user changed after the preview read it."""
    model = MODELS[plan.kind]
    if not any(f.name == "updated_at" for f in model._meta.concrete_fields):
        return
    planned = {p.obj.pk: p for p in plan.rows if p.action == Action.UPDATE and p.changed}
    for ids in chunks(list(planned)):
        for pk, stamp in model.objects.filter(pk__in=ids).values_list("pk", "updated_at"):
            if stamp != planned[pk].obj.updated_at:
                raise StateConflict(
                    f"第 {planned[pk].row} 行（{planned[pk].key}）在预览之后被其他用户修改，"
                    "导入已撤销：请重新上传预览",
                    code="import.changed_meanwhile",
                )


def write_batched(plan: Plan, ctx: Context, finish: Callable[[ImportBatch], None]) -> ImportBatch:
    """Write the plan's rows chunk by chunk; ``finish`` runs in the last transaction."""
    recover_stale_batches()
    try:
        batch = open_batch(plan, ctx)
    except OperationalError as exc:
        if is_busy(exc):
            raise Busy(BUSY, code="import.busy") from None
        raise
    ctx.reason = batch.reason
    rows = [p for p in plan.rows if p.action != Action.UNCHANGED]
    try:
        for number, start in enumerate(range(0, len(rows), CHUNK_ROWS)):
            if number and connection.vendor == "sqlite":
                time.sleep(PAUSE_SECONDS)
            part = dataclasses.replace(plan, rows=rows[start : start + CHUNK_ROWS])
            done = start + len(part.rows)

            def write(part=part, done=done):
                _check_unchanged(part)
                write_plan(part, ctx)
                ImportBatch.objects.filter(pk=batch.pk).update(
                    rows_written=done, heartbeat_at=timezone.now()
                )

            _retrying(write)

        def close():
            finish(batch)
            ImportBatch.objects.filter(pk=batch.pk).update(
                status=ImportBatchStatus.COMMITTED, finished_at=timezone.now()
            )

        _retrying(close)
    except BaseException as exc:
        _undo_after_failure(batch)
        if isinstance(exc, OperationalError) and is_busy(exc):
            raise Busy(BUSY, code="import.busy") from None
        raise
    batch.refresh_from_db()
    return batch


def _undo_after_failure(batch: ImportBatch) -> None:
    try:
        rollback_batch(batch)
    except OperationalError:
        # Still locked: the batch stays "writing" and recover_stale_batches undoes it.
        pass


# --- undo ---------------------------------------------------------------------------


def rollback_batch(batch: ImportBatch) -> dict[str, int]:
    """Undo everything the batch wrote, from the history rows that carry its reason."""
    model = MODELS[Kind(batch.kind)]
    history = model.history.model
    mine = history.objects.filter(history_change_reason=batch.reason)
    created = list(mine.filter(history_type="+").values_list("id", flat=True))
    changed = sorted(set(mine.filter(history_type="~").values_list("id", flat=True)))
    restored = 0
    for ids in chunks(changed):
        restored += _retrying(lambda ids=ids: _restore(batch, model, history, ids))
    for ids in chunks(created, 2000):
        _retrying(lambda ids=ids: _delete_created(batch, model, history, ids))

    def close():
        mine.delete()
        ImportBatch.objects.filter(pk=batch.pk).update(
            status=ImportBatchStatus.ROLLED_BACK, finished_at=timezone.now()
        )

    _retrying(close)
    return {"deleted": len(created), "restored": restored}


def _restore(batch: ImportBatch, model, history, ids: list[int]) -> int:
    tracked = [f.attname for f in history.tracked_fields if f.attname != "id"]
    earlier = (
        history.objects.filter(id__in=ids, history_date__lt=batch.started_at)
        .exclude(history_change_reason=batch.reason)
        .order_by("id", "-history_date", "-history_id")
    )
    previous: dict[int, object] = {}
    for row in earlier:
        previous.setdefault(row.id, row)
    objs = []
    for obj in model.objects.filter(pk__in=list(previous)):
        for name in tracked:
            setattr(obj, name, getattr(previous[obj.pk], name))
        objs.append(obj)
    fields = [f.name for f in model._meta.concrete_fields if f.attname in tracked]
    if objs:
        model.objects.bulk_update(objs, fields)
    if model is Entity:
        RiskRating.objects.filter(
            entity_id__in=ids,
            created_at__gte=batch.started_at,
            created_by=batch.actor,
        ).delete()
        refresh_risk_class(ids)
    return len(objs)


def _delete_created(batch: ImportBatch, model, history, ids: list[int]) -> None:
    model.objects.filter(pk__in=ids).delete()
    # The deletion wrote "-" history rows; the objects never existed for anyone else.
    history.objects.filter(
        id__in=ids, history_type="-", history_date__gte=batch.started_at
    ).delete()


def recover_stale_batches(now: datetime.datetime | None = None) -> list[int]:
    """Roll back batches whose writer stopped (no chunk for :data:`STALE_AFTER`)."""
    cutoff = (now or timezone.now()) - STALE_AFTER
    stale = list(
        ImportBatch.objects.filter(status=ImportBatchStatus.WRITING, heartbeat_at__lt=cutoff)
    )
    for batch in stale:
        rollback_batch(batch)
    return [b.pk for b in stale]


def ensure_no_import_writing(now: datetime.datetime | None = None) -> None:
    """Refuse to freeze a roster while a directory import is being written in chunks.

    The rows of a batch still writing are visible between its chunks and may be undone if a
    later chunk fails; a roster frozen meanwhile could name an entity that then vanishes."""
    cutoff = (now or timezone.now()) - STALE_AFTER
    writing = ImportBatch.objects.filter(
        status=ImportBatchStatus.WRITING, heartbeat_at__gte=cutoff
    ).first()
    if writing is not None:
        raise StateConflict(
            f"名录正在导入（{writing.filename}，已写入 {writing.rows_written} 行），"
            "导入完成后才能公告抽取；请稍后重试",
            code="draw.import_in_progress",
        )
