"""Writing and checking the audit log. Every service that changes state calls :func:`record`."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from shuangsuiji.core.access import region_code_of
from shuangsuiji.core.errors import InvalidInput

from . import chain
from .models import AuditEntry, ChainHead

HEADS_FORMAT = "ssj-audit-heads-v1"
MAX_HEADS_BYTES = 20 * 1024 * 1024

_PG_LOCK_KEY = 0x55A1D17  # pg_advisory_xact_lock key serialising chain appends


def _lock_chain() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_PG_LOCK_KEY])
    # SQLite: transactions start with BEGIN IMMEDIATE (settings), so writers are serial.


def _region_of(obj) -> str:
    if obj is None:
        return ""
    try:
        return region_code_of(obj)
    except TypeError:
        return ""


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
    region_code: str = "",
) -> AuditEntry:
    """Append one chained row. Must run inside the caller's transaction.

    ``region_code`` (who may read the row) defaults to the object's region, else the
    acting account's; the audit viewer shows each user the rows of their region scope.
    """
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
    region_code = region_code or _region_of(obj) or _region_of(getattr(user, "department", None))
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
        "region_code": region_code,
    }
    hashed = dict(content, at=content["at"].isoformat())
    entry = AuditEntry(
        prev_hash=prev_hash, entry_hash=chain.entry_hash(prev_hash, hashed), **content
    )
    entry.save(force_insert=True)
    _advance_head(entry)
    return entry


def _advance_head(entry: AuditEntry) -> None:
    """Make ``entry`` the head of its day (same transaction, under the chain lock)."""
    day = timezone.localdate(entry.at)
    values = {"seq": entry.seq, "entry_hash": entry.entry_hash, "at": entry.at}
    if not ChainHead.objects.filter(day=day).update(**values):
        ChainHead.objects.create(day=day, **values)


def rows_for_verification():
    """Rows as dicts in the form the chain hashes, in seq order (streamed)."""
    fields = [f for f in chain.FIELDS if f != "at"] + [*chain.OPTIONAL_FIELDS, "at"]
    fields += ["prev_hash", "entry_hash"]
    for row in AuditEntry.objects.order_by("seq").values(*fields).iterator(chunk_size=2000):
        row["at"] = row["at"].isoformat()
        yield row


def stored_heads() -> list[chain.KnownHead]:
    """The published daily heads of this installation."""
    return [
        chain.KnownHead(h.seq, h.entry_hash, f"已公布的 {h.day.isoformat()} 链头")
        for h in ChainHead.objects.order_by("day")
    ]


def check_chain(heads: Iterable[chain.KnownHead] = (), *, stored: bool = True):
    """The first :class:`chain.Break` of the chain against ``heads`` (and the stored ones)."""
    known = [*heads, *(stored_heads() if stored else ())]
    return chain.check(rows_for_verification(), known)


def verify_chain(heads: Iterable[chain.KnownHead] = (), *, stored: bool = True) -> str | None:
    """The Chinese description of the first break, or None when the chain is whole and
    reaches every known head (given ones and, unless ``stored=False``, the published ones)."""
    problem = check_chain(heads, stored=stored)
    return problem.message if problem else None


def last_head() -> dict | None:
    """``{"seq", "entry_hash"}`` of the last row, or None for an empty chain."""
    return AuditEntry.objects.order_by("-seq").values("seq", "entry_hash").first()


def heads_document() -> dict:
    """What the portal publishes as ``heads.json`` (and ``ssj audit heads`` prints)."""
    return {
        "format": HEADS_FORMAT,
        "generated_at": timezone.localtime().isoformat(),
        "time_zone": timezone.get_current_timezone_name(),
        "heads": [
            {
                "date": h.day.isoformat(),
                "seq": h.seq,
                "hash": h.entry_hash,
                "last_at": timezone.localtime(h.at).isoformat(),
            }
            for h in ChainHead.objects.order_by("day")
        ],
        "rewinds": rewinds(),
    }


def rewinds() -> list[dict]:
    """Declared rewinds: restores of an older backup that cut the chain (``--allow-rewind``)."""
    rows = AuditEntry.objects.filter(action="backup.restore", data__has_key="rewound_from")
    return [
        {
            "seq": e.seq,
            "at": timezone.localtime(e.at).isoformat(),
            "rewound_from": e.data["rewound_from"],
            "restored_head": e.data.get("restored_head"),
        }
        for e in rows.order_by("seq")
    ]


def parse_heads(values: Iterable[str]) -> list[chain.KnownHead]:
    """``SEQ:HASH`` strings → heads; InvalidInput with the Chinese reason otherwise."""
    try:
        return [chain.parse_head(v) for v in values]
    except ValueError as exc:
        raise InvalidInput(str(exc), code="audit.head_invalid") from exc


def load_heads(source: str) -> list[chain.KnownHead]:
    """Heads from a published ``heads.json``: a file path or an http(s) URL."""
    try:
        if source.startswith(("http://", "https://")):
            with urllib.request.urlopen(source, timeout=30) as response:  # noqa: S310
                raw = response.read(MAX_HEADS_BYTES + 1)
        else:
            with Path(source).open("rb") as handle:
                raw = handle.read(MAX_HEADS_BYTES + 1)
    except (OSError, urllib.error.URLError, ValueError) as exc:
        raise InvalidInput(
            f"无法读取链头文件 {source}：{exc}", code="audit.heads_unreadable"
        ) from exc
    if len(raw) > MAX_HEADS_BYTES:
        raise InvalidInput(f"链头文件 {source} 超过 20 MB", code="audit.heads_invalid")
    try:
        return chain.parse_heads_document(json.loads(raw), f"{source} 中的链头")
    except (ValueError, UnicodeDecodeError) as exc:
        raise InvalidInput(
            f"链头文件 {source} 不是有效的链头 JSON：{exc}", code="audit.heads_invalid"
        ) from exc
