"""Writing the audit log. Every service that changes state calls :func:`record`."""

from __future__ import annotations

from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from . import chain
from .models import AuditEntry

_PG_LOCK_KEY = 0x55A1D17  # pg_advisory_xact_lock key serialising chain appends


def _lock_chain() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_PG_LOCK_KEY])
    # SQLite: transactions start with BEGIN IMMEDIATE (settings), so writers are serial.


def record(
    actor,
    action: str,
    obj: Any = None,
    *,
    before: Any = None,
    after: Any = None,
    data: dict | None = None,
    object_type: str = "",
    object_id: str = "",
    object_repr: str = "",
) -> AuditEntry:
    """Append one chained row. Must run inside the caller's transaction."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit.record must be called inside a transaction")
    _lock_chain()
    last = AuditEntry.objects.order_by("-seq").values("seq", "entry_hash").first()
    seq = (last["seq"] + 1) if last else 1
    prev_hash = last["entry_hash"] if last else chain.GENESIS
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
        object_repr = object_repr or str(obj)[:255]
    user = actor if actor is not None and getattr(actor, "is_authenticated", False) else None
    department = ""
    if user is not None and user.department_id:
        department = user.department.name
    content = {
        "seq": seq,
        "at": timezone.now(),
        "actor_id": user.pk if user else None,
        "actor_name": (user.display_name if user else (str(actor) if actor else "系统")),
        "department": department,
        "action": action,
        "object_type": object_type,
        "object_id": object_id,
        "object_repr": object_repr[:255],
        "before_digest": chain.digest(before),
        "after_digest": chain.digest(after),
        "data": data or {},
    }
    hashed = dict(content, at=content["at"].isoformat())
    entry = AuditEntry(
        prev_hash=prev_hash, entry_hash=chain.entry_hash(prev_hash, hashed), **content
    )
    entry.save(force_insert=True)
    return entry


def rows_for_verification():
    """Rows as dicts in the form the chain hashes, in seq order (streamed)."""
    fields = [f for f in chain.FIELDS if f != "at"] + ["at", "prev_hash", "entry_hash"]
    for row in AuditEntry.objects.order_by("seq").values(*fields).iterator(chunk_size=2000):
        row["at"] = row["at"].isoformat()
        yield row


def verify_chain() -> str | None:
    return chain.first_break(rows_for_verification())
