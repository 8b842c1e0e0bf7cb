"""The plan of an import: every row validated, classified (new, updated, unchanged),
and every problem listed with the row number and column label the user sees."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from .cells import CellError, is_empty
from .readers import Table
from .schemas import COLUMNS, Column, Kind, fold, header_index

CHUNK = 500  # keys per IN (…) query when looking up existing rows
FILE_COLUMN = "文件"


class Action(StrEnum):
    CREATE = "create"
    UPDATE = "update"
    UNCHANGED = "unchanged"

    @property
    def label(self) -> str:
        return {"create": "新增", "update": "更新", "unchanged": "不变"}[self.value]


@dataclass(frozen=True)
class Issue:
    row: int
    column: str
    message: str


@dataclass
class PlannedRow:
    row: int
    key: str
    summary: str
    values: dict[str, Any]
    action: Action = Action.CREATE
    obj: Any = None
    changed: tuple[str, ...] = ()
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def action_label(self) -> str:
        return self.action.label


@dataclass
class Plan:
    kind: Kind
    filename: str = ""
    sha256: str = ""
    columns: list[Column] = field(default_factory=list)
    rows: list[PlannedRow] = field(default_factory=list)
    errors: list[Issue] = field(default_factory=list)
    warnings: list[Issue] = field(default_factory=list)
    total_rows: int = 0
    committed: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def counts(self) -> dict[str, int]:
        out = {"created": 0, "updated": 0, "unchanged": 0}
        names = {Action.CREATE: "created", Action.UPDATE: "updated", Action.UNCHANGED: "unchanged"}
        for row in self.rows:
            out[names[row.action]] += 1
        return out

    def error(self, row: int, column: Column | str, message: str) -> None:
        label = column.label if isinstance(column, Column) else column
        self.errors.append(Issue(row, label, message))

    def warn(self, row: int, column: Column | str, message: str) -> None:
        label = column.label if isinstance(column, Column) else column
        self.warnings.append(Issue(row, label, message))

    def sorted_errors(self) -> list[Issue]:
        return sorted(self.errors, key=lambda i: i.row)


@dataclass
class Context:
    """Who imports, and the defaults that apply to rows that leave a column out."""

    actor: Any
    filename: str
    today: datetime.date
    default_region: Any = None
    region_problem: str = ""
    reason: str = ""  # change reason of the history rows (the import batch's)


ENCODING_HINT = "如果表头显示为乱码，可能是编码错误（请另存为 UTF-8 或 GBK）"
FORMULA_MESSAGE = (
    "单元格 {cell} 是公式（{formula}）：导入不计算公式，也不使用电子表格保存的计算结果；"
    "请把公式转换为数值（复制后“选择性粘贴 → 数值”）再导入"
)


def _recognised(index: dict[str, Column], cells: list[object]) -> int:
    return sum(1 for raw in cells if not is_empty(raw) and fold(raw) in index)


def _header_not_recognised(plan: Plan, table: Table, index: dict[str, Column]) -> None:
    row = table.header_row
    for number, cells in table.lookahead:
        if _recognised(index, cells) >= 2:
            plan.error(
                row,
                FILE_COLUMN,
                f"表头无法识别：第 {row} 行不是表头，第 {number} 行看起来才是表头；"
                "表头必须是第一个非空行，请删除表头上方的标题行（包括合并的标题单元格）",
            )
            return
    labels = "、".join(f"“{c.label}”" for c in COLUMNS[plan.kind] if c.required)
    plan.error(
        row,
        FILE_COLUMN,
        f"表头无法识别：第 {row} 行（第一个非空行）应为表头，写中文列名（如 {labels}）"
        f"或英文列名；文件可能缺少表头。{ENCODING_HINT}",
    )


def _merged_and_formula_cells(plan: Plan, table: Table, mapping: list[tuple[int, Column]]):
    from .guards import column_letters

    by_position = dict(mapping)
    for (r0, c0), (r1, c1) in table.merged:
        where = f"{column_letters(c0)}{r0}:{column_letters(c1)}{r1}"
        if r0 <= table.header_row <= r1:
            plan.error(
                table.header_row,
                FILE_COLUMN,
                f"表头含有合并单元格（{where}）：请取消合并，每列只写一个列名",
            )
            continue
        hit = [by_position[c] for c in range(c0, c1 + 1) if c in by_position]
        if hit and r0 > table.header_row:
            plan.error(
                r0,
                hit[0],
                f"第 {r0}–{r1} 行是合并单元格（{where}）：合并后只有第一格有值，"
                "请取消合并并在每一行分别填写",
            )
    for number, position, formula in table.formulas:
        if number != table.header_row and position not in by_position:
            continue  # an ignored column
        column = by_position.get(position, FILE_COLUMN)
        cell = f"{column_letters(position)}{number}"
        plan.error(number, column, FORMULA_MESSAGE.format(cell=cell, formula=formula[:60]))


def map_header(plan: Plan, table: Table) -> list[tuple[int, Column]]:
    """Match header cells to columns; record unknown, duplicate and missing columns."""
    index = header_index(plan.kind)
    if not _recognised(index, table.header):
        _header_not_recognised(plan, table, index)
        return []
    found: dict[str, int] = {}
    mapping: list[tuple[int, Column]] = []
    for position, raw in enumerate(table.header):
        if is_empty(raw):
            continue
        column = index.get(fold(raw))
        if column is None:
            plan.warn(table.header_row, str(raw).strip(), "未识别的列，已忽略")
            continue
        if column.key in found:
            plan.error(table.header_row, column, "表头中该列出现了两次")
            continue
        found[column.key] = position
        mapping.append((position, column))
    for column in COLUMNS[plan.kind]:
        if column.required and column.key not in found:
            plan.error(table.header_row, column, f"缺少必填列“{column.label}”（或 {column.key}）")
    plan.columns = [column for _, column in mapping]
    _merged_and_formula_cells(plan, table, mapping)
    return mapping


def rows_as_dicts(
    table: Table, mapping: list[tuple[int, Column]]
) -> Iterable[tuple[int, dict[str, object]]]:
    for number, cells in table.rows:
        width = len(cells)
        yield number, {c.key: (cells[p] if p < width else None) for p, c in mapping}


class RowCleaner:
    """Collects the cleaned values of one row and the problems of its cells."""

    __slots__ = ("plan", "number", "cells", "kind_columns", "failed")

    def __init__(self, plan: Plan, number: int, cells: dict[str, object], columns: dict):
        self.plan = plan
        self.number = number
        self.cells = cells
        self.kind_columns = columns
        self.failed = False

    def has(self, key: str) -> bool:
        return key in self.cells

    def fail(self, key: str, message: str) -> None:
        self.failed = True
        self.plan.error(self.number, self.kind_columns[key], message)

    def required(self, key: str, convert: Callable[[object], Any]) -> Any:
        raw = self.cells.get(key)
        if is_empty(raw):
            self.fail(key, "必填项为空")
            return None
        try:
            return convert(raw)
        except CellError as exc:
            self.fail(key, str(exc))
            return None

    def optional(self, key: str, convert: Callable[[object], Any], empty: Any) -> Any:
        raw = self.cells.get(key)
        if is_empty(raw):
            return empty
        try:
            return convert(raw)
        except CellError as exc:
            self.fail(key, str(exc))
            return empty


def chunks(values: list, size: int = CHUNK) -> Iterable[list]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


def duplicate(plan: Plan, seen: dict, key: object, number: int, column: Column, what: str) -> bool:
    """Record a duplicate key inside the file (naming both rows); True when duplicated."""
    first = seen.get(key)
    if first is None:
        seen[key] = number
        return False
    plan.error(number, column, f"{what}在文件中重复：第 {first} 行和第 {number} 行")
    return True


def diff(obj: Any, values: dict[str, Any]) -> tuple[str, ...]:
    return tuple(k for k, v in values.items() if getattr(obj, k) != v)
