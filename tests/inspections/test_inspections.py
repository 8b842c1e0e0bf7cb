"""Inspections mirror the draw record: one per selected entity, team history kept."""

from shuangsuiji.inspections.models import Inspection, InspectionStatus, TeamMember, TeamRole
from shuangsuiji.plans.draws import change_inspector


def test_one_inspection_per_selected_entity_with_the_task_window(revealed):
    (inspection,) = Inspection.objects.filter(draw=revealed)
    assert inspection.task == revealed.task
    assert inspection.status == InspectionStatus.PLANNED
    assert (inspection.window_start, inspection.window_end) == (
        revealed.task.window_start,
        revealed.task.window_end,
    )
    assert inspection.stratum == "A"


def test_the_team_matches_the_record(revealed):
    inspection = Inspection.objects.get(draw=revealed)
    (team,) = revealed.record["assignment"]["teams"]
    assert inspection.leader().inspector.certificate_no == team["leader"]
    members = [
        m.inspector.certificate_no for m in inspection.current_team().filter(role=TeamRole.MEMBER)
    ]
    assert members == team["members"]["410402-GA"]


def test_a_change_keeps_the_history(office, revealed):
    inspection = Inspection.objects.get(draw=revealed)
    leader = inspection.leader()
    change_inspector(
        office, inspection, outgoing=leader.inspector.certificate_no, reason="transferred"
    )
    assert TeamMember.objects.filter(inspection=inspection).count() == 3
    assert inspection.current_team().count() == 2
    leader.refresh_from_db()
    assert not leader.is_current
    assert inspection.leader().role == TeamRole.LEADER
