"""Hash-chain arithmetic for the audit log. Pure: no Django import."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
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


# Hashed only when set, so rows written before they existed keep their hashes.
OPTIONAL_FIELDS = ("region_code",)


def entry_hash(prev_hash: str, content: Mapping[str, Any]) -> str:
    hashed = {k: content[k] for k in FIELDS}
    hashed.update({k: content[k] for k in OPTIONAL_FIELDS if content.get(k)})
    body = canonical_json(hashed)
    return hashlib.sha256(f"{prev_hash}|{body}".encode()).hexdigest()


@dataclass(frozen=True)
class KnownHead:
    """A (seq, hash) pair somebody wrote down: a published daily head or a given one.

    ``source`` says in Chinese where it came from ("2026-03-02 的已公布链头").
    """

    seq: int
    entry_hash: str
    source: str


@dataclass(frozen=True)
class Break:
    """The first problem found. ``kind``: ``integrity`` (the rows do not chain),
    ``diverged`` (row ``seq`` has another hash than a known head) or ``shorter`` (the chain
    ends before a known head)."""

    kind: str
    seq: int
    message: str


HEX = frozenset("0123456789abcdef")


def parse_head(text: str, source: str = "命令行给出的链头") -> KnownHead:
    """``SEQ:HASH`` → KnownHead; ValueError with a Chinese message otherwise."""
    seq_text, sep, hash_text = text.strip().partition(":")
    hash_text = hash_text.strip().lower()
    if not sep or not seq_text.strip().isdigit() or len(hash_text) != 64 or set(hash_text) - HEX:
        raise ValueError(f"链头格式应为 序号:64位十六进制哈希，收到 {text!r}")
    seq = int(seq_text)
    if seq < 1:
        raise ValueError(f"链头序号应从 1 开始，收到 {seq}")
    return KnownHead(seq, hash_text, f"{source} {seq}:{hash_text[:12]}…")


def parse_heads_document(document: Any, source: str = "公布的链头") -> list[KnownHead]:
    """The published heads JSON (``{"heads": [{"date", "seq", "hash"}…]}``) or a bare list."""
    items = document.get("heads") if isinstance(document, Mapping) else document
    if not isinstance(items, list):
        raise ValueError("链头文件应为包含 heads 列表的 JSON")
    heads = []
    for item in items:
        if not isinstance(item, Mapping) or "seq" not in item or "hash" not in item:
            raise ValueError(f"链头文件中的条目应含 seq 与 hash：{item!r}")
        label = f"{source}（{item['date']}）" if item.get("date") else source
        heads.append(parse_head(f"{item['seq']}:{item['hash']}", label))
    return heads


def check(rows: Iterable[Mapping[str, Any]], heads: Iterable[KnownHead] = ()) -> Break | None:
    """Walk rows in seq order; return the first break or None.

    Every known head must name a row of the chain with the same hash: a head beyond the last
    row means the chain was cut short (rows deleted from the end, or all of them), a head
    with another hash means the chain was rewritten up to that row.
    """
    by_seq: dict[int, list[KnownHead]] = {}
    for head in heads:
        by_seq.setdefault(head.seq, []).append(head)
    prev = GENESIS
    expected_seq = 1
    for row in rows:
        seq = row["seq"]
        if seq != expected_seq:
            if seq > expected_seq:
                message = f"第 {expected_seq} 条记录缺失（下一条为第 {seq} 条）：记录被删除"
                return Break("integrity", expected_seq, message)
            return Break("integrity", seq, f"第 {seq} 条记录序号重复或顺序被打乱")
        if row["prev_hash"] != prev:
            message = f"第 {seq} 条记录的上一条哈希与链不符：记录被插入、删除或重新排序"
            return Break("integrity", seq, message)
        if entry_hash(prev, row) != row["entry_hash"]:
            return Break("integrity", seq, f"第 {seq} 条记录的内容与其哈希不符：记录被篡改")
        for head in by_seq.get(seq, ()):
            if head.entry_hash != row["entry_hash"]:
                message = (
                    f"第 {seq} 条记录的哈希 {row['entry_hash'][:12]}… 与{head.source}"
                    f"不符：审计链在第 {seq} 条及以前被改写（与已知链头分叉）"
                )
                return Break("diverged", seq, message)
        prev = row["entry_hash"]
        expected_seq += 1
    length = expected_seq - 1
    beyond = [h for seq, hs in by_seq.items() if seq > length for h in hs]
    if beyond:
        head = max(beyond, key=lambda h: h.seq)
        message = (
            f"审计链只有 {length} 条记录，但{head.source}记载了第 {head.seq} 条："
            f"链尾被截短，至少 {head.seq - length} 条记录被删除"
        )
        return Break("shorter", head.seq, message)
    return None


def first_break(rows: Iterable[Mapping[str, Any]], heads: Iterable[KnownHead] = ()) -> str | None:
    """The Chinese description of the first break, or None."""
    problem = check(rows, heads)
    return problem.message if problem else None
