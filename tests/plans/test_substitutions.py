"""Substitution reasons checked against the platform's facts; unchecked ones need a
second approver from another department."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied

from shuangsuiji.accounts.models import User
from shuangsuiji.audit.models import AuditEntry
from shuangsuiji.core.errors import Forbidden, InvalidInput, StateConflict
from shuangsuiji.drawengine import verify_record
from shuangsuiji.inspections.models import Inspection, InspectionStatus
from shuangsuiji.plans import engine
from shuangsuiji.plans.models import ProposalStatus
from shuangsuiji.plans.substitutions import (
    approve_substitution,
    propose_substitution,
    reject_substitution,
    substitute_entity,
)
from tests import factories

from .test_draws import set_status

DEREGISTERED = "deregistered-before-window"


def _first(draw, key="A"):
    return draw.record["strata"][key]["selected"][0]["id"]


def _verify(draw):
    draw.refresh_from_db()
    pool, conflicts = engine.frozen_inputs(draw)
    verify_record(draw.record, pool=pool, conflicts=conflicts)


def test_deregistered_is_refused_for_an_operating_entity(office, revealed):
    with pytest.raises(InvalidInput, match="与平台记录不符") as exc:
        substitute_entity(office, revealed, entity=_first(revealed), reason=DEREGISTERED)
    assert exc.value.code == "draw.substitution_reason_unsupported"
    revealed.refresh_from_db()
    assert revealed.record["strata"]["A"]["substitutions"] == []


def test_a_deregistration_dated_inside_the_window_does_not_count(office, revealed):
    code = _first(revealed)
    window_start = Inspection.objects.get(draw=revealed, entity__credit_code=code).window_start
    set_status(office, code, "deregistered", day=window_start + datetime.timedelta(days=1))
    with pytest.raises(InvalidInput, match="与平台记录不符"):
        substitute_entity(office, revealed, entity=code, reason=DEREGISTERED)


def test_chained_deregistered_substitutions_stop_at_the_first_operating_substitute(
    office, revealed
):
    code = _first(revealed)
    set_status(office, code, "deregistered")
    new = substitute_entity(office, revealed, entity=code, reason=DEREGISTERED)
    with pytest.raises(InvalidInput, match="与平台记录不符"):
        substitute_entity(office, revealed, entity=new.entity.credit_code, reason=DEREGISTERED)
    revealed.refresh_from_db()
    assert len(revealed.record["strata"]["A"]["substitutions"]) == 1
    _verify(revealed)


def test_a_reason_the_platform_cannot_check_needs_a_proposal(office, revealed):
    with pytest.raises(InvalidInput) as exc:
        substitute_entity(office, revealed, entity=_first(revealed), reason="revoked-before-window")
    assert exc.value.code == "draw.substitution_needs_review"


def test_another_departments_admin_approves_and_both_names_are_published(office, revealed):
    code = _first(revealed)
    proposal = propose_substitution(
        office,
        revealed,
        entity=code,
        reason="revoked-before-window",
        evidence="新文旅罚字〔2023〕5 号吊销决定",
    )
    same_department = factories.user(
        "office2", factories.ROLES.JOINT_OFFICE_ADMIN, office.department
    )
    with pytest.raises(Forbidden, match="其他部门"):
        approve_substitution(same_department, proposal)
    revealed.refresh_from_db()
    assert revealed.record["strata"]["A"]["substitutions"] == []
    reviewer = User.objects.get(username="ga_admin")
    new = approve_substitution(reviewer, proposal, note="已核对吊销决定书")
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.APPROVED and proposal.decided_by == reviewer
    revealed.refresh_from_db()
    sub = revealed.record["strata"]["A"]["substitutions"][0]
    assert office.display_name in sub["approved_by"]
    assert reviewer.display_name in sub["approved_by"]
    assert new.entity.credit_code == sub["by"]
    old = Inspection.objects.get(draw=revealed, entity__credit_code=code)
    assert old.status == InspectionStatus.SUBSTITUTED
    assert AuditEntry.objects.filter(action="draw.approve_substitution").count() == 1
    _verify(revealed)
    with pytest.raises(StateConflict):
        approve_substitution(reviewer, proposal)


def test_an_inspector_cannot_approve_a_proposal(office, revealed):
    proposal = propose_substitution(
        office, revealed, entity=_first(revealed), reason="moved-out-before-window", evidence="迁出"
    )
    with pytest.raises(PermissionDenied):
        approve_substitution(User.objects.get(username="ga_inspector"), proposal)
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.PENDING


def test_a_rejection_needs_a_note_and_changes_no_record(office, revealed):
    proposal = propose_substitution(
        office, revealed, entity=_first(revealed), reason="out-of-scope", evidence="经营范围不符"
    )
    reviewer = User.objects.get(username="ga_admin")
    with pytest.raises(InvalidInput):
        reject_substitution(reviewer, proposal, note=" ")
    reject_substitution(reviewer, proposal, note="依据不足")
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.REJECTED
    revealed.refresh_from_db()
    assert revealed.record["strata"]["A"]["substitutions"] == []


def test_a_proposal_needs_evidence(office, revealed):
    with pytest.raises(InvalidInput, match="依据"):
        propose_substitution(
            office, revealed, entity=_first(revealed), reason="out-of-scope", evidence=""
        )


def test_the_pages_propose_and_approve_across_departments(client, office, revealed):
    from django.urls import reverse

    code = _first(revealed)
    client.force_login(office)
    client.post(
        reverse("plans:propose-substitution", args=[revealed.pk]),
        {"entity": code, "reason": "revoked-before-window", "evidence": "吊销决定书 5 号"},
    )
    proposal = revealed.proposals.get()
    page = client.get(reverse("plans:draw", args=[revealed.pk])).content.decode()
    assert "待其他部门管理员复核" in page
    client.force_login(User.objects.get(username="ga_admin"))
    page = client.get(reverse("plans:draw", args=[revealed.pk])).content.decode()
    assert 'value="approve"' in page
    client.post(
        reverse("plans:review-substitution", args=[revealed.pk]),
        {"proposal": proposal.pk, "decision": "approve", "note": "已核对"},
    )
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.APPROVED
    _verify(revealed)


def test_the_entity_edit_page_dates_a_status_change_for_the_check(client, office, revealed):
    from django.urls import reverse

    from shuangsuiji.registries.models import Entity

    code = _first(revealed)
    entity = Entity.objects.get(credit_code=code)
    client.force_login(office)
    response = client.post(
        reverse("registries:entity-edit", args=[entity.pk]),
        {
            "credit_code": "IGNORED",
            "name": entity.name,
            "industry": entity.industry,
            "status": "deregistered",
            "status_date": "2023-05-10",
            "region": entity.region_id,
        },
    )
    assert response.status_code == 302
    change = entity.status_changes.get()
    assert change.effective_date == datetime.date(2023, 5, 10)
    substitute_entity(office, revealed, entity=code, reason=DEREGISTERED)
    revealed.refresh_from_db()
    assert revealed.record["strata"]["A"]["substitutions"][0]["replaced"] == code
