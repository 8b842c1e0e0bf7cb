"""Reveal (selection, substitute order, record) and entity substitutions."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from . import tickets
from .commitments import check_beacon_kind, order_secrets, requires_commitments, reveal_time
from .protocol import (
    PROTOCOL,
    DrawError,
    _nfc,
    canonical_beacon,
    check_announcement,
    make_seed,
    sample_size,
    substitute_head_size,
)

SUBSTITUTION_REASONS: dict[str, str] = {
    "deregistered-before-window": "检查期开始前已注销",
    "revoked-before-window": "检查期开始前已被吊销营业执照",
    "closed-before-window": "检查期开始前已停业、歇业",
    "moved-out-before-window": "检查期开始前已迁出本辖区",
    "out-of-scope": "经核实不属于本次抽查事项的检查对象范围",
}


def _entries(ranked: list[tuple[str, str]]) -> list[dict[str, str]]:
    return [{"id": id_, "ticket": ticket} for ticket, id_ in ranked]


def compute_strata(
    announcement: dict[str, Any], seed: str, blobs: dict[str, bytes] | None = None
) -> dict[str, dict[str, Any]]:
    """Per stratum: population, sample size, selected and substitute head (no substitutions)."""
    rounding = announcement["rounding"]
    plan: dict[str, tuple[list[str], int]] = {}
    sizes: dict[str, tuple[int, int, int]] = {}
    for key, value in announcement["strata"].items():
        ids = value["ids"]
        population = len(ids)
        n = sample_size(population, value["rate_bp"], rounding)
        head = substitute_head_size(population, n)
        sizes[key] = (population, n, head)
        plan[key] = (ids, n + head)
    try:
        ranked = tickets.rank_many(seed, plan, blobs=blobs, ids_sorted=True)
    except tickets.OrderError as exc:
        raise DrawError(f"分层 {exc.stratum} 的 ids 必须升序排列且不重复") from None
    out: dict[str, dict[str, Any]] = {}
    for key in sorted(plan):
        population, n, _head = sizes[key]
        entries = _entries(ranked[key])
        out[key] = {
            "population": population,
            "rate_bp": announcement["strata"][key]["rate_bp"],
            "sample_size": n,
            "selected": entries[:n],
            "substitute_order": entries[n:],
            "substitutions": [],
        }
    return out


def reveal(
    announcement: dict[str, Any],
    beacon: str,
    *,
    pool: list[Any] | None = None,
    conflicts: list[Any] | None = None,
    secrets: Sequence[str] | Mapping[str, str] | None = None,
    revealed_at: str | datetime | None = None,
    beacon_kind: str | None = None,
) -> dict[str, Any]:
    """Make the draw record from a frozen announcement and the canonical beacon.

    - ``secrets``: required exactly when the announcement has ``commitments``; a list in
      commitment order or ``{department: secret}``; each must match its commitment.
    - ``revealed_at``: aware ``datetime`` or ISO 8601 with offset; required when the
      announcement has ``beacon_not_before`` (an earlier reveal is refused); stored in
      the record as ``revealed_at``.
    - ``beacon_kind``: when given, must equal the announcement's ``beacon_kind`` (if any);
      ``dice``/``text`` without commitments are refused; the beacon must be canonical for it.
    """
    return reveal_document(
        announcement,
        beacon,
        pool=pool,
        conflicts=conflicts,
        secrets=secrets,
        revealed_at=revealed_at,
        beacon_kind=beacon_kind,
    )[0]


def reveal_document(
    announcement: dict[str, Any],
    beacon: str,
    *,
    pool: list[Any] | None = None,
    conflicts: list[Any] | None = None,
    secrets: Sequence[str] | Mapping[str, str] | None = None,
    revealed_at: str | datetime | None = None,
    beacon_kind: str | None = None,
) -> tuple[dict[str, Any], bytes]:
    """:func:`reveal`, and the announcement's canonical JSON (UTF-8 bytes, whose SHA-256 is
    ``announcement_digest``), which a writer can copy instead of encoding it again."""
    if not isinstance(beacon, str) or not _nfc(beacon):
        raise DrawError("信标值 (beacon) 不能为空")
    if beacon != _nfc(beacon):
        raise DrawError(
            "信标值须为规范形式（Unicode NFC、去掉首尾空白），请先用 canonical_beacon 处理"
        )
    canonical: list[bytes] = []
    with tickets.no_gc():
        record = _reveal(
            announcement, beacon, pool, conflicts, secrets, revealed_at, beacon_kind, canonical
        )
    return record, b"".join(canonical)


def _check_kind(announcement: dict[str, Any], beacon: str, kind: str | None) -> None:
    announced = announcement.get("beacon_kind")
    if kind is not None and announced is not None and kind != announced:
        raise DrawError(f"公告规定的信标类型为 {announced}，不能按 {kind} 揭晓")
    kind = kind if kind is not None else announced
    if kind is None:
        return
    check_beacon_kind(kind)
    if requires_commitments(kind) and "commitments" not in announcement:
        raise DrawError(f"信标类型 {kind} 由本单位录入，公告必须有各参与部门的承诺 (commitments)")
    if canonical_beacon(beacon, kind) != beacon:
        raise DrawError(f"信标值不是 {kind} 类型的规范形式，请先用 canonical_beacon 处理")


def _reveal(
    announcement: dict[str, Any],
    beacon: str,
    pool: list[Any] | None,
    conflicts: list[Any] | None,
    secrets: Sequence[str] | Mapping[str, str] | None,
    revealed_at: str | datetime | None,
    beacon_kind: str | None,
    canonical: list[bytes] | None = None,
) -> dict[str, Any]:
    digest, blobs = check_announcement(announcement, canonical)
    _check_kind(announcement, beacon, beacon_kind)
    when = reveal_time(announcement, revealed_at)
    if "commitments" in announcement:
        if secrets is None:
            raise DrawError("公告载有各部门的承诺，揭晓时必须提交全部秘密值 (secrets)")
        ordered = order_secrets(announcement["commitments"], secrets)
    elif secrets:
        raise DrawError("公告没有承诺 (commitments)，不能在揭晓时加入秘密值")
    else:
        ordered = []
    seed = make_seed(digest, beacon, ordered)
    record: dict[str, Any] = {
        "protocol": PROTOCOL,
        "announcement": announcement,
        "announcement_digest": digest,
        "beacon": beacon,
        "seed": seed,
        "strata": compute_strata(announcement, seed, blobs),
    }
    if "commitments" in announcement:
        record["secrets"] = ordered
    if when is not None:
        record["revealed_at"] = when
    if "inspectors" in announcement:
        from .assignment import assign

        if pool is None or conflicts is None:
            raise DrawError("公告声明了执法人员名录，揭晓时必须提供人员名录和回避名单")
        record["assignment"] = assign(
            announcement["inspectors"], seed, record["strata"], pool, conflicts
        )
        record["inspector_changes"] = []
    elif pool is not None:
        raise DrawError("公告未声明执法人员名录，不能在揭晓时再加入人员名录")
    return record


# --------------------------------------------------------------------------- substitutions


def current_selection(stratum: dict[str, Any]) -> list[str]:
    """Selected ids of a stratum after its substitutions (a substitute takes the place)."""
    ids = [entry["id"] for entry in stratum["selected"]]
    for sub in stratum["substitutions"]:
        ids[ids.index(sub["replaced"])] = sub["by"]
    return ids


def substitute_sequence(record: dict[str, Any], key: str, count: int) -> list[dict[str, str]]:
    """The first ``count`` entries of the stratum's full substitute order (recomputed if the
    published head is too short)."""
    stratum = record["strata"][key]
    head = stratum["substitute_order"]
    if count <= len(head):
        return head[:count]
    ids = record["announcement"]["strata"][key]["ids"]
    n = stratum["sample_size"]
    ranked = tickets.rank_many(record["seed"], {key: (ids, n + count)}, ids_sorted=True)[key]
    return _entries(ranked[n:])


def next_substitute(record: dict[str, Any], stratum: str, replaced_id: str) -> dict[str, str]:
    """The next unused id in the stratum's substitute order (``{"id", "ticket"}``)."""
    if stratum not in record["strata"]:
        raise DrawError(f"没有分层 {stratum}")
    data = record["strata"][stratum]
    if replaced_id not in current_selection(data):
        raise DrawError(f"{replaced_id} 不是分层 {stratum} 当前的抽中对象，不能替补")
    used = len(data["substitutions"])
    order = substitute_sequence(record, stratum, used + 1)
    if len(order) <= used:
        raise DrawError(f"分层 {stratum} 已无可用的替补对象")
    return order[used]


def apply_substitution(
    record: dict[str, Any], *, stratum: str, replaced: str, reason: str, approved_by: str
) -> dict[str, Any]:
    """Return a new record with the substitution appended (the input is not modified)."""
    if reason not in SUBSTITUTION_REASONS:
        raise DrawError(
            f"替补理由 {reason!r} 不在允许的范围内（{'、'.join(SUBSTITUTION_REASONS)}）；"
            "“通过登记的住所(经营场所)无法联系”是检查结果，不是替补理由"
        )
    if not isinstance(approved_by, str) or not approved_by.strip():
        raise DrawError("替补必须写明批准人 (approved_by)")
    entry = next_substitute(record, stratum, replaced)
    new_stratum = dict(record["strata"][stratum])
    new_stratum["substitutions"] = [
        *new_stratum["substitutions"],
        {
            "replaced": replaced,
            "by": entry["id"],
            "ticket": entry["ticket"],
            "reason": reason,
            "reason_label": SUBSTITUTION_REASONS[reason],
            "approved_by": approved_by.strip(),
        },
    ]
    new_record = dict(record)
    new_record["strata"] = {**record["strata"], stratum: new_stratum}
    return new_record
