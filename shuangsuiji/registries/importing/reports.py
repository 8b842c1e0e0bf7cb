"""Spreadsheets handed to the user: the import template and the error report."""

from __future__ import annotations

import io

import xlsxwriter

from .schemas import COLUMNS, Kind
from .validation import Plan

TEXT_KEYS = {"credit_code", "certificate_no", "code", "license_no", "phone", "region"}


def template_xlsx(kind: Kind) -> bytes:
    """Header row (Chinese labels) on the first sheet, column notes on the second."""
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True})
    header = workbook.add_format({"bold": True, "bg_color": "#EEF1F5", "border": 1})
    required = workbook.add_format({"bold": True, "bg_color": "#FDECEA", "border": 1})
    as_text = workbook.add_format({"num_format": "@"})
    sheet = workbook.add_worksheet(kind.label)
    for col, column in enumerate(COLUMNS[kind]):
        sheet.write_string(0, col, column.label, required if column.required else header)
        sheet.set_column(
            col,
            col,
            max(12, len(column.label) * 2 + 4),
            as_text if column.key in TEXT_KEYS else None,
        )
    sheet.freeze_panes(1, 0)
    notes = workbook.add_worksheet("填写说明")
    for col, title in enumerate(("列名", "英文列名", "是否必填", "说明")):
        notes.write_string(0, col, title, header)
    for row, column in enumerate(COLUMNS[kind], start=1):
        notes.write_string(row, 0, column.label)
        notes.write_string(row, 1, column.key)
        notes.write_string(row, 2, "必填" if column.required else "可选")
        notes.write_string(row, 3, column.hint)
    notes.set_column(0, 1, 20)
    notes.set_column(3, 3, 50)
    last = len(COLUMNS[kind]) + 2
    notes.write_string(last, 0, "只读取第一个工作表；第一行为表头，可用中文列名或英文列名。")
    notes.write_string(
        last + 1, 0, "统一社会信用代码等编号列请设为文本格式，否则电子表格会把全数字代码变成数值。"
    )
    workbook.close()
    return buffer.getvalue()


def errors_xlsx(plan: Plan) -> bytes:
    """One row per problem: row number, column label, message (errors, then warnings)."""
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True})
    header = workbook.add_format({"bold": True, "bg_color": "#EEF1F5", "border": 1})
    sheet = workbook.add_worksheet("错误报告")
    for col, title in enumerate(("行号", "列", "问题", "类型")):
        sheet.write_string(0, col, title, header)
    issues = [(i, "错误") for i in plan.sorted_errors()]
    issues += [(i, "提示") for i in sorted(plan.warnings, key=lambda i: i.row)]
    for row, (issue, level) in enumerate(issues, start=1):
        if issue.row:
            sheet.write_number(row, 0, issue.row)
        else:
            sheet.write_string(row, 0, "—")
        sheet.write_string(row, 1, issue.column)
        sheet.write_string(row, 2, issue.message)
        sheet.write_string(row, 3, level)
    sheet.set_column(0, 0, 8)
    sheet.set_column(1, 1, 20)
    sheet.set_column(2, 2, 80)
    sheet.freeze_panes(1, 0)
    workbook.close()
    return buffer.getvalue()
