"""Adapter between the database and the pure draw engine (``shuangsuiji.drawengine``).

The inspector pool and the conflict list are frozen into the draw row (``pool_snapshot``,
``conflicts_snapshot``) when the announcement is frozen; the announcement carries only
their digests. Reveal, verification and inspector changes always use the frozen lists.
"""

from __future__ import annotations

import csv
import datetime
import io
from collections.abc import Iterable

from shuangsuiji.core.xlsx import safe_cell
from shuangsuiji.drawengine import Conflict as EngineConflict
from shuangsuiji.drawengine import Inspector as EngineInspector
from shuangsuiji.drawengine import InspectorPool
from shuangsuiji.registries.models import Conflict, Inspector

from .models import Draw, Task


def _d(value: str | None) -> datetime.date | None:
    return datetime.date.fromisoformat(value) if value else None


def _iso(value: datetime.date | None) -> str | None:
    return value.isoformat() if value else None


def pool_inspectors(task: Task):
    """Active inspectors of the task's departments (the engine checks certificates)."""
    return (
        Inspector.objects.filter(active=True, department__in=task.departments())
        .select_related("department")
        .prefetch_related("unavailable_periods")
        .order_by("certificate_no")
    )


def pool_snapshot(inspectors: Iterable[Inspector]) -> list[dict]:
    return [
        {
            "id": i.certificate_no,
            "department": i.department.code,
            "may_lead": i.may_lead,
            "valid_from": _iso(i.certificate_valid_from),
            "valid_to": _iso(i.certificate_valid_to),
            "unavailable": sorted(
                [p.start.isoformat(), p.end.isoformat()] for p in i.unavailable_periods.all()
            ),
        }
        for i in inspectors
    ]


def conflicts_snapshot(inspectors: Iterable[Inspector], entity_ids: Iterable[int]) -> list[list]:
    rows = Conflict.objects.filter(
        inspector__in=list(inspectors), entity_id__in=list(entity_ids)
    ).values_list("inspector__certificate_no", "entity__credit_code")
    return sorted([a, b] for a, b in rows)


def engine_pool(snapshot: list[dict]) -> list[EngineInspector]:
    return [
        EngineInspector(
            id=row["id"],
            department=row["department"],
            may_lead=row["may_lead"],
            certificate_valid_from=_d(row["valid_from"]),
            certificate_valid_to=_d(row["valid_to"]),
            unavailable=tuple((_d(a), _d(b)) for a, b in row["unavailable"]),
        )
        for row in snapshot
    ]


def engine_conflicts(snapshot: list[list]) -> list[EngineConflict]:
    return [EngineConflict(inspector=a, entity=b) for a, b in snapshot]


def inspector_pool(task: Task, pool: list[dict], conflicts: list[list]) -> InspectorPool:
    cooperating = [d.code for d in task.cooperating_departments.order_by("code")]
    return InspectorPool(
        pool=engine_pool(pool),
        conflicts=engine_conflicts(conflicts),
        leader_department=task.initiating_department.code,
        window=(task.window_start, task.window_end),
        member_departments=cooperating,
        members_per_department={d: task.members_for(d) for d in cooperating},
        team_mode=task.team_mode,
    )


def frozen_inputs(draw: Draw) -> tuple[list[EngineInspector], list[EngineConflict]]:
    return engine_pool(draw.pool_snapshot), engine_conflicts(draw.conflicts_snapshot)


def _csv(header: list[str], rows: Iterable[list[str]]) -> str:
    """Quoted CSV (csv module); text a spreadsheet would run as a formula gets a ``'``."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows([safe_cell(str(cell)) for cell in row] for row in rows)
    return out.getvalue()


def inspectors_csv(draw: Draw) -> str:
    """The frozen pool in the CSV form ``ssj draw verify --inspectors`` reads (internal)."""
    return _csv(
        ["certificate_no", "department", "may_lead", "valid_from", "valid_to", "unavailable"],
        (
            [
                row["id"],
                row["department"],
                "1" if row["may_lead"] else "0",
                row["valid_from"] or "",
                row["valid_to"] or "",
                ";".join(f"{a}~{b}" for a, b in row["unavailable"]),
            ]
            for row in draw.pool_snapshot
        ),
    )


def conflicts_csv(draw: Draw) -> str:
    """The frozen conflict list for ``ssj draw verify --conflicts`` (internal)."""
    return _csv(["certificate_no", "credit_code"], ([a, b] for a, b in draw.conflicts_snapshot))
