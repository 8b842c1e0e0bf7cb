"""Multi-party commitment for beacons the office types itself (dice, free text).

docs/plans-and-draws.md ("多方承诺") and the shared spec ("Extension: beacon time and
multi-party commitment"). The flow:

1. ``draws.freeze_announcement`` with a ``dice``/``text`` beacon computes and freezes the
   roster, but the draw waits in status ``committing`` (待各部门承诺), with one
   :class:`DrawCommitment` row per participating department: the initiating one first,
   then the cooperating ones in the task's order.
2. Each department's own admin calls :func:`commit_secret` with ``SHA-256(secret)``. When
   the last one is in, the commitments (and ``beacon_kind``) go into the announcement, its
   digest is computed and the draw is announced (``draw.announce``).
3. The office enters the beacon once (``draws.reveal_draw``); it is stored, not used yet.
4. Each department reveals its secret (:func:`reveal_secret`, checked against its
   commitment). With the beacon and every secret in, the draw is revealed with the
   engine's seed rule ``digest|beacon|secret_1|…|secret_k``.

Only the hash is stored at step 2; the platform can generate a secret for the admin
(:func:`generate_secret`) but never keeps it before the reveal.
"""

from __future__ import annotations

import json
import re

from django.db import transaction
from django.utils import timezone

from shuangsuiji.accounts.models import Role
from shuangsuiji.audit.services import record as audit
from shuangsuiji.core.actors import SystemActor
from shuangsuiji.core.errors import Forbidden, InvalidInput, NotFound, StateConflict
from shuangsuiji.drawengine import (
    DrawError,
    announcement_digest,
    canonical_json,
    check_secret,
    commitment_of,
    new_secret,
)
from shuangsuiji.drawengine.commitments import check_extension

from .models import Draw, DrawCommitment, DrawStatus, Task

_SHA256 = re.compile(r"[0-9a-f]{64}")


def generate_secret() -> str:
    """A fresh secret (64 hex, CSPRNG) for a department admin to keep; not stored."""
    return new_secret()


def participants(task: Task) -> list:
    """The departments that commit, in the published order."""
    return [task.initiating_department, *task.cooperating_departments.order_by("code")]


def create_rows(draw: Draw) -> None:
    DrawCommitment.objects.bulk_create(
        DrawCommitment(draw=draw, department=dept, position=n)
        for n, dept in enumerate(participants(draw.task))
    )


def _who(actor) -> str:
    return getattr(actor, "display_name", "") or str(actor)


def _lock(draw: Draw) -> Draw:
    return Draw.objects.select_for_update().select_related("task", "task__plan").get(pk=draw.pk)


def _row(actor, draw: Draw, department: str | None) -> DrawCommitment:
    """The commitment row the actor may act on: a department admin for their own department
    only (in region scope); the command-line system actor names the department."""
    if not isinstance(actor, SystemActor):
        if not Draw.objects.visible_to(actor).filter(pk=draw.pk).exists():
            raise NotFound("没有找到该抽取，或您无权查看。", code="draw.not_found")
        if not (actor.is_authenticated and actor.has_role(Role.DEPARTMENT_ADMIN)):
            raise Forbidden("只有参与部门的部门管理员才能提交承诺或秘密值", code="draw.commit_role")
    code = department or getattr(actor.department, "code", None)
    row = draw.commitments.select_related("department").filter(department__code=code).first()
    if row is None:
        raise InvalidInput(
            f"部门 {code or '（未指定）'} 不是抽取 {draw.code} 的参与部门",
            code="draw.commit_department",
        )
    if not isinstance(actor, SystemActor) and actor.department_id != row.department_id:
        raise Forbidden(
            f"只能由{row.department.name}自己的部门管理员提交", code="draw.commit_other_department"
        )
    return row


def _finish_announcement(actor, draw: Draw) -> None:
    rows = list(draw.commitments.select_related("department").order_by("position"))
    announcement = dict(draw.announcement)
    announcement["beacon_kind"] = draw.beacon_kind
    announcement["commitments"] = [
        {"department": r.department.code, "sha256": r.sha256} for r in rows
    ]
    try:
        check_extension(announcement)
    except DrawError as exc:  # pragma: no cover - rows are validated one by one
        raise InvalidInput(str(exc), code="draw.commitments_invalid") from exc
    announcement = json.loads(canonical_json(announcement))
    draw.announcement = announcement
    draw.announcement_digest = announcement_digest(announcement)
    draw.status = DrawStatus.ANNOUNCED
    draw.save(update_fields=["announcement", "announcement_digest", "status"])
    audit(
        actor,
        "draw.announce",
        draw,
        after=announcement,
        data={"code": draw.code, "digest": draw.announcement_digest, "commitments": len(rows)},
    )


@transaction.atomic
def commit_secret(
    actor, draw: Draw, sha256: str, *, department: str | None = None, now=None
) -> DrawCommitment:
    """A department commits ``SHA-256(secret)``; the last one freezes the announcement."""
    draw = _lock(draw)
    row = _row(actor, draw, department)
    if draw.status != DrawStatus.COMMITTING:
        raise StateConflict(
            f"抽取 {draw.code} 当前状态为“{draw.get_status_display()}”，不能再提交承诺",
            code="draw.not_committing",
        )
    if row.sha256:
        raise StateConflict(f"{row.department.name}已提交承诺，不能更改", code="draw.committed")
    digest = (sha256 or "").strip()
    if not _SHA256.fullmatch(digest):
        raise InvalidInput("承诺应为 64 位小写十六进制 SHA-256", code="draw.commitment_invalid")
    row.sha256 = digest
    row.committed_at = now or timezone.now()
    row.committed_by = _who(actor)[:200]
    row.save(update_fields=["sha256", "committed_at", "committed_by"])
    audit(
        actor,
        "draw.commit",
        draw,
        data={"code": draw.code, "department": row.department.code, "sha256": digest},
    )
    if not draw.commitments.filter(sha256="").exists():
        _finish_announcement(actor, draw)
    return row


@transaction.atomic
def reveal_secret(
    actor, draw: Draw, secret: str, *, department: str | None = None, now=None
) -> DrawCommitment:
    """A department reveals its secret after the beacon; the last one reveals the draw."""
    from . import draws

    draw = _lock(draw)
    row = _row(actor, draw, department)
    if draw.status != DrawStatus.ANNOUNCED or not draw.beacon:
        raise StateConflict(
            f"抽取 {draw.code} 尚未录入随机数（或已开奖、已作废），现在不能揭示秘密值",
            code="draw.secret_not_now",
        )
    if row.secret:
        raise StateConflict(f"{row.department.name}已揭示秘密值", code="draw.secret_revealed")
    secret = (secret or "").strip()
    try:
        check_secret(secret)
        digest = commitment_of(secret)
    except DrawError as exc:
        raise InvalidInput(str(exc), code="draw.secret_invalid") from exc
    if digest != row.sha256:
        raise InvalidInput(
            f"秘密值与{row.department.name}的承诺不符，请核对后重新输入",
            code="draw.secret_mismatch",
        )
    moment = now or timezone.now()
    row.secret = secret
    row.revealed_at = moment
    row.revealed_by = _who(actor)[:200]
    row.save(update_fields=["secret", "revealed_at", "revealed_by"])
    audit(
        actor,
        "draw.reveal_secret",
        draw,
        data={"code": draw.code, "department": row.department.code},
    )
    if not draw.commitments.filter(secret="").exists():
        draws.complete_reveal(actor, draw, moment)
    return row


def secrets_of(draw: Draw) -> dict[str, str]:
    return dict(draw.commitments.values_list("department__code", "secret"))


def status_rows(draw: Draw) -> list[DrawCommitment]:
    return list(draw.commitments.select_related("department").order_by("position"))


__all__ = [
    "commit_secret",
    "generate_secret",
    "participants",
    "reveal_secret",
    "status_rows",
]
