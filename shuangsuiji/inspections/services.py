"""Database side of the drawn inspections and teams.

These helpers are called only from the draw services in ``shuangsuiji.plans.draws``,
inside their transaction and after their permission check and before their audit record;
they mirror the draw record (the record is the truth, these rows make it queryable).
"""

from __future__ import annotations

from django.utils import timezone

from shuangsuiji.core.models import Department
from shuangsuiji.registries.models import Entity, Inspector

from .models import Inspection, InspectionStatus, TeamMember, TeamRole


def _team_rows(inspection: Inspection, leader: str, members: dict[str, list[str]], by_cert):
    rows = [TeamMember(inspection=inspection, inspector=by_cert[leader], role=TeamRole.LEADER)]
    for dept in sorted(members):
        for cert in members[dept]:
            rows.append(
                TeamMember(inspection=inspection, inspector=by_cert[cert], role=TeamRole.MEMBER)
            )
    for row in rows:
        row.department_id = row.inspector.department_id
    return rows


def record_codes(record: dict) -> tuple[set[str], set[str]]:
    """The credit codes selected and the certificates on the teams of a fresh record."""
    codes = {e["id"] for stratum in record["strata"].values() for e in stratum["selected"]}
    teams = record.get("assignment", {}).get("teams", [])
    certs = {t["leader"] for t in teams}
    for t in teams:
        certs.update(c for ids in t["members"].values() for c in ids)
    return codes, certs


def create_for_record(draw, *, entity_ids: dict[str, int], inspector_ids: dict[str, int]):
    """One inspection per selected entity of a freshly revealed draw, with its team.

    ``entity_ids`` / ``inspector_ids`` map the record's frozen codes to rows (the draw's
    frozen mapping, never a lookup of the live codes).
    """
    task = draw.task
    record = draw.record
    tickets = {
        e["id"]: (key, e["ticket"])
        for key, stratum in record["strata"].items()
        for e in stratum["selected"]
    }
    rows = Entity.objects.in_bulk(list(entity_ids.values()))
    entities = {code: rows[pk] for code, pk in entity_ids.items()}
    teams = {t["entity"]: t for t in record.get("assignment", {}).get("teams", [])}
    people = Inspector.objects.in_bulk(list(inspector_ids.values()))
    by_cert = {cert: people[pk] for cert, pk in inspector_ids.items()}
    created = []
    members: list[TeamMember] = []
    for code, (stratum, ticket) in sorted(tickets.items(), key=lambda kv: kv[1]):
        inspection = Inspection.objects.create(
            task=task,
            draw=draw,
            entity=entities[code],
            stratum=stratum,
            ticket=ticket,
            window_start=task.window_start,
            window_end=task.window_end,
        )
        created.append(inspection)
        team = teams.get(code)
        if team:
            members.extend(_team_rows(inspection, team["leader"], team["members"], by_cert))
    TeamMember.objects.bulk_create(members)
    return created


def substitute(
    draw, *, replaced_id: int, by_id: int, ticket: str, stratum: str, reason: str
) -> tuple[Inspection, Inspection]:
    """The replaced entity's inspection ends; the substitute takes over its team."""
    old = Inspection.objects.select_for_update().get(
        draw=draw, entity_id=replaced_id, status=InspectionStatus.PLANNED
    )
    old.status = InspectionStatus.SUBSTITUTED
    old.status_reason = reason
    old.save(update_fields=["status", "status_reason"])
    new = Inspection.objects.create(
        task=old.task,
        draw=draw,
        entity=Entity.objects.get(pk=by_id),
        stratum=stratum,
        ticket=ticket,
        window_start=old.window_start,
        window_end=old.window_end,
    )
    TeamMember.objects.bulk_create(
        TeamMember(
            inspection=new,
            inspector_id=m.inspector_id,
            department_id=m.department_id,
            role=m.role,
        )
        for m in old.current_team()
    )
    return old, new


def replace_member(
    inspection: Inspection, *, outgoing_id: int, incoming_id: int, reason: str, note: str, approver
) -> TeamMember:
    old = (
        inspection.team.select_for_update()
        .filter(replaced_by__isnull=True)
        .get(inspector_id=outgoing_id)
    )
    newcomer = Inspector.objects.get(pk=incoming_id)
    old.replaced_by = None
    new = TeamMember.objects.create(
        inspection=inspection,
        inspector=newcomer,
        department=Department.objects.get(pk=newcomer.department_id),
        role=old.role,
    )
    old.replaced_by = new
    old.change_reason = reason
    old.change_note = note
    old.changed_at = timezone.now()
    old.approved_by = approver if getattr(approver, "is_authenticated", False) else None
    old.save(
        update_fields=["replaced_by", "change_reason", "change_note", "changed_at", "approved_by"]
    )
    return new


def cancel_for_draw(draw, reason: str) -> int:
    return Inspection.objects.filter(draw=draw, status=InspectionStatus.PLANNED).update(
        status=InspectionStatus.CANCELLED, status_reason=reason
    )
