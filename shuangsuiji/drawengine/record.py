"""Reveal (selection, substitute order, record) and entity substitutions."""

from __future__ import annotations

from typing import Any

from . import tickets
from .protocol import (
    PROTOCOL,
    DrawError,
    _nfc,
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
) -> dict[str, Any]:
    """Make the draw record from a frozen announcement and the canonical beacon."""
    if not isinstance(beacon, str) or not _nfc(beacon):
        raise DrawError("信标值 (beacon) 不能为空")
    if beacon != _nfc(beacon):
        raise DrawError(
            "信标值须为规范形式（Unicode NFC、去掉首尾空白），请先用 canonical_beacon 处理"
        )
    with tickets.no_gc():
        return _reveal(announcement, beacon, pool, conflicts)


def _reveal(
    announcement: dict[str, Any],
    beacon: str,
    pool: list[Any] | None,
    conflicts: list[Any] | None,
) -> dict[str, Any]:
    digest, blobs = check_announcement(announcement)
    seed = make_seed(digest, beacon)
    record: dict[str, Any] = {
        "protocol": PROTOCOL,
        "announcement": announcement,
        "announcement_digest": digest,
        "beacon": beacon,
        "seed": seed,
        "strata": compute_strata(announcement, seed, blobs),
    }
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
