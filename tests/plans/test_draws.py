"""The draw services: freeze, reveal, substitute, change inspector, void."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from shuangsuiji.accounts.models import User
from shuangsuiji.audit.models import AuditEntry
from shuangsuiji.drawengine import announcement_digest, verify_record
from shuangsuiji.inspections.models import Inspection, InspectionStatus, TeamRole
from shuangsuiji.plans import engine, services
from shuangsuiji.plans.draws import (
    change_inspector,
    freeze_announcement,
    reveal_draw,
    void_draw,
)
from shuangsuiji.plans.models import Draw, DrawStatus
from shuangsuiji.plans.substitutions import substitute_entity
from shuangsuiji.registries.models import Conflict, Entity, Inspector


def set_status(office, code, status, day=datetime.date(2023, 6, 1)):
    from shuangsuiji.registries.services import record_status_change

    entity = Entity.objects.get(credit_code=code)
    record_status_change(office, entity, status=status, effective_date=day, source="登记机关公告")


def _verify(draw):
    pool, conflicts = engine.frozen_inputs(draw)
    verify_record(draw.record, pool=pool, conflicts=conflicts)
    verify_record(draw.record)


def _announce(office, task, code):
    return freeze_announcement(
        office, task, code=code, beacon_source=f"现场掷骰（{code}）", beacon_kind="lottery"
    )


# --------------------------------------------------------------------------- freeze


def test_the_announcement_freezes_roster_rules_and_digests(announced):
    a = announced.announcement
    assert announced.announcement_digest == announcement_digest(a)
    assert a["announced_at"] == "2023-06-20T09:00:00+08:00"
    assert a["rounding"] == "ceil-min1"
    assert a["strata"]["A"]["rate_bp"] == 100
    assert len(a["strata"]["A"]["ids"]) == 59
    assert a["excluded"][0]["reason"] == "deregistered"
    assert a["inspectors"]["leader_department"] == "410402-WGL"
    assert a["inspectors"]["member_departments"] == ["410402-GA"]
    assert len(a["inspectors"]["pool_digest"]) == 64
    assert a["task"]["window"] == ["2023-06-30", "2023-12-30"]
    assert announced.pool_snapshot and announced.status == DrawStatus.ANNOUNCED


def test_a_roster_cannot_be_frozen_while_an_import_is_being_written(office, task_a):
    from django.utils import timezone

    from shuangsuiji.core.errors import StateConflict
    from shuangsuiji.registries.models import ImportBatch

    moment = timezone.now()
    batch = ImportBatch.objects.create(
        kind="entities", filename="大名录.xlsx", started_at=moment, heartbeat_at=moment
    )
    with pytest.raises(StateConflict, match="名录正在导入") as refused:
        _announce(office, task_a, "2023-XH-WL-09")
    assert refused.value.code == "draw.import_in_progress"
    assert not Draw.objects.exists()
    batch.status = "committed"
    batch.save()
    assert _announce(office, task_a, "2023-XH-WL-09").status == DrawStatus.ANNOUNCED


def test_the_announcement_writes_an_audit_record(office, announced):
    entry = AuditEntry.objects.get(action="draw.announce")
    assert entry.actor == office
    assert entry.data["digest"] == announced.announcement_digest


def test_a_task_with_a_live_draw_cannot_be_announced_again(office, announced):
    with pytest.raises(ValidationError, match="未作废"):
        _announce(office, announced.task, "OTHER-1")


def test_task_rules_are_frozen_after_the_announcement(office, announced):
    with pytest.raises(ValidationError, match="冻结"):
        services.update_task(office, announced.task, rates={"A": 5000})


def test_changing_the_directory_does_not_change_a_frozen_announcement(office, announced):
    frozen = dict(announced.announcement)
    Inspector.objects.filter(certificate_no="WG-DEMO-001").update(may_lead=False)
    draw = reveal_draw(office, announced, beacon="1 2 3")
    assert draw.announcement == frozen
    _verify(draw)


# --------------------------------------------------------------------------- reveal


def test_reveal_selects_and_builds_teams_that_verify(revealed):
    assert revealed.status == DrawStatus.REVEALED
    assert revealed.beacon == "9319./2.5.8.10.12./"
    _verify(revealed)
    (inspection,) = Inspection.objects.filter(draw=revealed)
    assert inspection.entity.credit_code == revealed.record["strata"]["A"]["selected"][0]["id"]
    assert inspection.ticket == revealed.record["strata"]["A"]["selected"][0]["ticket"]


def test_each_inspection_has_a_culture_leader_and_a_police_member_none_conflicted(office, plan):
    for task in plan.tasks.all():
        reveal_draw(office, _announce(office, task, f"T-{task.number}"), beacon="3 1 4 1 5")
    inspections = Inspection.objects.all()
    assert inspections.count() == 1 + 2 + 2
    conflicts = set(Conflict.objects.values_list("inspector_id", "entity_id"))
    for inspection in inspections:
        team = list(inspection.current_team())
        leaders = [m for m in team if m.role == TeamRole.LEADER]
        assert len(leaders) == 1 and leaders[0].department.code == "410402-WGL"
        assert leaders[0].inspector.may_lead
        assert any(m.department.code == "410402-GA" for m in team)
        assert all((m.inspector_id, inspection.entity_id) not in conflicts for m in team)
        names = {c.department.code for c in inspection.task.check_items.all()}
        assert names == {"410402-WGL", "410402-GA"}  # 进一次门、查多项事


def test_a_draw_is_revealed_only_once(office, revealed):
    record = revealed.record
    with pytest.raises(ValidationError, match="不能再次开奖"):
        reveal_draw(office, revealed, beacon="1/2")
    revealed.refresh_from_db()
    assert revealed.record == record
    assert Inspection.objects.filter(draw=revealed).count() == 1


def test_only_joint_office_admins_announce_and_reveal(demo, task_a, announced):
    for username in ("wgl_admin", "ga_admin", "wgl_inspector", "auditor"):
        user = User.objects.get(username=username)
        with pytest.raises(PermissionDenied):
            _announce(user, task_a, f"X-{username}")
        with pytest.raises(PermissionDenied):
            reveal_draw(user, announced, beacon="1")


# --------------------------------------------------------------------------- substitution


def test_substitution_takes_the_next_id_in_the_substitute_order(office, revealed):
    selected = revealed.record["strata"]["A"]["selected"][0]["id"]
    expected = revealed.record["strata"]["A"]["substitute_order"][0]["id"]
    set_status(office, selected, "deregistered")
    new = substitute_entity(office, revealed, entity=selected, reason="deregistered-before-window")
    revealed.refresh_from_db()
    assert new.entity.credit_code == expected
    sub = revealed.record["strata"]["A"]["substitutions"][0]
    assert sub["approved_by"] == office.display_name
    assert sub["reason_label"] == "检查期开始前已注销"
    old = Inspection.objects.get(draw=revealed, entity__credit_code=selected)
    assert old.status == InspectionStatus.SUBSTITUTED
    assert AuditEntry.objects.filter(action="draw.substitute").count() == 1
    _verify(revealed)
    # and again: the next one after that
    set_status(office, expected, "suspended")
    substitute_entity(office, revealed, entity=expected, reason="closed-before-window")
    revealed.refresh_from_db()
    assert (
        revealed.record["strata"]["A"]["substitutions"][1]["by"]
        == (revealed.record["strata"]["A"]["substitute_order"][1]["id"])
    )
    _verify(revealed)


def test_unreachable_is_not_a_substitution_reason(office, revealed):
    selected = revealed.record["strata"]["A"]["selected"][0]["id"]
    with pytest.raises(ValidationError, match="检查结果"):
        substitute_entity(office, revealed, entity=selected, reason="unreachable")


def test_only_selected_entities_can_be_substituted(office, revealed):
    other = revealed.record["strata"]["A"]["substitute_order"][3]["id"]
    with pytest.raises(ValidationError, match="不是抽取"):
        substitute_entity(office, revealed, entity=other, reason="deregistered-before-window")


def test_substitution_needs_a_revealed_draw(office, announced):
    with pytest.raises(ValidationError, match="不能调整"):
        substitute_entity(office, announced, entity="X", reason="deregistered-before-window")


def test_department_admins_cannot_substitute(demo, revealed):
    selected = revealed.record["strata"]["A"]["selected"][0]["id"]
    with pytest.raises(PermissionDenied):
        substitute_entity(
            User.objects.get(username="wgl_admin"),
            revealed,
            entity=selected,
            reason="deregistered-before-window",
        )


# --------------------------------------------------------------------------- inspector changes


def test_a_sick_inspector_is_replaced_by_the_next_in_drawn_order(office, revealed):
    inspection = Inspection.objects.get(draw=revealed)
    member = inspection.current_team().get(role=TeamRole.MEMBER)
    new = change_inspector(
        office, inspection, outgoing=member.inspector.certificate_no, reason="sick-leave"
    )
    revealed.refresh_from_db()
    change = revealed.record["inspector_changes"][0]
    assert change["incoming"] == new.inspector.certificate_no
    assert change["approved_by"] == office.display_name
    assert new.department_id == member.department_id
    member.refresh_from_db()
    assert member.replaced_by == new and member.change_reason == "sick-leave"
    assert member.approved_by == office
    _verify(revealed)


def test_a_newly_declared_conflict_is_skipped_and_published(office, revealed):
    inspection = Inspection.objects.get(draw=revealed)
    leader = inspection.current_team().get(role=TeamRole.LEADER)
    pool, conflicts = engine.frozen_inputs(revealed)
    from shuangsuiji.drawengine import next_inspector

    natural = next_inspector(
        revealed.record,
        entity=inspection.entity.credit_code,
        outgoing=leader.inspector.certificate_no,
        pool=pool,
        conflicts=conflicts,
    )
    Conflict.objects.create(
        inspector=Inspector.objects.get(certificate_no=natural), entity=inspection.entity
    )
    new = change_inspector(
        office,
        inspection,
        outgoing=leader.inspector.certificate_no,
        reason="conflict-declared",
        note="组长申报回避",
    )
    assert new.inspector.certificate_no != natural
    revealed.refresh_from_db()
    assert revealed.record["inspector_changes"][0]["skipped"] == [natural]
    _verify(revealed)


def test_only_reasons_from_the_list_change_an_inspector(office, revealed):
    inspection = Inspection.objects.get(draw=revealed)
    member = inspection.current_team().first()
    with pytest.raises(ValidationError, match="不在允许的范围内"):
        change_inspector(
            office, inspection, outgoing=member.inspector.certificate_no, reason="我想换"
        )


# --------------------------------------------------------------------------- void


def test_voiding_needs_a_reason_and_cancels_the_inspections(office, revealed):
    with pytest.raises(ValidationError, match="原因"):
        void_draw(office, revealed, reason=" ")
    void_draw(office, revealed, reason="名录中风险等级录入错误")
    revealed.refresh_from_db()
    assert revealed.status == DrawStatus.VOIDED
    assert not Inspection.objects.filter(draw=revealed, status=InspectionStatus.PLANNED).exists()
    assert AuditEntry.objects.filter(action="draw.void").exists()
    with pytest.raises(ValidationError, match="已作废"):
        void_draw(office, revealed, reason="again")


def test_after_voiding_a_new_draw_needs_a_new_code(office, revealed):
    void_draw(office, revealed, reason="录入错误")
    with pytest.raises(ValidationError, match="新的编号"):
        _announce(office, revealed.task, revealed.code)
    again = _announce(office, revealed.task, f"{revealed.code}-R2")
    assert Draw.objects.filter(task=revealed.task).count() == 2
    assert again.announcement_digest != revealed.announcement_digest


def test_a_voided_draw_cannot_be_revealed_or_changed(office, announced):
    void_draw(office, announced, reason="随机数来源写错")
    with pytest.raises(ValidationError, match="不能再次开奖"):
        reveal_draw(office, announced, beacon="1")


def test_per_task_teams_share_one_team(office, plan):
    task = plan.tasks.get(number=3)
    services.update_task(office, task, team_mode="per-task")
    draw = reveal_draw(office, _announce(office, task, "C-1"), beacon="2 7 1 8")
    _verify(draw)
    teams = [
        {m.inspector_id for m in i.current_team()} for i in Inspection.objects.filter(draw=draw)
    ]
    assert len(teams) == 2
