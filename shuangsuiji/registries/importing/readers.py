"""Reading .xlsx, .xls and .csv files into rows numbered as the user sees them.

Spreadsheets are read with python-calamine (fast, no formulas evaluated), after
:mod:`.guards` has checked them in bounded memory (zip bombs, used range, row limit,
formula cells). CSV is streamed: the encoding is UTF-8 with BOM (when present), then the
first of UTF-8 and GB18030 (a superset of GBK) that decodes the whole file; a file that
none decodes, UTF-16 (with or without BOM: NUL bytes), binary data, or Big5 (which
GB18030 turns into rare characters and kana) is refused rather than guessed.
"""

from __future__ import annotations

import codecs
import csv
from dataclasses import dataclass, field
from pathlib import Path

from .guards import CORRUPT, GuardError, Limits, row_limit_message, scan_xls, scan_xlsx

ALLOWED_EXTENSIONS = (".xlsx", ".xls", ".csv")
CSV_ENCODINGS = ("utf-8", "gb18030")
ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
BLOCK = 1 << 20
ENCODING_HINT = "请另存为 UTF-8 或 GBK（GB18030）编码"


class ReadError(ValueError):
    """The file cannot be read at all (Chinese message for the user); ``row`` if known."""

    def __init__(self, message: str, row: int = 0):
        super().__init__(message)
        self.row = row


@dataclass
class Table:
    header: list[object]
    header_row: int
    rows: list[tuple[int, list[object]]]  # (row number as shown in the spreadsheet, cells)
    encoding: str = ""
    # Formula cells of the sheet: (row number, column index, formula text).
    formulas: list[tuple[int, int, str]] = field(default_factory=list)
    # Merged ranges as ((first row, first col), (last row, last col)), 1-based rows.
    merged: list[tuple[tuple[int, int], tuple[int, int]]] = field(default_factory=list)
    # A few non-blank rows after the header (row number, cells), to explain header errors.
    lookahead: list[tuple[int, list[object]]] = field(default_factory=list)


def extension(filename: str) -> str:
    return Path(filename).suffix.lower()


def check_extension(filename: str) -> str:
    ext = extension(filename)
    if ext not in ALLOWED_EXTENSIONS:
        raise ReadError(f"不支持的文件类型“{ext or '无扩展名'}”：请上传 .xlsx、.xls 或 .csv 文件")
    return ext


# --- CSV encodings --------------------------------------------------------------------


def _suspicious(ch: str) -> bool:
    """Characters that GB18030 makes out of Big5 bytes, but Chinese GBK text rarely has."""
    code = ord(ch)
    if (
        0xE000 <= code <= 0xF8FF  # private use (GBK user-defined areas)
        or 0x3040 <= code <= 0x30FF  # kana
        or 0x0370 <= code <= 0x04FF  # Greek, Cyrillic
        or 0x2500 <= code <= 0x257F  # box drawing
        or 0x3100 <= code <= 0x312F  # bopomofo
        or 0xFE30 <= code <= 0xFE4F  # vertical forms
    ):
        return True
    if 0x4E00 <= code <= 0x9FFF:
        try:
            ch.encode("gb2312")
        except UnicodeEncodeError:
            return True  # in GBK but not among the 6,763 common characters
    return False


def looks_like_big5(text: str) -> bool:
    wide = [ch for ch in text if ord(ch) > 0x7F]
    odd = sum(1 for ch in wide if _suspicious(ch))
    return odd >= 5 and odd * 4 >= len(wide)


def _decodes(path: Path, encoding: str, skip: int = 0) -> bool:
    decoder = codecs.getincrementaldecoder(encoding)()
    with open(path, "rb") as handle:
        handle.seek(skip)
        try:
            for block in iter(lambda: handle.read(BLOCK), b""):
                decoder.decode(block)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return False
    return True


def _has_nul(path: Path) -> bool:
    with open(path, "rb") as handle:
        return any(b"\x00" in block for block in iter(lambda: handle.read(BLOCK), b""))


def detect_encoding(path: Path) -> str:
    """The CSV file's encoding (Python codec name), checked over the whole file."""
    with open(path, "rb") as handle:
        head = handle.read(4096)
    if head.startswith(ZIP_MAGIC) or head.startswith(OLE_MAGIC):
        kind = "xlsx" if head.startswith(ZIP_MAGIC) else "xls"
        raise ReadError(
            f"文件内容是 Excel 电子表格（{kind}），但扩展名是 .csv：请把扩展名改为 .{kind}"
        )
    if head.startswith(codecs.BOM_UTF8):
        if not _decodes(path, "utf-8", 3):
            raise ReadError("文件以 UTF-8 BOM 开头，但内容不是有效的 UTF-8 编码：" + ENCODING_HINT)
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        # Excel's "Unicode text" export; refused so that one rule covers every CSV.
        raise ReadError("无法识别 CSV 文件的编码：文件是 UTF-16（Unicode）编码，" + ENCODING_HINT)
    if _has_nul(path):
        raise ReadError(
            "文件中含有空字符（NUL）：可能是没有 BOM 的 UTF-16 编码，或者不是文本文件；"
            + ENCODING_HINT
        )
    for encoding in CSV_ENCODINGS:
        if _decodes(path, encoding):
            if encoding == "gb18030":
                with open(path, encoding=encoding, newline="") as handle:
                    if looks_like_big5(handle.read(65536)):
                        raise ReadError(
                            "文件看起来是 Big5（繁体中文）编码，按 GBK 读出来是乱码，已拒绝；"
                            + ENCODING_HINT
                        )
            return encoding
    raise ReadError("无法识别 CSV 文件的编码：" + ENCODING_HINT)


def decode_csv(data: bytes) -> tuple[str, str]:
    """Return (text, encoding name) for CSV bytes held in memory (same rules as files)."""
    import tempfile

    with tempfile.NamedTemporaryFile(suffix=".csv") as handle:
        handle.write(data)
        handle.flush()
        encoding = detect_encoding(Path(handle.name))
    return data.decode(encoding), encoding


# --- Tables ---------------------------------------------------------------------------


def _is_blank(cells: list[object]) -> bool:
    return all(c is None or (isinstance(c, str) and not c.strip()) for c in cells)


LOOKAHEAD = 5


def _table(numbered, limits: Limits, encoding: str = "") -> Table:
    """Header = first non-blank row; blank rows skipped; the row limit checked as rows come."""
    table = None
    last_allowed = limits.rows + 1
    for number, cells in numbered:
        if _is_blank(cells):
            continue
        if number > last_allowed:
            raise ReadError(row_limit_message(limits, number), number)
        if table is None:
            table = Table(header=cells, header_row=number, rows=[], encoding=encoding)
            continue
        table.rows.append((number, cells))
        if len(table.lookahead) < LOOKAHEAD:
            table.lookahead.append((number, cells))
    if table is None:
        raise ReadError("文件是空的：第一行应为表头，其后每行一条记录")
    return table


def read_csv_file(path: Path, limits: Limits | None = None) -> Table:
    limits = limits or Limits()
    encoding = detect_encoding(path)
    with open(path, encoding=encoding, newline="") as handle:
        sample = handle.read(4096)
        handle.seek(0)
        try:
            dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
        except csv.Error:
            dialect = csv.excel
        reader = csv.reader(handle, dialect)
        try:
            return _table(enumerate(reader, start=1), limits, encoding)
        except csv.Error as exc:
            raise ReadError(
                f"CSV 文件格式错误（第 {reader.line_num} 行）：{exc}", reader.line_num
            ) from None


def read_csv(data: bytes, limits: Limits | None = None) -> Table:
    import tempfile

    with tempfile.NamedTemporaryFile(suffix=".csv") as handle:
        handle.write(data)
        handle.flush()
        return read_csv_file(Path(handle.name), limits)


def _magic(path: Path) -> bytes:
    with open(path, "rb") as handle:
        return handle.read(8)


def read_workbook(path: Path, ext: str = ".xlsx", limits: Limits | None = None) -> Table:
    from python_calamine import CalamineWorkbook

    limits = limits or Limits()
    magic = _magic(path)
    actual = ".xlsx" if magic.startswith(ZIP_MAGIC) else ".xls" if magic == OLE_MAGIC else ""
    if not actual:
        raise ReadError(f"{CORRUPT}（文件开头不是 xlsx 或 xls 的格式标志）")
    if actual != ext:
        raise ReadError(
            f"文件内容是 {actual} 格式，但扩展名是 {ext}：请把扩展名改为 {actual} 后再导入"
        )
    try:
        scan = scan_xlsx(path, limits) if actual == ".xlsx" else scan_xls(path, limits)
    except GuardError as exc:
        raise ReadError(str(exc), exc.row) from None
    try:
        workbook = CalamineWorkbook.from_path(str(path))
        sheet = workbook.get_sheet_by_index(0)
        data = sheet.to_python(skip_empty_area=False)  # starts at A1
        merged = sheet.merged_cell_ranges or []
    except Exception as exc:  # noqa: BLE001 - calamine raises several error types
        raise ReadError(f"{CORRUPT}（{exc}）") from None
    table = _table(enumerate(data, start=1), limits)
    table.formulas = scan.formulas
    table.merged = [((r0 + 1, c0), (r1 + 1, c1)) for (r0, c0), (r1, c1) in merged]
    return table


def read_table(path: Path, filename: str, limits: Limits | None = None) -> Table:
    """Read the first sheet (or the CSV) at ``path``; ``filename`` decides the format."""
    ext = check_extension(filename)
    if ext == ".csv":
        return read_csv_file(Path(path), limits)
    return read_workbook(Path(path), ext, limits)
