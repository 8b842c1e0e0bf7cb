"""Exports of the directories to xlsx, in the import template's layout.

The header row is the template's, one row per record, so an export imports back
unchanged. Credit codes are written as text cells (number format ``@``) so a
spreadsheet never turns them into numbers; text cells starting with ``=``, ``+``,
``-`` or ``@`` are prefixed with ``'`` so no spreadsheet evaluates them as formulas
(the import removes that prefix again). Every export writes one audit record.
"""

from __future__ import annotations

import datetime
import io
from collections.abc import Iterator
from pathlib import Path
from typing import IO

import xlsxwriter
from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.utils import timezone

from shuangsuiji.accounts.permissions import ensure
from shuangsuiji.audit.services import record
from shuangsuiji.core.xlsx import safe_cell

from .importing.schemas import COLUMNS, Kind, parse_kind
from .models import CheckItem, Conflict, Entity, EntityStatus, Inspector, RiskRating

# Columns written as literal text without neutralisation (validated codes).
CODE_KEYS = {"credit_code"}
DATE_KEYS = {"rating_date", "certificate_valid_from", "certificate_valid_to", "declared_on"}


def _yes_no(value: bool) -> str:
    return "是" if value else "否"


def entity_rows(actor) -> Iterator[list]:
    today = timezone.localdate()
    current = RiskRating.objects.filter(entity=OuterRef("pk"), effective_date__lte=today).order_by(
        "-effective_date", "-pk"
    )
    statuses = dict(EntityStatus.choices)
    qs = (
        Entity.objects.visible_to(actor)
        .select_related("region")
        .annotate(
            rated_on=Subquery(current.values("effective_date")[:1]),
            rated_by=Subquery(current.values("source")[:1]),
        )
        .order_by("credit_code")
    )
    for e in qs.iterator(chunk_size=2000):
        yield [
            e.credit_code,
            e.name,
            e.risk_class,
            e.address,
            e.license_no,
            e.legal_rep,
            e.phone,
            statuses.get(e.status, e.status),
            e.region.code,
            e.industry,
            e.rated_on,
            e.rated_by or "",
        ]


def inspector_rows(actor) -> Iterator[list]:
    qs = Inspector.objects.visible_to(actor).select_related("department")
    for i in qs.order_by("department__code", "certificate_no").iterator(chunk_size=2000):
        yield [
            i.name,
            i.department.name,
            i.certificate_no,
            i.certificate_valid_from,
            i.certificate_valid_to,
            _yes_no(i.may_lead),
            _yes_no(i.is_expert),
            _yes_no(i.active),
            i.title,
            i.phone,
        ]


def conflict_rows(actor) -> Iterator[list]:
    visible = Inspector.objects.visible_to(actor)
    qs = Conflict.objects.filter(inspector__in=visible).select_related("inspector", "entity")
    for c in qs.order_by("inspector__certificate_no", "entity__credit_code").iterator(
        chunk_size=2000
    ):
        yield [c.inspector.certificate_no, c.entity.credit_code, c.reason, c.declared_on]


def item_rows(actor) -> Iterator[list]:
    prefix = getattr(actor, "scope_prefix", None)
    if prefix is None:
        return
    qs = CheckItem.objects.filter(department__region__code__startswith=prefix)
    qs = qs.select_related("department").order_by("department__code", "code")
    for item in qs.iterator(chunk_size=2000):
        yield [
            item.department.name,
            item.code,
            item.title,
            item.legal_basis,
            item.method,
            _yes_no(item.active),
        ]


ROWS = {
    Kind.ENTITIES: entity_rows,
    Kind.INSPECTORS: inspector_rows,
    Kind.CONFLICTS: conflict_rows,
    Kind.ITEMS: item_rows,
}


def write_workbook(kind: Kind, rows, target: str | Path | IO[bytes]) -> int:
    """Write the header row and ``rows``; returns the number of records."""
    options = {"in_memory": True, "strings_to_numbers": False, "strings_to_formulas": False}
    target = str(target) if isinstance(target, Path) else target
    workbook = xlsxwriter.Workbook(target, options)
    header = workbook.add_format({"bold": True, "bg_color": "#EEF1F5", "border": 1})
    as_text = workbook.add_format({"num_format": "@"})
    as_date = workbook.add_format({"num_format": "yyyy-mm-dd"})
    sheet = workbook.add_worksheet(kind.label)
    columns = COLUMNS[kind]
    for col, column in enumerate(columns):
        sheet.write_string(0, col, column.label, header)
        width = 22 if column.key in CODE_KEYS else max(10, len(column.label) * 2 + 2)
        sheet.set_column(col, col, width, as_text if column.key in CODE_KEYS else None)
    keys = [c.key for c in columns]
    count = 0
    for count, values in enumerate(rows, start=1):
        for col, (key, value) in enumerate(zip(keys, values)):
            if value is None or value == "":
                continue
            if key in DATE_KEYS and isinstance(value, datetime.date):
                sheet.write_datetime(count, col, value, as_date)
            elif key in CODE_KEYS:
                sheet.write_string(count, col, str(value), as_text)
            else:
                sheet.write_string(count, col, safe_cell(str(value)))
    sheet.freeze_panes(1, 0)
    workbook.close()
    return count


def export_xlsx(actor, kind: Kind | str, target: str | Path | IO[bytes] | None = None):
    """Export one directory; returns (row count, bytes when no target was given)."""
    kind = parse_kind(kind)
    ensure(actor, "registries.export")
    buffer = io.BytesIO() if target is None else None
    count = write_workbook(kind, ROWS[kind](actor), buffer if buffer is not None else target)
    file_name = Path(target).name if isinstance(target, str | Path) else export_filename(kind)
    with transaction.atomic():
        record(
            actor,
            "registries.export",
            object_type=f"registries.{kind.value}",
            object_repr=f"导出{kind.label}：{file_name}"[:255],
            data={"kind": kind.value, "rows": count, "file_name": file_name},
        )
    return count, (buffer.getvalue() if buffer is not None else None)


def export_filename(kind: Kind) -> str:
    return f"{kind.label}-{timezone.localdate():%Y%m%d}.xlsx"
