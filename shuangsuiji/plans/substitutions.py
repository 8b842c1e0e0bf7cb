"""Substitutions (替补) checked against the platform's own facts.

- A reason the platform can check is checked: "deregistered before the window" needs a
  dated 注销 in the entity's status history before the inspection window starts; "closed
  before the window" a dated 停业 (or 注销). Without it the substitution is refused, so a
  chain of "deregistered" substitutions on operating cafés cannot happen.
- A reason the platform cannot check (licence revoked, moved out, out of scope) needs two
  people from two departments: one proposes it with the evidence, an admin of another
  department approves it; both names go into the published record.

Each function runs in one transaction, checks role and region scope, locks the draw and
writes an audit row.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from shuangsuiji.accounts.permissions import ensure
from shuangsuiji.audit.services import record as audit
from shuangsuiji.core.errors import Forbidden, InvalidInput, NotFound, StateConflict
from shuangsuiji.drawengine import SUBSTITUTION_REASONS, apply_substitution
from shuangsuiji.inspections import services as inspections
from shuangsuiji.inspections.models import Inspection, InspectionStatus
from shuangsuiji.registries.models import EntityStatus, status_before

from . import frozen, versions
from .draws import _change, _engine_call, _lock, _require_revealed, _stratum_of
from .models import Draw, ProposalStatus, SubstitutionProposal

# reason -> statuses that, dated before the window, prove it
CHECKED_REASONS: dict[str, tuple[str, ...]] = {
    "deregistered-before-window": (EntityStatus.DEREGISTERED,),
    "closed-before-window": (EntityStatus.SUSPENDED, EntityStatus.DEREGISTERED),
}
REVIEWED_REASONS = tuple(r for r in SUBSTITUTION_REASONS if r not in CHECKED_REASONS)


def _in_scope(actor, draw: Draw) -> None:
    if not Draw.objects.visible_to(actor).filter(pk=draw.pk).exists():
        raise NotFound("没有找到该抽取，或您无权查看。", code="draw.not_found")


def _planned(draw: Draw, entity_pk: int) -> Inspection:
    inspection = Inspection.objects.filter(
        draw=draw, entity_id=entity_pk, status=InspectionStatus.PLANNED
    ).first()
    if inspection is None:
        raise StateConflict("该对象的检查已替补或撤销", code="draw.inspection_not_planned")
    return inspection


def check_reason(draw: Draw, code: str, reason: str) -> str:
    """Raise unless the platform's records support ``reason`` for the frozen ``code``;
    return the fact that supports it (for the audit row)."""
    entity_pk = frozen.entity_id(draw, code)
    window_start = _planned(draw, entity_pk).window_start
    change = status_before(entity_pk, window_start)
    wanted = CHECKED_REASONS[reason]
    if change is None or change.status not in wanted:
        labels = "或".join(EntityStatus(s).label for s in wanted)
        found = (
            f"该对象在此之前的最近一条状态记录为“{change.get_status_display()}”"
            f"（{change.effective_date} 起）"
            if change
            else "该对象没有注明日期的状态记录"
        )
        raise InvalidInput(
            f"替补理由“{SUBSTITUTION_REASONS[reason]}”与平台记录不符：{code} 在检查期开始"
            f"（{window_start}）前应有“{labels}”的状态记录，{found}。"
            "请先在检查对象名录中登记状态及其生效日期",
            code="draw.substitution_reason_unsupported",
        )
    return f"状态记录：{change.effective_date} 起{change.get_status_display()}"


def _apply(actor, draw: Draw, *, stratum: str, entity: str, reason: str, approved_by: str):
    new_record = _engine_call(
        apply_substitution,
        draw.record,
        stratum=stratum,
        replaced=entity,
        reason=reason,
        approved_by=approved_by,
    )
    sub = new_record["strata"][stratum]["substitutions"][-1]
    draw.record = new_record
    draw.save(update_fields=["record"])
    _old, new = inspections.substitute(
        draw,
        replaced_id=frozen.entity_id(draw, entity),
        by_id=frozen.entity_id(draw, sub["by"]),
        ticket=sub["ticket"],
        stratum=stratum,
        reason=sub["reason_label"],
    )
    # The substitute inherits the team; a member with a frozen conflict must step aside.
    blocked = {tuple(c) for c in draw.conflicts_snapshot}
    team = list(new.current_team())
    certificates = frozen.certificates_of(draw, [m.inspector_id for m in team])
    for member in team:
        cert = certificates[member.inspector_id]
        if (cert, sub["by"]) in blocked:
            _change(actor, draw, new, cert, "conflict-declared", "")
    versions.publish(draw, f"替补：{entity} → {sub['by']}（{sub['reason_label']}）")
    return sub, new


@transaction.atomic
def substitute_entity(actor, draw: Draw, *, entity: str, reason: str) -> Inspection:
    """Replace a selected entity by the next id of its substitute order, for a reason the
    platform checks against the entity's dated status history."""
    ensure(actor, "plans.run_draw", draw.task.plan)
    _in_scope(actor, draw)
    draw = _lock(draw)
    _require_revealed(draw)
    stratum = _stratum_of(draw, entity)
    if reason in REVIEWED_REASONS:
        raise InvalidInput(
            f"替补理由“{SUBSTITUTION_REASONS[reason]}”平台无法自行核实，"
            "须提交替补申请，由其他部门的管理员复核批准",
            code="draw.substitution_needs_review",
        )
    if reason not in CHECKED_REASONS:
        raise InvalidInput(
            f"替补理由 {reason!r} 不在允许的范围内（{'、'.join(SUBSTITUTION_REASONS)}）；"
            "“通过登记的住所(经营场所)无法联系”是检查结果，不是替补理由",
            code="draw.substitution_reason",
        )
    fact = check_reason(draw, entity, reason)
    approver = getattr(actor, "display_name", str(actor))
    sub, new = _apply(
        actor, draw, stratum=stratum, entity=entity, reason=reason, approved_by=approver
    )
    audit(
        actor, "draw.substitute", draw, data=dict(sub, stratum=stratum, code=draw.code, fact=fact)
    )
    return new


@transaction.atomic
def propose_substitution(
    actor, draw: Draw, *, entity: str, reason: str, evidence: str
) -> SubstitutionProposal:
    """Propose a substitution for a reason the platform cannot check (needs a reviewer)."""
    ensure(actor, "plans.run_draw", draw.task.plan)
    _in_scope(actor, draw)
    draw = _lock(draw)
    _require_revealed(draw)
    if reason not in REVIEWED_REASONS:
        raise InvalidInput(
            "只有平台无法核实的替补理由（"
            + "、".join(SUBSTITUTION_REASONS[r] for r in REVIEWED_REASONS)
            + "）需要提交申请；其他理由请直接替补",
            code="draw.substitution_not_reviewed",
        )
    evidence = (evidence or "").strip()
    if not evidence:
        raise InvalidInput("请写明核实情况与依据（如文书编号）", code="draw.substitution_evidence")
    stratum = _stratum_of(draw, entity)
    _planned(draw, frozen.entity_id(draw, entity))
    if draw.proposals.filter(replaced=entity, status=ProposalStatus.PENDING).exists():
        raise StateConflict("该对象已有待复核的替补申请", code="draw.proposal_pending")
    proposal = SubstitutionProposal.objects.create(
        draw=draw,
        stratum=stratum,
        replaced=entity,
        reason=reason,
        evidence=evidence[:500],
        proposed_by=actor,
    )
    audit(
        actor,
        "draw.propose_substitution",
        draw,
        data={"code": draw.code, "replaced": entity, "reason": reason, "evidence": evidence},
    )
    return proposal


def _reviewer(actor, proposal: SubstitutionProposal) -> None:
    ensure(actor, "plans.review_substitution", proposal.draw.task.plan)
    _in_scope(actor, proposal.draw)
    if not actor.department_id or actor.department_id == proposal.proposed_by.department_id:
        raise Forbidden(
            "替补申请须由提出人所在部门以外的其他部门管理员复核",
            code="draw.review_same_department",
        )


def _pending(proposal: SubstitutionProposal) -> SubstitutionProposal:
    proposal = (
        SubstitutionProposal.objects.select_for_update()
        .select_related("proposed_by")
        .get(pk=proposal.pk)
    )
    if proposal.status != ProposalStatus.PENDING:
        raise StateConflict(
            f"该替补申请已{proposal.get_status_display()}", code="draw.proposal_decided"
        )
    return proposal


@transaction.atomic
def approve_substitution(actor, proposal: SubstitutionProposal, *, note: str = "") -> Inspection:
    """The second approver (another department's admin) lets the substitution take effect."""
    _reviewer(actor, proposal)
    draw = _lock(proposal.draw)
    proposal = _pending(proposal)
    _require_revealed(draw)
    proposer = proposal.proposed_by
    reviewer_dept = actor.department.name if actor.department_id else ""
    approved_by = (
        f"{getattr(proposer, 'display_name', proposer)}（提出）；"
        f"{getattr(actor, 'display_name', actor)}（{reviewer_dept}，复核）"
    )
    sub, new = _apply(
        actor,
        draw,
        stratum=proposal.stratum,
        entity=proposal.replaced,
        reason=proposal.reason,
        approved_by=approved_by,
    )
    proposal.status = ProposalStatus.APPROVED
    proposal.decided_by = actor
    proposal.decided_at = timezone.now()
    proposal.decision_note = (note or "").strip()[:500]
    proposal.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
    audit(
        actor,
        "draw.approve_substitution",
        draw,
        data=dict(sub, stratum=proposal.stratum, code=draw.code, proposal=proposal.pk),
    )
    return new


@transaction.atomic
def reject_substitution(actor, proposal: SubstitutionProposal, *, note: str) -> None:
    _reviewer(actor, proposal)
    proposal = _pending(proposal)
    note = (note or "").strip()
    if not note:
        raise InvalidInput("驳回须写明理由", code="draw.proposal_reject_reason")
    proposal.status = ProposalStatus.REJECTED
    proposal.decided_by = actor
    proposal.decided_at = timezone.now()
    proposal.decision_note = note[:500]
    proposal.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
    audit(
        actor,
        "draw.reject_substitution",
        proposal.draw,
        data={"code": proposal.draw.code, "proposal": proposal.pk, "note": note},
    )
