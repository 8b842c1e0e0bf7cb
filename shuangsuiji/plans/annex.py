"""Annex 1 of a plan (附件 1：年度部门联合抽查计划) as a table: read from xlsx/docx, write
xlsx/docx. Columns: 序号, 抽查名称, 抽查领域, 抽查事项, 检查对象, 发起部门, 配合部门, 抽查比例
(an optional 风险等级 column is read when present).

抽查比例 is "1%" (one class, taken from 风险等级 or from "A 类" in the name) or
"A类1%、B类3%" (several classes). Numeric cells are Excel percentages (0.01 = 1%).

Every file goes through the upload guards of the directory imports first
(``registries.importing.guards``): size cap, type by content, zip-bomb checks, and for
xlsx the used range of the sheet, so a hostile file is refused before calamine or
python-docx allocate anything for it.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import IO

from django.conf import settings

from shuangsuiji.core.errors import InvalidInput
from shuangsuiji.core.xlsx import FORMULA_PREFIXES, safe_cell
from shuangsuiji.registries.importing.guards import GuardError, Limits, check_office_file

from .models import Plan, Task, bp_to_percent

COLUMNS = (
    "序号",
    "抽查名称",
    "抽查领域",
    "抽查事项",
    "检查对象",
    "发起部门",
    "配合部门",
    "抽查比例",
)
REQUIRED = ("序号", "抽查名称", "抽查领域", "发起部门", "抽查比例")
CLASS_RATE = re.compile(r"([ABCD])\s*类?\s*[:：]?\s*(\d+(?:\.\d+)?)\s*%")
CLASS_IN_NAME = re.compile(r"([ABCD])\s*类")
PERCENT = re.compile(r"^(\d+(?:\.\d+)?)\s*%?$")
EXTENSIONS = (".xlsx", ".docx")
# An Annex 1 has a few dozen tasks: far tighter bounds than the directory imports.
LIMITS = Limits(
    rows=1000,
    columns=50,
    cells=100_000,
    zip_entries=2000,
    zip_total=256 << 20,
    zip_member=64 << 20,
)


class RowProblem(ValueError):
    """One cell that cannot be used (the message names no row: the caller adds it)."""


@dataclass(frozen=True)
class Issue:
    """A problem with the row number as the sheet shows it and the column's name."""

    row: int  # 0: the file as a whole
    column: str
    message: str

    def __str__(self) -> str:
        if not self.row:
            return self.message
        return f"第 {self.row} 行（{self.column}）：{self.message}"


def percent_to_bp(text: str) -> int:
    try:
        value = Decimal(text) * 100
    except InvalidOperation:
        raise RowProblem(f"抽查比例“{text}”无法识别") from None
    if value != value.to_integral_value() or not 0 < value <= 10000:
        raise RowProblem(f"抽查比例“{text}%”须在 0.01%–100% 之间")
    return int(value)


def parse_rates(value) -> tuple[dict[str, int], int | None]:
    """(rates per class, single rate without class)."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return {}, percent_to_bp(str(Decimal(str(value)) * 100))
    text = str(value or "").strip().replace("％", "%")
    pairs = CLASS_RATE.findall(text)
    if pairs:
        return {k: percent_to_bp(v) for k, v in pairs}, None
    match = PERCENT.match(text)
    if not match:
        raise RowProblem(f"抽查比例“{text}”无法识别（应如 1% 或 A类1%）")
    return {}, percent_to_bp(match.group(1))


def _text(value) -> str:
    """A cell as text, with the quote that exports put before formula-like text removed."""
    out = str(value if value is not None else "").strip()
    if len(out) > 1 and out[0] == "'" and out[1] in FORMULA_PREFIXES:
        out = out[1:]
    return out


def _norm(cell) -> str:
    return re.sub(r"\s+", "", str(cell or ""))


def parse_table(table: list[list]) -> tuple[list[dict], list[Issue]]:
    """Every task row below the header (the row starting with 序号), and every problem.

    Each row dict has the columns as text plus ``rates``/``rate_bp`` and ``_row`` (its
    row number in the sheet or table, as the user sees it)."""
    header_at = next((n for n, row in enumerate(table) if row and _norm(row[0]) == "序号"), None)
    if header_at is None:
        return [], [Issue(0, "表头", "找不到表头（第一列应为“序号”）")]
    header = [_norm(c) for c in table[header_at]]
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        return [], [Issue(header_at + 1, "表头", f"表头缺少列：{'、'.join(missing)}")]
    out: list[dict] = []
    issues: list[Issue] = []
    first_row: dict[int, int] = {}
    for index, row in enumerate(table[header_at + 1 :], start=header_at + 2):
        cells = {h: row[i] if i < len(row) else "" for i, h in enumerate(header) if h}
        if not any(str(v or "").strip() for v in cells.values()):
            continue
        item = {h: _text(v) for h, v in cells.items()}
        item["_row"] = index
        ok = True
        for column in REQUIRED:
            if not item.get(column):
                issues.append(Issue(index, column, "必填项为空"))
                ok = False
        raw_no = cells["序号"]
        try:
            number = int(float(raw_no)) if isinstance(raw_no, float) else int(str(raw_no).strip())
        except ValueError:
            if item["序号"]:
                issues.append(Issue(index, "序号", f"序号“{raw_no}”不是整数"))
            ok = False
        else:
            item["序号"] = number
            if number in first_row:
                issues.append(
                    Issue(index, "序号", f"序号 {number} 与第 {first_row[number]} 行重复")
                )
                ok = False
            first_row.setdefault(number, index)
        if item["抽查比例"]:
            try:
                item["rates"], item["rate_bp"] = parse_rates(cells["抽查比例"])
            except RowProblem as exc:
                issues.append(Issue(index, "抽查比例", str(exc)))
                ok = False
        if ok:
            out.append(item)
    if not out and not issues:
        issues.append(Issue(0, "文件", "表格中没有任务行"))
    return out, issues


def rows_from_table(table: list[list]) -> list[dict]:
    """The task rows, or InvalidInput listing the problems (the command line's reader)."""
    rows, issues = parse_table(table)
    if issues:
        raise InvalidInput("；".join(str(i) for i in issues[:10]), code="plan.annex_invalid")
    return rows


def _guarded(source: str | Path | IO[bytes], ext: str) -> io.BytesIO:
    """The file's bytes after the upload guards; InvalidInput with the reason if refused."""
    limit = int(settings.SSJ_MAX_UPLOAD_BYTES)
    if hasattr(source, "read"):
        if hasattr(source, "seek"):
            source.seek(0)
        data = source.read(limit + 1)
    else:
        with open(source, "rb") as handle:
            data = handle.read(limit + 1)
    if len(data) > limit:
        raise InvalidInput(
            f"文件过大：最大允许 {limit / 1048576:.0f} MB", code="plan.annex_too_large"
        )
    if not data:
        raise InvalidInput("文件是空的", code="plan.annex_empty")
    stream = io.BytesIO(data)
    try:
        check_office_file(stream, ext, LIMITS, EXTENSIONS)
    except GuardError as exc:
        raise InvalidInput(str(exc), code="plan.annex_refused") from None
    return stream


def xlsx_table(source: str | Path | IO[bytes]) -> list[list]:
    from python_calamine import CalamineWorkbook

    stream = _guarded(source, ".xlsx")
    try:
        book = CalamineWorkbook.from_filelike(stream)
        return book.get_sheet_by_index(0).to_python(skip_empty_area=False)
    except Exception:  # noqa: BLE001 - calamine raises various errors for bad files
        raise InvalidInput(
            "无法读取 xlsx 文件：文件已损坏或不是有效的 Excel 文件", code="plan.annex_corrupt"
        ) from None


def docx_table(source: str | Path | IO[bytes]) -> list[list]:
    """The first table of the document whose first cell is 序号."""
    import docx

    stream = _guarded(source, ".docx")
    try:
        document = docx.Document(stream)
        tables = [[[c.text for c in row.cells] for row in t.rows] for t in document.tables]
    except Exception:  # noqa: BLE001 - python-docx and lxml raise many error types
        raise InvalidInput(
            "无法读取 Word 文档：文件已损坏或不是有效的 docx 文件", code="plan.annex_corrupt"
        ) from None
    for cells in tables:
        if cells and cells[0] and _norm(cells[0][0]) == "序号":
            return cells
    raise InvalidInput("docx 中找不到以“序号”开头的表格", code="plan.annex_no_table")


def read_table(source, filename: str = "") -> list[list]:
    """The Annex 1 table of a file (after the guards); the extension must match the content."""
    name = (filename or str(getattr(source, "name", source))).lower()
    ext = Path(name).suffix
    if ext not in EXTENSIONS:
        raise InvalidInput("只接受 .xlsx 或 .docx 文件", code="plan.annex_type")
    return docx_table(source) if ext == ".docx" else xlsx_table(source)


def read_xlsx(source: str | Path | IO[bytes]) -> list[dict]:
    return rows_from_table(xlsx_table(source))


def read_docx(source: str | Path | IO[bytes]) -> list[dict]:
    return rows_from_table(docx_table(source))


def read_rows(source, filename: str = "") -> list[dict]:
    """Rows of an Annex 1 file, or InvalidInput naming the problems."""
    return rows_from_table(read_table(source, filename))


def resolve_rates(row: dict, risk_class) -> dict[str, int]:
    """Rates per class of a parsed row; ``risk_class(row)`` names the class of a single rate."""
    if row["rates"]:
        return row["rates"]
    return {risk_class(row): row["rate_bp"]}


# --------------------------------------------------------------------------- writing


def task_row(task: Task) -> list:
    items = task.items_text or " ".join(
        f"{n}. {i.title}" for n, i in enumerate(task.check_items.all(), start=1)
    )
    scope = task.scope_text or f"{task.region.name}辖区内{task.industry}"
    cooperating = "、".join(d.name for d in task.cooperating_departments.order_by("code"))
    named = CLASS_IN_NAME.search(task.name)
    if len(task.rates) == 1 and named and named.group(1) == task.risk_classes[0]:
        rate = bp_to_percent(next(iter(task.rates.values())))
    else:
        rate = "、".join(f"{k}类{bp_to_percent(v)}" for k, v in sorted(task.rates.items()))
    return [
        task.number,
        task.name,
        task.domain,
        items,
        scope,
        task.initiating_department.name,
        cooperating,
        rate,
    ]


def annex_title(plan: Plan) -> str:
    return f"附件 1：{plan.title}"


def _rows(plan: Plan) -> list[list]:
    tasks = plan.tasks.select_related("initiating_department", "region").prefetch_related(
        "cooperating_departments", "check_items"
    )
    return [task_row(t) for t in tasks.order_by("number")]


def write_xlsx(plan: Plan) -> bytes:
    import xlsxwriter

    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False})
    sheet = book.add_worksheet("附件1")
    title = book.add_format({"bold": True, "font_size": 14})
    head = book.add_format({"bold": True, "border": 1, "align": "center", "bg_color": "#EEF1F5"})
    body = book.add_format({"border": 1, "text_wrap": True, "valign": "top"})
    sheet.write_string(0, 0, safe_cell(annex_title(plan)), title)
    for col, name in enumerate(COLUMNS):
        sheet.write_string(1, col, name, head)
    for r, row in enumerate(_rows(plan), start=2):
        sheet.write_number(r, 0, row[0], body)
        for col, value in enumerate(row[1:], start=1):
            sheet.write_string(r, col, safe_cell(str(value)), body)
    for col, width in enumerate((6, 40, 28, 40, 30, 24, 24, 10)):
        sheet.set_column(col, col, width)
    book.close()
    return buffer.getvalue()


def write_docx(plan: Plan) -> bytes:
    import docx
    from docx.enum.section import WD_ORIENT
    from docx.shared import Pt

    document = docx.Document()
    section = document.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = section.page_height, section.page_width
    heading = document.add_paragraph()
    run = heading.add_run(annex_title(plan))
    run.bold = True
    run.font.size = Pt(14)
    if plan.doc_number:
        document.add_paragraph(f"{plan.office}　{plan.doc_number}")
    table = document.add_table(rows=1, cols=len(COLUMNS))
    table.style = "Table Grid"
    for cell, name in zip(table.rows[0].cells, COLUMNS):
        cell.text = name
    for row in _rows(plan):
        cells = table.add_row().cells
        for cell, value in zip(cells, row):
            cell.text = str(value)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
