"""Helpers shared by the import and export tests: real files written to disk.

(No tests here; the name keeps it next to the tests it serves.)
"""

from __future__ import annotations

import csv
import datetime
import io
from pathlib import Path

import openpyxl
import xlsxwriter

from tests import factories

ENTITY_HEADER = ["统一社会信用代码", "名称", "风险等级", "地址", "状态", "行政区划"]
ENTITY_KEYS = ["credit_code", "name", "risk_class", "address", "status", "region"]


def entity_rows(count: int, start: int = 1, risk: str = "ABCD") -> list[list]:
    return [
        [
            factories.credit_code(start + i),
            f"测试网吧{start + i:04d}",
            risk[i % len(risk)],
            f"新华路{start + i}号",
            "在营",
            "410402",
        ]
        for i in range(count)
    ]


def write_csv(path: Path, header: list, rows: list[list], encoding: str = "utf-8") -> Path:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows(rows)
    path.write_bytes(buffer.getvalue().encode(encoding))
    return path


def write_xlsx(path: Path, header: list, rows: list[list]) -> Path:
    """Strings as text cells; numbers, dates and booleans as their own cell types."""
    workbook = xlsxwriter.Workbook(str(path))
    sheet = workbook.add_worksheet()
    as_date = workbook.add_format({"num_format": "yyyy-mm-dd"})
    for col, label in enumerate(header):
        sheet.write_string(0, col, label)
    for r, row in enumerate(rows, start=1):
        for col, value in enumerate(row):
            if isinstance(value, datetime.date):
                sheet.write_datetime(r, col, value, as_date)
            elif isinstance(value, bool):
                sheet.write_boolean(r, col, value)
            elif isinstance(value, int | float):
                sheet.write_number(r, col, value)
            elif value is not None:
                sheet.write_string(r, col, str(value))
    workbook.close()
    return path


def write_xls(path: Path, header: list, rows: list[list]) -> Path:
    import xlwt

    workbook = xlwt.Workbook(encoding="utf-8")
    sheet = workbook.add_sheet("Sheet1")
    for col, label in enumerate(header):
        sheet.write(0, col, label)
    for r, row in enumerate(rows, start=1):
        for col, value in enumerate(row):
            sheet.write(r, col, value)
    workbook.save(str(path))
    return path


def read_xlsx(path_or_bytes) -> list[list]:
    source = io.BytesIO(path_or_bytes) if isinstance(path_or_bytes, bytes) else path_or_bytes
    sheet = openpyxl.load_workbook(source).worksheets[0]
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def messages(plan) -> list[tuple[int, str, str]]:
    return [(e.row, e.column, e.message) for e in plan.sorted_errors()]
