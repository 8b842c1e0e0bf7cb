"""Hash-chain arithmetic for the audit log. Pure: no Django import."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from typing import Any

GENESIS = "0" * 64
FIELDS = (
    "seq",
    "at",
    "actor_id",
    "actor_name",
    "department",
    "action",
    "object_type",
    "object_id",
    "object_repr",
    "before_digest",
    "after_digest",
    "data",
)


def canonical_json(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)


def digest(value: Any) -> str:
    """SHA-256 of the canonical JSON of any value ("" for None)."""
    if value is None:
        return ""
    return hashlib.sha256(canonical_json(value).encode("utf-8")).hexdigest()


def entry_hash(prev_hash: str, content: Mapping[str, Any]) -> str:
    body = canonical_json({k: content[k] for k in FIELDS})
    return hashlib.sha256(f"{prev_hash}|{body}".encode()).hexdigest()


def first_break(rows: Iterable[Mapping[str, Any]]) -> str | None:
    """Walk rows in seq order; describe the first break (in Chinese) or return None."""
    prev = GENESIS
    expected_seq = 1
    for row in rows:
        if row["seq"] != expected_seq:
            if row["seq"] > expected_seq:
                return f"第 {expected_seq} 条记录缺失（下一条为第 {row['seq']} 条）：记录被删除"
            return f"第 {row['seq']} 条记录序号重复或顺序被打乱"
        if row["prev_hash"] != prev:
            return f"第 {row['seq']} 条记录的上一条哈希与链不符：记录被插入、删除或重新排序"
        if entry_hash(prev, row) != row["entry_hash"]:
            return f"第 {row['seq']} 条记录的内容与其哈希不符：记录被篡改"
        prev = row["entry_hash"]
        expected_seq += 1
    return None
