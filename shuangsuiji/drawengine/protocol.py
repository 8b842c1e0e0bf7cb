"""ssj-draw-v1: announcement, digest, beacon, seed, sample sizes, selection and record.

Pure module (no Django). See ``docs/draw-protocol.md`` for the normative description.
"""

from __future__ import annotations

import hashlib
import json
import math
import operator
import re
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from itertools import chain, islice
from typing import Any

from shuangsuiji.creditcode import ALPHABET, WEIGHTS, CreditCodeError
from shuangsuiji.creditcode import parse as parse_credit_code

from . import tickets

PROTOCOL = "ssj-draw-v1"
ROUNDING_RULES = ("ceil-min1", "ceil", "round-half-up")
BEACON_KINDS = ("lottery", "dice", "drand", "text")
SUBSTITUTE_HEAD_MIN = 10


class DrawError(ValueError):
    """A draw cannot be made or used as asked (message in Chinese)."""


class VerificationError(DrawError):
    """A record does not match what the protocol recomputes; names the first mismatch."""


# --------------------------------------------------------------------------- canonical JSON


def canonical_json(obj: Any) -> str:
    return json.dumps(obj, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def _json_str_list(items: Sequence[str]) -> bytes:
    """``canonical_json(items).encode()`` for a list of str; fast for alphanumeric ids."""
    if not items:
        return b"[]"
    try:
        plain = "".join(items)
    except TypeError:
        raise DrawError("ids 必须全部是字符串") from None
    # every id ASCII letters and digits only (or empty): nothing to escape
    if plain.isascii() and plain.encode("ascii").isalnum():
        return b'["' + '","'.join(items).encode("ascii") + b'"]'
    return canonical_json(list(items)).encode("utf-8")


def _pieces(obj: Any, path: tuple[str, ...], blobs: dict[str, bytes]) -> Iterator[bytes]:
    """Canonical JSON in pieces; the ``strata.<k>.ids`` lists are encoded once and kept."""
    if isinstance(obj, dict):
        if not all(isinstance(k, str) for k in obj):
            raise DrawError("公告中的键必须是字符串")
        yield b"{"
        for n, key in enumerate(sorted(obj)):
            if n:
                yield b","
            yield canonical_json(key).encode("utf-8") + b":"
            yield from _pieces(obj[key], (*path, key), blobs)
        yield b"}"
    elif len(path) == 3 and path[0] == "strata" and path[2] == "ids" and isinstance(obj, list):
        blob = _json_str_list(obj)
        blobs[path[1]] = blob
        yield blob
    else:
        yield canonical_json(obj).encode("utf-8")


def _digest_and_blobs(
    announcement: dict[str, Any], canonical: list[bytes] | None = None
) -> tuple[str, dict[str, bytes]]:
    """Digest and id-list blobs; the canonical JSON's pieces are appended to ``canonical``."""
    hasher = hashlib.sha256()
    blobs: dict[str, bytes] = {}
    for piece in _pieces(announcement, (), blobs):
        hasher.update(piece)
        if canonical is not None:
            canonical.append(piece)
    return hasher.hexdigest(), blobs


def announcement_digest(announcement: dict[str, Any]) -> str:
    """Lowercase hex SHA-256 of the announcement's canonical JSON (UTF-8)."""
    return _digest_and_blobs(announcement)[0]


# --------------------------------------------------------------------------- beacon and seed


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text).strip()


def _lottery_groups(value: str | Sequence[Any]) -> list[list[int]]:
    if isinstance(value, str):
        text = _nfc(value).replace("／", "/").replace("；", ";")
        raw_groups = [g for g in re.split(r"[/;\n]", text) if g.strip()]
        groups = [[x for x in re.split(r"[\s,，.、]+", g) if x] for g in raw_groups]
    else:
        groups = [[g] if isinstance(g, (int, str)) else list(g) for g in value]
    out: list[list[int]] = []
    for group in groups:
        numbers: list[int] = []
        for item in group:
            if isinstance(item, bool) or not isinstance(item, (int, str)):
                raise DrawError(f"彩票号码只能是非负整数：{item!r}")
            text = str(item).strip()
            if not text.isdecimal() or not text.isascii():
                raise DrawError(f"彩票号码只能是非负整数：{item!r}")
            numbers.append(int(text))
        if not numbers:
            raise DrawError("彩票号码组不能为空")
        out.append(numbers)
    if not out:
        raise DrawError("未提供彩票开奖号码")
    return out


def canonical_beacon(value: str | Sequence[Any], kind: str = "text") -> str:
    """Canonical beacon text for ``kind`` in ``lottery``, ``dice``, ``drand``, ``text``.

    - lottery: groups of numbers -> RFC 3797 key string: each group's numbers sorted
      ascending, written in decimal without leading zeros, each followed by ``.``, each
      group closed by ``/`` (``[[9319], [12, 2, 5, 8, 10]]`` -> ``9319./2.5.8.10.12./``).
      A string is split into groups at ``/``, ``;`` or new lines and into numbers at
      spaces, commas or dots.
    - dice: the rolled digits in the order rolled, separators removed (``"3 1-4"`` -> ``314``).
    - drand: the round's ``randomness`` as 64 lowercase hex digits.
    - text: Unicode NFC with surrounding white space removed.
    """
    if kind == "lottery":
        return "".join("".join(f"{n}." for n in sorted(g)) + "/" for g in _lottery_groups(value))
    if kind == "dice":
        text = "".join(str(x) for x in value) if not isinstance(value, str) else value
        digits = re.sub(r"[\s,，\-_/.]+", "", _nfc(text))
        if not digits or not (digits.isascii() and digits.isdecimal()):
            raise DrawError(f"骰子结果只能由数字组成：{value!r}")
        return digits
    if kind == "drand":
        if not isinstance(value, str):
            raise DrawError("drand 随机值应为十六进制字符串")
        text = _nfc(value).lower()
        if not re.fullmatch(r"[0-9a-f]{64}", text):
            raise DrawError("drand 随机值 (randomness) 应为 64 位十六进制")
        return text
    if kind == "text":
        if not isinstance(value, str):
            raise DrawError("文本信标应为字符串")
        text = _nfc(value)
        if not text:
            raise DrawError("信标值为空")
        return text
    raise DrawError(f"未知的信标类型：{kind}（可选 lottery、dice、drand、text）")


def make_seed(digest: str, beacon: str, secrets: Sequence[str] = ()) -> str:
    """``digest|beacon`` (v1), followed by ``|secret`` for each revealed secret, in order."""
    return "|".join((digest, beacon, *secrets))


# --------------------------------------------------------------------------- sample sizes


def sample_size(population: int, rate_bp: int, rounding: str = "ceil-min1") -> int:
    """Sample size with integer arithmetic only."""
    if isinstance(rate_bp, bool) or not isinstance(rate_bp, int) or not 0 < rate_bp <= 10000:
        raise DrawError(
            f"抽查比例 rate_bp 必须是 1–10000 之间的整数（万分之几），实际为 {rate_bp!r}"
        )
    if population < 0:
        raise DrawError("抽查基数不能为负")
    product = population * rate_bp
    if rounding in ("ceil", "ceil-min1"):
        n = (product + 9999) // 10000
        if rounding == "ceil-min1" and population > 0:
            n = max(n, 1)
    elif rounding == "round-half-up":
        n = (product + 5000) // 10000
    else:
        raise DrawError(f"未知的取整规则：{rounding}（可选 {'、'.join(ROUNDING_RULES)}）")
    return min(n, population)


def substitute_head_size(population: int, sample: int) -> int:
    """How many substitutes a record lists: max(10, ceil(n/10)), at most the rest."""
    return min(population - sample, max(SUBSTITUTE_HEAD_MIN, math.ceil(sample / 10)))


# --------------------------------------------------------------------------- announcement

RESERVED_KEYS = frozenset(
    {
        "protocol",
        "code",
        "title",
        "rounding",
        "strata",
        "excluded",
        "beacon_source",
        "announced_at",
        "inspectors",
        "beacon_kind",
        "beacon_not_before",
        "commitments",
    }
)


def _check_timestamp(value: str) -> str:
    from datetime import datetime

    try:
        moment = datetime.fromisoformat(value)
    except (TypeError, ValueError):
        raise DrawError(  # noqa: B904
            f"公告时间应为 ISO 8601 格式（如 2023-06-30T09:00:00+08:00）：{value!r}"
        )
    if moment.tzinfo is None:
        raise DrawError(f"公告时间必须带时区（如 +08:00）：{value!r}")
    return value


_CHECK_TABLES = tuple({c: i * w for i, c in enumerate(ALPHABET)} for w in WEIGHTS)
_LOOKUP = dict.__getitem__


def _is_canonical_code(raw: object) -> bool:
    """Fast path: already upper-case, 18 characters, valid check character."""
    if type(raw) is not str or len(raw) != 18:
        return False
    try:
        total = sum(map(_LOOKUP, _CHECK_TABLES, raw))
    except KeyError:
        return False
    return ALPHABET[(31 - total % 31) % 31] == raw[17]


def _normalise_ids(stratum: str, ids: Iterable[object]) -> list[str]:
    out: list[str] = []
    for n, raw in enumerate(ids, start=1):
        if _is_canonical_code(raw):
            out.append(raw)  # type: ignore[arg-type]
            continue
        try:
            out.append(parse_credit_code(raw).code)
        except CreditCodeError as exc:
            raise DrawError(
                f"分层 {stratum} 第 {n} 个统一社会信用代码 {raw!r} 无效：{exc}"
            ) from None
    return out


def _first_duplicate(sorted_ids: Sequence[str]) -> str | None:
    if len(sorted_ids) < 2:
        return None
    equal = map(operator.eq, sorted_ids, islice(sorted_ids, 1, None))
    for position, same in enumerate(equal):
        if same:
            return sorted_ids[position]
    return None


def check_disjoint(strata_ids: dict[str, Sequence[str]]) -> None:
    """Raise DrawError naming an id that appears twice (in one stratum or in two).

    Merges the (sorted) strata with one timsort and compares neighbours: C-level passes only.
    """
    lists = [ids for ids in strata_ids.values() if ids]
    if not lists:
        return
    merged = sorted(chain.from_iterable(lists))  # near-linear: the lists are sorted runs
    if not any(map(operator.eq, merged, islice(merged, 1, None))):
        return
    dup = _first_duplicate(merged)
    if dup is None:
        return
    where = sorted(k for k, ids in strata_ids.items() if dup in ids)
    if len(where) > 1:
        raise DrawError(f"{dup} 同时出现在分层 {' 和 '.join(where)}（每个对象只能属于一个分层）")
    raise DrawError(f"分层 {where[0]} 中 {dup} 重复")


def compact_ids(ids: list[str]) -> list[str]:
    """Fresh copies of sorted ids laid out in memory in sorted order (one join, one split).

    Later passes over millions of ids then read memory sequentially instead of jumping
    between objects allocated in roster order; the values are unchanged.
    """
    if not ids:
        return []
    joined = "\n".join(ids)
    if joined.count("\n") != len(ids) - 1:
        return list(ids)
    return joined.split("\n")


def build_announcement(
    *,
    code: str,
    title: str,
    strata: dict[str, tuple[int, list[str]]],
    beacon_source: str,
    announced_at: str,
    rounding: str = "ceil-min1",
    excluded: Sequence[dict[str, Any]] = (),
    extra: dict[str, Any] | None = None,
    inspectors: Any = None,
    beacon_kind: str | None = None,
    beacon_not_before: str | None = None,
    commitments: Sequence[dict[str, str]] | None = None,
) -> dict[str, Any]:
    """Validate, normalise and freeze an announcement (ids upper case, sorted, unique).

    ``beacon_kind``, ``beacon_not_before`` and ``commitments`` add the extension fields
    (see :mod:`shuangsuiji.drawengine.commitments`); ``dice`` and ``text`` need commitments.
    """
    if not isinstance(code, str) or not code.strip():
        raise DrawError("抽查任务编号 (code) 不能为空")
    if not isinstance(title, str):
        raise DrawError("标题 (title) 必须是字符串")
    if rounding not in ROUNDING_RULES:
        raise DrawError(f"未知的取整规则：{rounding}（可选 {'、'.join(ROUNDING_RULES)}）")
    source = _nfc(beacon_source) if isinstance(beacon_source, str) else ""
    if not source:
        raise DrawError("必须事先写明随机数来源 (beacon_source)")
    if not strata:
        raise DrawError("至少需要一个分层")
    frozen: dict[str, dict[str, Any]] = {}
    for key, (rate_bp, ids) in strata.items():
        if not isinstance(key, str) or not key.strip() or key != key.strip():
            raise DrawError(f"分层名称无效：{key!r}")
        sample_size(0, rate_bp, rounding)  # validates rate_bp
        normalised = compact_ids(sorted(_normalise_ids(key, ids)))
        dup = _first_duplicate(normalised)
        if dup is not None:
            raise DrawError(f"分层 {key} 中统一社会信用代码 {dup} 重复")
        frozen[key] = {"rate_bp": rate_bp, "ids": normalised}
    check_disjoint({k: v["ids"] for k, v in frozen.items()})
    excluded_list: list[dict[str, Any]] = []
    excluded_ids: set[str] = set()
    for item in excluded:
        if not isinstance(item, dict) or "id" not in item or not item.get("reason"):
            raise DrawError("排除名单每项须含 id 和 reason")
        clean = dict(item)
        clean["id"] = _normalise_ids("excluded", [item["id"]])[0]
        if clean["id"] in excluded_ids:
            raise DrawError(f"排除名单中 {clean['id']} 重复")
        excluded_ids.add(clean["id"])
        excluded_list.append(clean)
    for key, value in frozen.items():
        if not excluded_ids.isdisjoint(value["ids"]):
            both = sorted(excluded_ids.intersection(value["ids"]))[0]
            raise DrawError(f"{both} 既在排除名单中又在分层 {key} 中")
    excluded_list.sort(key=lambda item: item["id"])
    announcement: dict[str, Any] = {
        "protocol": PROTOCOL,
        "code": code.strip(),
        "title": _nfc(title),
        "rounding": rounding,
        "strata": frozen,
        "excluded": excluded_list,
        "beacon_source": source,
        "announced_at": _check_timestamp(announced_at),
    }
    if inspectors is not None:
        announcement["inspectors"] = inspectors.announcement_block()
    if beacon_kind is not None:
        announcement["beacon_kind"] = beacon_kind
    if beacon_not_before is not None:
        announcement["beacon_not_before"] = beacon_not_before
    if commitments is not None:
        announcement["commitments"] = [dict(c) for c in commitments]
    for key, value in (extra or {}).items():
        if key in RESERVED_KEYS:
            raise DrawError(f"extra 中的键 {key} 与公告保留字段冲突")
        announcement[key] = value
    from .commitments import check_extension

    check_extension(announcement)
    json.loads(canonical_json(announcement))  # must be plain JSON
    return announcement


def check_announcement(
    announcement: dict[str, Any], canonical: list[bytes] | None = None
) -> tuple[str, dict[str, bytes]]:
    """Structural checks before reveal/verify; returns the digest and id-list blobs (and
    appends the pieces of the canonical JSON to ``canonical`` when given).

    For 18-byte ids the ascending order is checked during the ticket scan instead.
    """
    if not isinstance(announcement, dict) or announcement.get("protocol") != PROTOCOL:
        raise DrawError(f"公告的 protocol 必须是 {PROTOCOL}")
    rounding = announcement.get("rounding")
    if rounding not in ROUNDING_RULES:
        raise DrawError(f"未知的取整规则：{rounding!r}")
    strata = announcement.get("strata")
    if not isinstance(strata, dict) or not strata:
        raise DrawError("公告缺少分层 (strata)")
    for key, value in strata.items():
        if not isinstance(value, dict) or not isinstance(value.get("ids"), list):
            raise DrawError(f"分层 {key} 格式错误")
        sample_size(0, value.get("rate_bp"), rounding)
    from .commitments import check_extension

    check_extension(announcement)
    digest, blobs = _digest_and_blobs(announcement, canonical)  # also checks ids are strings
    fixed = []
    for key, value in strata.items():
        ids = value["ids"]
        if tickets.fixed_width_blob(blobs[key], len(ids)):
            fixed.append(blobs[key])
            continue  # checked while scanning (tickets.OrderError): one pass less
        if ids != sorted(ids):
            raise DrawError(f"分层 {key} 的 ids 必须升序排列")
    if len(fixed) == sum(1 for v in strata.values() if v["ids"]) and tickets.disjoint(fixed):
        return digest, blobs  # no id twice, given the order that the scan checks
    check_disjoint({k: v["ids"] for k, v in strata.items()})
    return digest, blobs
