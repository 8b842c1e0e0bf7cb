"""Versions of a published record: a new version may only append to the old one.

Pure module (no Django). ``check_extends(old, new)`` raises ``VerificationError`` naming
the first difference (in Chinese) unless ``new`` equals ``old`` except that the
append-only logs — each stratum's ``substitutions`` and the record's
``inspector_changes`` — may be longer, with ``old``'s entries unchanged at their start.
It does not recompute ``new``; ``ssj draw verify --previous OLD.json NEW.json`` runs
``verify_record(new)`` as well.
"""

from __future__ import annotations

from typing import Any

from .protocol import VerificationError

APPEND_ONLY = "inspector_changes"


def _fail(message: str) -> None:
    raise VerificationError(message)


def _first_key_difference(old: dict[str, Any], new: dict[str, Any]) -> str | None:
    for key in sorted(set(old) | set(new)):
        if key not in new:
            return f"{key}（新版本中缺少）"
        if key not in old:
            return f"{key}（新版本中新增）"
        if old[key] != new[key]:
            return key
    return None


def _check_log(where: str, what: str, old: Any, new: Any) -> int:
    """``old`` must be a prefix of ``new``; returns how many entries ``new`` adds."""
    if not isinstance(old, list) or not isinstance(new, list):
        _fail(f"{where}{what}记录格式错误")
    for n, entry in enumerate(old):
        if n >= len(new):
            _fail(
                f"新版本删除了{where}第 {n + 1} 次{what}"
                f"（旧版本有 {len(old)} 次，新版本只有 {len(new)} 次）"
            )
        if new[n] != entry:
            _fail(f"新版本改动了{where}第 {n + 1} 次{what}：旧版本为 {entry}，新版本为 {new[n]}")
    return len(new) - len(old)


def check_extends(old: Any, new: Any) -> dict[str, int]:
    """Raise ``VerificationError`` unless ``new`` only appends to ``old``.

    Returns what ``new`` adds: ``{"substitutions": k, "inspector_changes": m}``.
    """
    if not isinstance(old, dict) or not isinstance(new, dict):
        _fail("抽取记录必须是 JSON 对象")
    if set(old) != set(new):
        _fail(f"新旧版本的字段不同：{'、'.join(sorted(set(old) ^ set(new)))}")
    for key in sorted(old):
        if key in ("strata", APPEND_ONLY) or old[key] == new[key]:
            continue
        if isinstance(old[key], dict) and isinstance(new[key], dict):
            inner = _first_key_difference(old[key], new[key])
            _fail(f"新版本改动了 {key}：第一处不同在 {key}.{inner}")
        _fail(f"新版本改动了 {key}：旧版本为 {old[key]!r}，新版本为 {new[key]!r}")
    added = {"substitutions": 0, APPEND_ONLY: 0}
    old_strata, new_strata = old.get("strata"), new.get("strata")
    if not isinstance(old_strata, dict) or not isinstance(new_strata, dict):
        _fail("分层 (strata) 格式错误")
    if set(old_strata) != set(new_strata):
        _fail(f"新旧版本的分层不同：{'、'.join(sorted(set(old_strata) ^ set(new_strata)))}")
    for key in sorted(old_strata):
        a, b = old_strata[key], new_strata[key]
        if not isinstance(a, dict) or not isinstance(b, dict):
            _fail(f"分层 {key} 格式错误")
        rest_a = {k: v for k, v in a.items() if k != "substitutions"}
        rest_b = {k: v for k, v in b.items() if k != "substitutions"}
        inner = _first_key_difference(rest_a, rest_b)
        if inner is not None:
            _fail(f"新版本改动了分层 {key} 的 {inner}")
        added["substitutions"] += _check_log(
            f"分层 {key} 的", "替补", a.get("substitutions"), b.get("substitutions")
        )
    if APPEND_ONLY in old:
        added[APPEND_ONLY] = _check_log("", "人员调整", old[APPEND_ONLY], new[APPEND_ONLY])
    return added
