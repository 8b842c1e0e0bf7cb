"""Recompute a draw record and name the first mismatch."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from .assignment import (
    INSPECTOR_CHANGE_REASONS,
    Conflict,
    Inspector,
    assign,
    current_teams,
    expected_incoming,
    roles_for,
)
from .commitments import check_revealed_at, order_secrets
from .protocol import (
    PROTOCOL,
    DrawError,
    VerificationError,
    _nfc,
    canonical_beacon,
    check_announcement,
    make_seed,
)
from .record import SUBSTITUTION_REASONS, compute_strata, current_selection, substitute_sequence
from .tickets import no_gc

RECORD_KEYS = {"protocol", "announcement", "announcement_digest", "beacon", "seed", "strata"}
ASSIGNMENT_KEYS = {"assignment", "inspector_changes"}
STRATUM_KEYS = {
    "population",
    "rate_bp",
    "sample_size",
    "selected",
    "substitute_order",
    "substitutions",
}


def _fail(message: str) -> None:
    raise VerificationError(message)


def _compare_entries(where: str, got: Any, want: list[dict[str, str]]) -> None:
    if not isinstance(got, list):
        _fail(f"{where} 格式错误")
    for n, (a, b) in enumerate(zip(got, want, strict=False)):
        if a != b:
            _fail(f"{where} 第 {n + 1} 项不符：记录为 {a}，重新计算为 {b}")
    if len(got) != len(want):
        _fail(f"{where} 数量不符：记录 {len(got)} 项，重新计算 {len(want)} 项")


def _check_substitutions(record: dict[str, Any], key: str) -> None:
    stratum = record["strata"][key]
    subs = stratum["substitutions"]
    if not isinstance(subs, list):
        _fail(f"分层 {key} 的 substitutions 格式错误")
    order = substitute_sequence(record, key, len(subs))
    trial = {**stratum, "substitutions": []}
    for n, sub in enumerate(subs):
        where = f"分层 {key} 第 {n + 1} 次替补"
        if set(sub) != {"replaced", "by", "ticket", "reason", "reason_label", "approved_by"}:
            _fail(f"{where} 字段不符")
        if sub["reason"] not in SUBSTITUTION_REASONS:
            _fail(f"{where} 的理由 {sub['reason']!r} 不在允许范围内")
        if sub["reason_label"] != SUBSTITUTION_REASONS[sub["reason"]]:
            _fail(f"{where} 的理由说明与理由代码不符")
        if not isinstance(sub["approved_by"], str) or not sub["approved_by"].strip():
            _fail(f"{where} 缺少批准人")
        if sub["replaced"] not in current_selection(trial):
            _fail(f"{where}：被替换的 {sub['replaced']} 不是当时的抽中对象")
        if n >= len(order) or (sub["by"], sub["ticket"]) != (order[n]["id"], order[n]["ticket"]):
            want = order[n]["id"] if n < len(order) else "（无）"
            _fail(f"{where}：替补对象应为 {want}，记录为 {sub['by']}")
        trial["substitutions"] = subs[: n + 1]


def _check_assignment(
    record: dict[str, Any], pool: Sequence[Inspector], conflicts: Sequence[Conflict]
) -> None:
    block = record["announcement"]["inspectors"]
    fresh = {k: {**v, "substitutions": []} for k, v in record["strata"].items()}
    try:
        want = assign(block, record["seed"], fresh, pool, conflicts)
    except DrawError as exc:
        _fail(f"人员分配无法重新计算：{exc}")
    got = record["assignment"]
    for key in sorted(set(want) | set(got)):
        if key == "teams":
            for n, (a, b) in enumerate(zip(got.get("teams", []), want["teams"], strict=False)):
                if a != b:
                    _fail(
                        f"人员分配第 {n + 1} 组（检查对象 {b['entity']}）不符：记录为 {a}，重新计算为 {b}"
                    )
        if got.get(key) != want.get(key):
            _fail(f"人员分配的 {key} 不符")
    roles = roles_for(block, record["seed"], pool)
    changes = record["inspector_changes"]
    for n, change in enumerate(changes):
        where = f"第 {n + 1} 次人员调整"
        keys = {
            "entity",
            "outgoing",
            "incoming",
            "skipped",
            "reason",
            "reason_label",
            "approved_by",
        }
        if set(change) != keys:
            _fail(f"{where} 字段不符")
        if change["reason"] not in INSPECTOR_CHANGE_REASONS:
            _fail(f"{where} 的理由 {change['reason']!r} 不在允许范围内")
        if change["reason_label"] != INSPECTOR_CHANGE_REASONS[change["reason"]]:
            _fail(f"{where} 的理由说明与理由代码不符")
        if not str(change["approved_by"]).strip():
            _fail(f"{where} 缺少批准人")
        state = current_teams(record, upto=n)
        try:
            _role, expected = expected_incoming(
                record,
                state,
                roles,
                conflicts,
                entity=change["entity"],
                outgoing=change["outgoing"],
                skipped=change["skipped"],
            )
        except DrawError as exc:
            _fail(f"{where}：{exc}")
        if change["incoming"] != expected:
            _fail(f"{where}：接替人员应为 {expected}，记录为 {change['incoming']}")
    blocked = {(c.inspector, c.entity) for c in conflicts}
    for slot in current_teams(record):
        for id_ in slot["team"]:
            if (id_, slot["entity"]) in blocked:
                _fail(f"检查对象 {slot['entity']} 的检查组中 {id_} 需回避，尚未按规则调整")


def verify_record(
    record: dict[str, Any],
    *,
    pool: Sequence[Inspector] | None = None,
    conflicts: Sequence[Conflict] | None = None,
) -> None:
    """Recompute everything; raise :class:`VerificationError` naming the first mismatch."""
    try:
        with no_gc():
            _verify(record, pool, conflicts)
    except VerificationError:
        raise
    except (DrawError, KeyError, TypeError, ValueError, AttributeError, IndexError) as exc:
        raise VerificationError(f"记录格式错误或被改动：{exc!r}") from None


def _verify(
    record: Any, pool: Sequence[Inspector] | None, conflicts: Sequence[Conflict] | None
) -> None:
    if not isinstance(record, dict):
        _fail("抽取记录必须是 JSON 对象")
    if record.get("protocol") != PROTOCOL:
        _fail(f"protocol 应为 {PROTOCOL}")
    announcement = record.get("announcement")
    if not isinstance(announcement, dict):
        _fail("公告 (announcement) 必须是 JSON 对象")
    has_inspectors = "inspectors" in announcement
    committed = "commitments" in announcement
    allowed = RECORD_KEYS | (ASSIGNMENT_KEYS if has_inspectors else set())
    allowed |= {"secrets"} if committed else set()
    if "beacon_not_before" in announcement or "revealed_at" in record:
        allowed |= {"revealed_at"}
    if set(record) != allowed:
        extra = sorted(set(record) ^ allowed)
        _fail(f"记录的字段不符：{'、'.join(extra)}")
    try:
        digest, blobs = check_announcement(announcement)
    except DrawError as exc:
        _fail(f"公告 (announcement) 不合规：{exc}")
    if record["announcement_digest"] != digest:
        _fail(f"announcement_digest 不符：公告重新计算的摘要为 {digest}")
    beacon = record["beacon"]
    if not isinstance(beacon, str) or not beacon or beacon != _nfc(beacon):
        _fail("beacon 不是规范形式（Unicode NFC、去掉首尾空白、非空）")
    kind = announcement.get("beacon_kind")
    if kind is not None and canonical_beacon(beacon, kind) != beacon:
        _fail(f"beacon 不是信标类型 {kind} 的规范形式")
    if "revealed_at" in record:
        try:
            check_revealed_at(announcement, record["revealed_at"])
        except DrawError as exc:
            _fail(f"揭晓时间不符：{exc}")
    secrets: list[str] = []
    if committed:
        if not isinstance(record["secrets"], list):
            _fail("secrets 应为列表")
        try:
            secrets = order_secrets(announcement["commitments"], record["secrets"])
        except DrawError as exc:
            _fail(f"秘密值与承诺不符：{exc}")
    if record["seed"] != make_seed(digest, beacon, secrets):
        rule = " + '|' + secrets[i] …（按承诺顺序）" if committed else ""
        _fail(f"seed 不符：应为 announcement_digest + '|' + beacon{rule}")
    want = compute_strata(announcement, record["seed"], blobs)
    got = record["strata"]
    if not isinstance(got, dict) or set(got) != set(want):
        _fail("分层 (strata) 的名称与公告不符")
    for key in sorted(want):
        if not isinstance(got[key], dict) or set(got[key]) != STRATUM_KEYS:
            _fail(f"分层 {key} 的字段不符")
        for field in ("population", "rate_bp", "sample_size"):
            if got[key][field] != want[key][field]:
                _fail(
                    f"分层 {key} 的 {field} 不符：记录为 {got[key][field]}，重新计算为 {want[key][field]}"
                )
        _compare_entries(f"分层 {key} 的 selected", got[key]["selected"], want[key]["selected"])
        _compare_entries(
            f"分层 {key} 的 substitute_order",
            got[key]["substitute_order"],
            want[key]["substitute_order"],
        )
        _check_substitutions(record, key)
    if has_inspectors and pool is not None and conflicts is not None:
        _check_assignment(record, pool, conflicts)
