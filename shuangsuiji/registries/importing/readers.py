"""Reading .xlsx, .xls and .csv files into rows numbered as the user sees them.

Spreadsheets are read with python-calamine (fast, no formulas evaluated). CSV is
decoded as UTF-8 with BOM (when the BOM is present), then UTF-8, then GB18030 (a
superset of GBK); the first encoding that decodes the whole file wins, and a file
that none decodes is refused rather than guessed.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

ALLOWED_EXTENSIONS = (".xlsx", ".xls", ".csv")
CSV_ENCODINGS = ("utf-8", "gb18030")


class ReadError(ValueError):
    """The file cannot be read at all (Chinese message for the user)."""


@dataclass
class Table:
    header: list[object]
    header_row: int
    rows: list[tuple[int, list[object]]]  # (row number as shown in the spreadsheet, cells)
    encoding: str = ""


def extension(filename: str) -> str:
    return Path(filename).suffix.lower()


def check_extension(filename: str) -> str:
    ext = extension(filename)
    if ext not in ALLOWED_EXTENSIONS:
        raise ReadError(f"不支持的文件类型“{ext or '无扩展名'}”：请上传 .xlsx、.xls 或 .csv 文件")
    return ext


def decode_csv(data: bytes) -> tuple[str, str]:
    """Return (text, encoding name). Order: UTF-8 with BOM, UTF-8, GB18030/GBK."""
    if data.startswith(b"\xef\xbb\xbf"):
        try:
            return data[3:].decode("utf-8"), "utf-8-sig"
        except UnicodeDecodeError:
            raise ReadError("文件以 UTF-8 BOM 开头，但内容不是有效的 UTF-8 编码") from None
    for encoding in CSV_ENCODINGS:
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    raise ReadError("无法识别 CSV 文件的编码：请另存为 UTF-8 或 GBK（GB18030）编码")


def _is_blank(cells: list[object]) -> bool:
    return all(c is None or (isinstance(c, str) and not c.strip()) for c in cells)


def _table(numbered: list[tuple[int, list[object]]], encoding: str = "") -> Table:
    for i, (number, cells) in enumerate(numbered):
        if not _is_blank(cells):
            rows = [(n, c) for n, c in numbered[i + 1 :] if not _is_blank(c)]
            return Table(header=cells, header_row=number, rows=rows, encoding=encoding)
    raise ReadError("文件是空的：第一行应为表头，其后每行一条记录")


def read_csv(data: bytes) -> Table:
    text, encoding = decode_csv(data)
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text, newline=""), dialect)
    try:
        numbered = [(i, row) for i, row in enumerate(reader, start=1)]
    except csv.Error as exc:
        raise ReadError(f"CSV 文件格式错误：{exc}") from None
    return _table(numbered, encoding)


def read_workbook(path: Path) -> Table:
    from python_calamine import CalamineWorkbook

    try:
        workbook = CalamineWorkbook.from_path(str(path))
        sheet = workbook.get_sheet_by_index(0)
        data = sheet.to_python(skip_empty_area=False)  # starts at A1
    except Exception as exc:  # noqa: BLE001 - calamine raises several error types
        raise ReadError(f"无法读取电子表格：文件已损坏或不是 Excel 文件（{exc}）") from None
    numbered = [(i, row) for i, row in enumerate(data, start=1)]
    return _table(numbered)


def read_table(path: Path, filename: str) -> Table:
    """Read the first sheet (or the CSV) at ``path``; ``filename`` decides the format."""
    ext = check_extension(filename)
    if ext == ".csv":
        return read_csv(Path(path).read_bytes())
    return read_workbook(Path(path))
