"""What a draw froze, and how its codes resolve (frozen means frozen).

At the freeze the draw keeps, besides the announcement, the mapping from every frozen
credit code to the entity row (``FrozenEntity``) and from every pooled certificate number
to the inspector row (``FrozenInspector``), with the names as they were, and the plan and
task as they were (``Draw.frozen_display``). Everything after the freeze (reveal,
inspections, substitutions, inspector changes, the portal) goes through these, never
through a lookup of the live code, so an edit after the freeze cannot point a drawn code
at another café, nor make the reveal fail.
"""

from __future__ import annotations

from collections.abc import Iterable

from shuangsuiji.core.errors import StateConflict
from shuangsuiji.registries.models import Entity, Inspector

from .models import Draw, FrozenEntity, FrozenInspector, Task

BATCH = 5000


def display_block(task: Task) -> dict:
    """The plan and task as the portal shows them, frozen with the announcement."""
    plan = task.plan
    return {
        "plan": {
            "title": plan.title,
            "doc_number": plan.doc_number,
            "office": plan.office,
            "year": plan.year,
        },
        "task": {
            "number": task.number,
            "name": task.name,
            "domain": task.domain,
            "items_text": task.items_text,
            "scope_text": task.scope_text,
            "initiating_department": task.initiating_department.name,
            "cooperating_departments": [
                d.name for d in task.cooperating_departments.order_by("code")
            ],
            "rate_labels": task.rate_labels(),
            "window_start": task.window_start.isoformat(),
            "window_end": task.window_end.isoformat(),
        },
    }


def freeze_rows(
    draw: Draw,
    strata: dict[str, list[Entity]],
    excluded: Iterable[Entity],
    inspectors: Iterable[Inspector],
) -> None:
    """Store the code → row mappings of a freshly frozen draw."""
    rows = [
        FrozenEntity(draw=draw, credit_code=e.credit_code, entity=e, name=e.name, stratum=key)
        for key, entities in strata.items()
        for e in entities
    ]
    rows.extend(
        FrozenEntity(draw=draw, credit_code=e.credit_code, entity=e, name=e.name, stratum="")
        for e in excluded
    )
    FrozenEntity.objects.bulk_create(rows, batch_size=BATCH)
    FrozenInspector.objects.bulk_create(
        [
            FrozenInspector(draw=draw, certificate_no=i.certificate_no, inspector=i, name=i.name)
            for i in inspectors
        ],
        batch_size=BATCH,
    )


def _missing(draw: Draw, what: str, keys: Iterable[str]) -> StateConflict:
    return StateConflict(
        f"抽取 {draw.code} 冻结时没有{what} {'、'.join(sorted(keys))}",
        code="draw.not_frozen",
    )


def entity_ids(draw: Draw, codes: Iterable[str]) -> dict[str, int]:
    """Frozen credit code → entity pk, for each of ``codes``."""
    codes = set(codes)
    found = dict(
        draw.frozen_entities.filter(credit_code__in=codes).values_list("credit_code", "entity_id")
    )
    if len(found) != len(codes):
        raise _missing(draw, "统一社会信用代码", codes - set(found))
    return found


def entity_id(draw: Draw, code: str) -> int:
    return entity_ids(draw, [code])[code]


def inspector_ids(draw: Draw, certificates: Iterable[str]) -> dict[str, int]:
    """Frozen certificate number → inspector pk, for each of ``certificates``."""
    certificates = set(certificates)
    found = dict(
        draw.frozen_inspectors.filter(certificate_no__in=certificates).values_list(
            "certificate_no", "inspector_id"
        )
    )
    if len(found) != len(certificates):
        raise _missing(draw, "执法证号", certificates - set(found))
    return found


def code_of(draw: Draw, entity_pk: int) -> str:
    """The credit code an entity had when the draw was frozen."""
    code = (
        draw.frozen_entities.filter(entity_id=entity_pk)
        .values_list("credit_code", flat=True)
        .first()
    )
    if code is None:
        raise StateConflict(f"该检查对象不在抽取 {draw.code} 的冻结名录中", code="draw.not_frozen")
    return code


def certificates_of(draw: Draw, inspector_pks: Iterable[int]) -> dict[int, str]:
    """Inspector pk → certificate number when the draw was frozen."""
    return dict(
        draw.frozen_inspectors.filter(inspector_id__in=list(inspector_pks)).values_list(
            "inspector_id", "certificate_no"
        )
    )


def entity_names(draw: Draw, codes: Iterable[str]) -> dict[str, str]:
    return dict(
        draw.frozen_entities.filter(credit_code__in=set(codes)).values_list("credit_code", "name")
    )


def inspector_names(draw: Draw, certificates: Iterable[str]) -> dict[str, str]:
    return dict(
        draw.frozen_inspectors.filter(certificate_no__in=set(certificates)).values_list(
            "certificate_no", "name"
        )
    )


def is_frozen_unrevealed(model: str, pk: int) -> bool:
    """Is this entity / inspector in the frozen roster or pool of a draw not yet revealed?"""
    from .models import DrawStatus

    manager = FrozenEntity.objects if model == "entity" else FrozenInspector.objects
    field = "entity_id" if model == "entity" else "inspector_id"
    live = (DrawStatus.COMMITTING, DrawStatus.ANNOUNCED)
    return manager.filter(**{field: pk, "draw__status__in": live}).exists()
