"""Published versions of a draw record (docs/draw-protocol.md §7: nothing is rewritten).

``publish`` is called by the draw services inside their transaction after every change of
the record; it refuses a version that does more than append substitutions or inspector
changes to the previous one.
"""

from __future__ import annotations

from django.utils import timezone

from shuangsuiji.core.errors import StateConflict

from .models import Draw, DrawVersion

APPEND_ONLY = "inspector_changes"


def _body(record: dict) -> dict:
    return {k: v for k, v in record.items() if k != "announcement"}


def _appends(old: list, new: list) -> bool:
    return isinstance(old, list) and isinstance(new, list) and new[: len(old)] == old


def extends(old: dict, new: dict) -> bool:
    """``new`` equals ``old`` except for entries appended to the append-only logs."""
    if set(old) != set(new):
        return False
    for key in old:
        if key == "strata":
            if set(old[key]) != set(new[key]):
                return False
            for name, stratum in old[key].items():
                other = new[key][name]
                rest = {k: v for k, v in stratum.items() if k != "substitutions"}
                if rest != {k: v for k, v in other.items() if k != "substitutions"}:
                    return False
                if not _appends(stratum["substitutions"], other["substitutions"]):
                    return False
        elif key == APPEND_ONLY:
            if not _appends(old[key], new[key]):
                return False
        elif old[key] != new[key]:
            return False
    return True


def publish(draw: Draw, summary: str) -> DrawVersion:
    """Keep the draw's current record as its next published version."""
    body = _body(draw.record)
    last = draw.versions.order_by("-number").first()
    if last is not None and not extends(last.body, body):
        raise StateConflict(
            "新版本的抽取记录只能在上一版基础上追加替补或人员调整",
            code="draw.version_rewrites",
        )
    return DrawVersion.objects.create(
        draw=draw,
        number=(last.number + 1) if last else 1,
        body=body,
        summary=summary[:300],
        published_at=timezone.now(),
    )
