"""Beacon time and multi-party commitment: the extension of ``ssj-draw-v1``.

Pure module (no Django). Normative text: ``docs/draw-protocol.md`` §3.1 and the shared spec
("Extension: beacon time and multi-party commitment"). A record without these fields keeps
the v1 rule ``seed = digest + "|" + beacon``, so every existing record still verifies.

Announcement fields (all optional, all inside the digest; ``build_announcement`` takes them
as keyword arguments ``beacon_kind=``, ``beacon_not_before=``, ``commitments=``):

- ``beacon_kind``: ``lottery``, ``dice``, ``drand`` or ``text``. ``dice`` and ``text`` (values
  the office types itself) require ``commitments`` (:data:`COMMITTED_KINDS`).
- ``beacon_not_before``: ISO 8601 with offset, after ``announced_at``; a reveal earlier
  than it is refused and the record then carries ``revealed_at``.
- ``commitments``: ``[{"department": code, "sha256": 64 hex}, ...]``, the initiating
  department first (the ``inspectors.leader_department`` when present), then the
  cooperating ones in the task's order; no department twice.

Record fields: ``secrets`` (exactly when the announcement has ``commitments``; the revealed
secrets in commitment order) and ``revealed_at`` (required when the announcement has
``beacon_not_before``, optional otherwise).

Seed: ``digest + "|" + beacon + "|" + secret_1 + "|" + ... + "|" + secret_k``
(:func:`shuangsuiji.drawengine.protocol.make_seed`).

Functions for the platform's ceremony (department commits, later reveals):

- :func:`new_secret` — 64 lowercase hex characters from :mod:`secrets` (256 bits).
- :func:`check_secret` — the secret unchanged, or ``DrawError`` (≥ 32 lowercase hex).
- :func:`commitment_of` — ``sha256(secret.encode("utf-8")).hexdigest()`` of a valid secret.
- :func:`check_commitments` — validates and copies a commitment list.
- :func:`order_secrets` — the secrets in commitment order (from a list in that order or a
  ``{department: secret}`` mapping), each checked against its commitment.
- :func:`reveal_time` — the ``revealed_at`` text for a record, refusing an early reveal.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from .protocol import BEACON_KINDS, DrawError, _check_timestamp

COMMITTED_KINDS = ("dice", "text")
SECRET_MIN_HEX = 32
_SECRET = re.compile(f"[0-9a-f]{{{SECRET_MIN_HEX},}}")
_SHA256 = re.compile(r"[0-9a-f]{64}")


def new_secret() -> str:
    """A fresh secret: 64 lowercase hex characters (256 bits) from a CSPRNG."""
    import secrets  # not at the top: its import costs every ``ssj draw`` start

    return secrets.token_hex(32)


def check_secret(secret: object) -> str:
    """Return ``secret`` if it is at least 32 lowercase hex characters, else ``DrawError``."""
    if not isinstance(secret, str) or not _SECRET.fullmatch(secret):
        raise DrawError(f"秘密值须为至少 {SECRET_MIN_HEX} 位小写十六进制字符（0-9、a-f）")
    return secret


def commitment_of(secret: str) -> str:
    """Lowercase hex SHA-256 of the UTF-8 bytes of a valid secret (what a department commits)."""
    return hashlib.sha256(check_secret(secret).encode("utf-8")).hexdigest()


def requires_commitments(kind: str | None) -> bool:
    """True for beacon kinds whose value the office types itself (``dice``, ``text``)."""
    return kind in COMMITTED_KINDS


def check_beacon_kind(kind: object) -> str:
    if kind not in BEACON_KINDS:
        raise DrawError(f"未知的信标类型：{kind!r}（可选 {'、'.join(BEACON_KINDS)}）")
    return kind  # type: ignore[return-value]


def _moment(value: str, what: str) -> datetime:
    try:
        moment = datetime.fromisoformat(value)
    except (TypeError, ValueError):
        raise DrawError(
            f"{what}应为 ISO 8601 格式（如 2023-07-01T21:30:00+08:00）：{value!r}"
        ) from None
    if moment.tzinfo is None:
        raise DrawError(f"{what}必须带时区（如 +08:00）：{value!r}")
    return moment


def check_beacon_not_before(value: object, announced_at: str) -> str:
    """``beacon_not_before`` must be an ISO 8601 time with offset, later than ``announced_at``."""
    if not isinstance(value, str):
        raise DrawError("最早揭晓时间 (beacon_not_before) 应为 ISO 8601 字符串")
    if _moment(value, "最早揭晓时间") <= _moment(_check_timestamp(announced_at), "公告时间"):
        raise DrawError(f"最早揭晓时间 {value} 必须晚于公告时间 {announced_at}")
    return value


def check_commitments(
    commitments: object, *, leader_department: str | None = None
) -> list[dict[str, str]]:
    """Validate a commitment list and return a plain copy (same order).

    Each item is ``{"department": <non-empty code>, "sha256": <64 lowercase hex>}``; no
    department twice; when ``leader_department`` is known it must come first.
    """
    if not isinstance(commitments, (list, tuple)) or not commitments:
        raise DrawError("承诺列表 (commitments) 应为非空列表")
    out: list[dict[str, str]] = []
    seen: set[str] = set()
    for n, item in enumerate(commitments, start=1):
        if not isinstance(item, Mapping) or set(item) != {"department", "sha256"}:
            raise DrawError(f"第 {n} 个承诺应恰好包含 department 和 sha256")
        dept, digest = item["department"], item["sha256"]
        if not isinstance(dept, str) or not dept.strip() or dept != dept.strip():
            raise DrawError(f"第 {n} 个承诺的部门代码无效：{dept!r}")
        if not isinstance(digest, str) or not _SHA256.fullmatch(digest):
            raise DrawError(f"部门 {dept} 的承诺应为 64 位小写十六进制 SHA-256")
        if dept in seen:
            raise DrawError(f"部门 {dept} 重复承诺")
        seen.add(dept)
        out.append({"department": dept, "sha256": digest})
    if leader_department is not None and out[0]["department"] != leader_department:
        raise DrawError(
            f"承诺顺序错误：第一个承诺应来自牵头部门 {leader_department}，"
            f"实际为 {out[0]['department']}"
        )
    return out


def check_extension(announcement: dict[str, Any]) -> None:
    """Check the extension fields of a frozen announcement (if any); ``DrawError`` if bad."""
    kind = announcement.get("beacon_kind")
    if "beacon_kind" in announcement:
        check_beacon_kind(kind)
    if "beacon_not_before" in announcement:
        check_beacon_not_before(
            announcement["beacon_not_before"], announcement.get("announced_at", "")
        )
    if "commitments" in announcement:
        block = announcement.get("inspectors")
        leader = block.get("leader_department") if isinstance(block, dict) else None
        check_commitments(announcement["commitments"], leader_department=leader)
    elif requires_commitments(kind):
        raise DrawError(
            f"信标类型 {kind} 由本单位录入，必须有各参与部门的承诺 (commitments)，"
            "否则一方可反复录入信标直到结果合意"
        )


def order_secrets(
    commitments: Sequence[Mapping[str, str]], secrets: Sequence[str] | Mapping[str, str]
) -> list[str]:
    """The secrets in commitment order, each checked: ``SHA-256(secret) == sha256``.

    ``secrets`` is a list in commitment order or a ``{department: secret}`` mapping.
    Raises ``DrawError`` naming the first department whose secret is missing or wrong.
    """
    if isinstance(secrets, Mapping):
        extra = sorted(set(secrets) - {c["department"] for c in commitments})
        if extra:
            raise DrawError(f"部门 {'、'.join(extra)} 没有承诺，不能提交秘密值")
        missing = [c["department"] for c in commitments if c["department"] not in secrets]
        if missing:
            raise DrawError(f"部门 {'、'.join(missing)} 尚未揭示秘密值，不能开奖")
        ordered = [secrets[c["department"]] for c in commitments]
    elif isinstance(secrets, (list, tuple)):
        ordered = list(secrets)
        if len(ordered) != len(commitments):
            raise DrawError(f"秘密值数量不符：承诺 {len(commitments)} 个，提交 {len(ordered)} 个")
    else:
        raise DrawError("秘密值 (secrets) 应为列表或 {部门代码: 秘密值}")
    for n, (commitment, secret) in enumerate(zip(commitments, ordered, strict=True), start=1):
        dept = commitment["department"]
        try:
            digest = commitment_of(secret)
        except DrawError as exc:
            raise DrawError(f"第 {n} 个秘密值（部门 {dept}）无效：{exc}") from None
        if digest != commitment["sha256"]:
            raise DrawError(
                f"第 {n} 个秘密值与部门 {dept} 的承诺不符（SHA-256 应为 {commitment['sha256']}）"
            )
    return ordered


def reveal_time(announcement: dict[str, Any], revealed_at: str | datetime | None) -> str | None:
    """The record's ``revealed_at`` text; ``DrawError`` for a reveal before ``beacon_not_before``.

    ``revealed_at`` is a timezone-aware ``datetime`` or an ISO 8601 string with offset;
    required when the announcement has ``beacon_not_before``.
    """
    not_before = announcement.get("beacon_not_before")
    if revealed_at is None:
        if not_before is not None:
            raise DrawError(f"公告规定最早揭晓时间为 {not_before}，揭晓时必须给出揭晓时间")
        return None
    if isinstance(revealed_at, datetime):
        if revealed_at.tzinfo is None:
            raise DrawError("揭晓时间必须带时区")
        text = revealed_at.replace(microsecond=0).isoformat()
    else:
        text = revealed_at
    check_revealed_at(announcement, text)
    return text


def check_revealed_at(announcement: dict[str, Any], text: object) -> None:
    """``revealed_at`` must be a time with offset, not before the announcement or the beacon time."""
    if not isinstance(text, str):
        raise DrawError("揭晓时间 (revealed_at) 应为 ISO 8601 字符串")
    moment = _moment(text, "揭晓时间")
    if moment < _moment(announcement["announced_at"], "公告时间"):
        raise DrawError(f"揭晓时间 {text} 早于公告时间 {announcement['announced_at']}")
    not_before = announcement.get("beacon_not_before")
    if not_before is not None and moment < _moment(not_before, "最早揭晓时间"):
        raise DrawError(f"揭晓时间 {text} 早于公告规定的最早揭晓时间 {not_before}，不能开奖")
