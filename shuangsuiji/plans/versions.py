"""Published versions of a draw record (docs/draw-protocol.md §7: nothing is rewritten).

``publish`` is called by the draw services inside their transaction after every change of
the record; it refuses a version that does more than append substitutions or inspector
changes to the previous one.
"""

from __future__ import annotations

from django.utils import timezone

from shuangsuiji.core.errors import StateConflict
from shuangsuiji.drawengine import VerificationError, check_extends

from .models import Draw, DrawVersion


def _body(record: dict) -> dict:
    return {k: v for k, v in record.items() if k != "announcement"}


def publish(draw: Draw, summary: str) -> DrawVersion:
    """Keep the draw's current record as its next published version."""
    body = _body(draw.record)
    last = draw.versions.order_by("-number").first()
    if last is not None:
        try:
            check_extends(last.body, body)  # the engine's rule, as ssj draw verify --previous
        except VerificationError as exc:
            raise StateConflict(
                f"新版本的抽取记录只能在上一版基础上追加替补或人员调整：{exc}",
                code="draw.version_rewrites",
            ) from exc
    return DrawVersion.objects.create(
        draw=draw,
        number=(last.number + 1) if last else 1,
        body=body,
        summary=summary[:300],
        published_at=timezone.now(),
    )
