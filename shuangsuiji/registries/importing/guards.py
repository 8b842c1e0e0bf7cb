"""Checks made on a spreadsheet *before* python-calamine opens it.

calamine builds a dense grid from the first to the last used cell, so a 1.5 KB xlsx
with one cell at XFD1048576 asks for 150 GB (and aborts the process), and a 6 KB xls
with one cell at IV65536 takes 1 GB. Zip archives can also hide gigabytes behind a
few kilobytes. These guards read the file in bounded memory and refuse it with a
Chinese message before calamine sees it:

- xlsx: the zip central directory (entry count, declared sizes, compression ratio);
  then the first worksheet's XML, streamed through :mod:`zipfile` (which stops at the
  declared size and checks the CRC, so a lying directory is caught too), for the last
  row and column really used, the row limit (checked while streaming) and formula cells.
- xls: the OLE2 compound file and its BIFF8 ``Workbook`` stream, record by record, for
  the used range of every sheet (calamine reads all sheets of an xls when opening it)
  and formula cells.
- docx: the zip central directory as for xlsx, then every member read through once in
  bounded memory (size and CRC checked), before python-docx parses it.

:func:`sniff` names a file's type from its content (magic bytes, and for a zip the parts
it holds), so that a file is read as what it is, never as what its name says.
"""

from __future__ import annotations

import posixpath
import re
import struct
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

CORRUPT = "无法读取电子表格：文件已损坏或不是有效的 Excel 文件"


@dataclass(frozen=True)
class Limits:
    rows: int = 200_000  # data rows per file: sheet row numbers up to rows + 1
    columns: int = 1_000
    cells: int = 5_000_000  # rows × columns of the used range (calamine's grid)
    zip_entries: int = 10_000
    zip_total: int = 1 << 30  # declared uncompressed bytes, all entries
    zip_member: int = 512 << 20  # declared uncompressed bytes, one entry
    zip_ratio: int = 200  # uncompressed / compressed, for entries over 1 MiB
    xml_row_bytes: int = 16 << 20  # one <row> element


class GuardError(ValueError):
    """A spreadsheet refused before reading; ``row`` is the sheet row when known."""

    def __init__(self, message: str, row: int = 0):
        super().__init__(message)
        self.row = row


@dataclass
class Scan:
    """What the guard learnt: formula cells as (row, column index, formula text)."""

    max_row: int = 0
    max_column: int = 0
    formulas: list[tuple[int, int, str]] = field(default_factory=list)


def column_letters(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA."""
    out = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        out = chr(65 + rest) + out
    return out


def _column_index(letters: bytes) -> int:
    value = 0
    for ch in letters:
        value = value * 26 + (ch - 64)
    return value - 1


def row_limit_message(limits: Limits, row: int) -> str:
    return (
        f"文件行数超过上限：第 {row} 行仍有内容，每个文件最多 {limits.rows} 行数据"
        f"（另加 1 行表头）；请拆分成多个文件后分别导入"
    )


def _check_extent(scan: Scan, limits: Limits) -> None:
    if scan.max_row > limits.rows + 1:
        raise GuardError(row_limit_message(limits, scan.max_row), scan.max_row)
    if scan.max_column > limits.columns:
        raise GuardError(
            f"表格列数超过上限：用到了第 {scan.max_column} 列（{column_letters(scan.max_column - 1)} 列），"
            f"最多 {limits.columns} 列；请删除多余的列后再导入"
        )
    if scan.max_row * scan.max_column > limits.cells:
        raise GuardError(
            f"表格范围过大：{scan.max_row} 行 × {scan.max_column} 列，超过 {limits.cells} 个单元格；"
            "请删除多余的行和列（或拆分文件）后再导入"
        )


# --- xlsx ---------------------------------------------------------------------------

_P = rb"(?:[A-Za-z_][\w.-]*:)?"  # optional namespace prefix
_ROW = re.compile(rb"<" + _P + rb"row\b([^>]*?)(?:/>|>(.*?)</" + _P + rb"row\s*>)", re.S)
_ROW_START = re.compile(rb"<" + _P + rb"row\b")
_R_ATTR = re.compile(rb'\sr\s*=\s*["\']\s*(\d+)\s*["\']')
_CELL_OPEN = re.compile(rb"<" + _P + rb"c\b")
_CELL_REF = re.compile(rb"<" + _P + rb'c\b[^>]*?\sr\s*=\s*["\']\s*([A-Z]{1,4})(\d{1,8})\s*["\']')
_CELL_FULL = re.compile(rb"<" + _P + rb"c\b([^>]*?)(?:/>|>(.*?)</" + _P + rb"c\s*>)", re.S)
_CELL_R = re.compile(rb'\sr\s*=\s*["\']\s*([A-Z]{1,4})(\d{1,8})\s*["\']')
_FORMULA = re.compile(rb"<" + _P + rb"f\b[^>]*?(?:/>|>(.*?)</" + _P + rb"f\s*>)", re.S)
_ROW_BOUNDARY = re.compile(rb"</" + _P + rb"row\s*>|<" + _P + rb"row\b[^>]*/>")
_R_ATTR_IN_ROW = re.compile(rb"<" + _P + rb'row\b[^>]*?\sr\s*=\s*["\']\s*(\d+)\s*["\']')
_SHEET_DATA_END = re.compile(rb"</" + _P + rb"sheetData\s*>")

# workbook.xml and its relationships, read with patterns (no XML parser on user data).
_SHEET_TAG = re.compile(rb"<" + _P + rb"sheet\b[^>]*>")
_RID_ATTR = re.compile(rb'\s[A-Za-z_][\w.-]*:id\s*=\s*["\']([^"\']+)["\']')
_REL_TAG = re.compile(rb"<" + _P + rb"Relationship\b[^>]*>")
_ID_ATTR = re.compile(rb'\sId\s*=\s*["\']([^"\']+)["\']')
_TARGET_ATTR = re.compile(rb'\sTarget\s*=\s*["\']([^"\']+)["\']')


def _check_zip_directory(archive: zipfile.ZipFile, limits: Limits) -> None:
    infos = archive.infolist()
    if len(infos) > limits.zip_entries:
        raise GuardError(f"{CORRUPT}（压缩包中有 {len(infos)} 个文件，疑似恶意构造）")
    total = 0
    for info in infos:
        total += info.file_size
        ratio = info.file_size / max(info.compress_size, 1)
        if (
            info.file_size > limits.zip_member
            or total > limits.zip_total
            or (info.file_size > 1 << 20 and ratio > limits.zip_ratio)
        ):
            raise GuardError(
                "文件解压后过大，疑似“压缩炸弹”，已拒绝："
                f"{info.filename} 压缩后 {info.compress_size} 字节，解压后声明为 "
                f"{info.file_size} 字节（{ratio:.0f} 倍）"
            )


def _small_member(archive: zipfile.ZipFile, name: str, limit: int = 8 << 20) -> bytes | None:
    try:
        info = archive.getinfo(name)
    except KeyError:
        return None
    if info.file_size > limit:
        raise GuardError(f"{CORRUPT}（{name} 过大）")
    return archive.read(info)


def _first_sheet(archive: zipfile.ZipFile) -> str:
    """The zip path of the first worksheet in workbook order (what calamine reads)."""
    workbook = _small_member(archive, "xl/workbook.xml")
    rels = _small_member(archive, "xl/_rels/workbook.xml.rels")
    if workbook is None or rels is None:
        raise GuardError(f"{CORRUPT}（缺少 xl/workbook.xml，不是 xlsx 文件）")
    sheet = _SHEET_TAG.search(workbook)
    if sheet is None:
        raise GuardError(f"{CORRUPT}（工作簿中没有工作表）")
    rid = _RID_ATTR.search(sheet.group(0))
    targets = {}
    for rel in _REL_TAG.finditer(rels):
        found_id, found_target = _ID_ATTR.search(rel.group(0)), _TARGET_ATTR.search(rel.group(0))
        if found_id and found_target:
            targets[found_id.group(1)] = found_target.group(1).decode("utf-8", "replace")
    target = targets.get(rid.group(1), "") if rid else ""
    if not target:
        raise GuardError(f"{CORRUPT}（找不到第一个工作表）")
    path = target.lstrip("/") if target.startswith("/") else posixpath.join("xl", target)
    return posixpath.normpath(path)


def _row_extent(attrs: bytes, content: bytes, previous: int) -> tuple[int, int, int]:
    """(row number, last row used by a cell, last column used) of one <row> element."""
    found = _R_ATTR.search(attrs)
    number = int(found.group(1)) if found else previous + 1
    refs = _CELL_REF.findall(content)
    cells = len(_CELL_OPEN.findall(content))
    if not cells:
        return number, 0, 0
    top_row, top_col = number, 0
    if refs:
        top_row = max(number, max(int(r) for _, r in refs))
        top_col = max(_column_index(c) for c, _ in refs) + 1
    # Cells without r follow the previous cell: count them as extra columns.
    return number, top_row, top_col + (cells - len(refs))


def _formulas(number: int, content: bytes) -> list[tuple[int, int, str]]:
    out = []
    position = -1
    for cell in _CELL_FULL.finditer(content):
        ref = _CELL_R.search(cell.group(1))
        position = _column_index(ref.group(1)) if ref else position + 1
        body = cell.group(2) or b""
        formula = _FORMULA.search(body)
        if formula:
            text = (formula.group(1) or b"").decode("utf-8", "replace")
            out.append((number, position, "=" + text if text else "（共享公式）"))
    return out


def scan_xlsx(path: Path | IO[bytes], limits: Limits) -> Scan:
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise GuardError(f"{CORRUPT}（不是完整的 xlsx 压缩包：{exc}）") from None
    with archive:
        _check_zip_directory(archive, limits)
        sheet = _first_sheet(archive)
        try:
            with archive.open(sheet) as stream:
                return _scan_sheet_xml(stream, limits)
        except KeyError:
            raise GuardError(f"{CORRUPT}（缺少工作表 {sheet}）") from None
        except (zipfile.BadZipFile, EOFError, OSError, ValueError, NotImplementedError) as exc:
            if isinstance(exc, GuardError):
                raise
            raise GuardError(f"{CORRUPT}（{exc}）") from None


def _scan_rows(scan: Scan, segment: bytes, previous: int, limits: Limits) -> int:
    """Per-row scan (cells without r, formulas): exact but slower. Returns the last row."""
    for match in _ROW.finditer(segment):
        attrs, content = match.group(1), match.group(2) or b""
        number, top_row, top_col = _row_extent(attrs, content, previous)
        previous = number
        if not top_col:
            continue
        scan.max_row = max(scan.max_row, top_row)
        scan.max_column = max(scan.max_column, top_col)
        if scan.max_row > limits.rows + 1 or scan.max_column > limits.columns:
            _check_extent(scan, limits)  # refuse while streaming: memory stays bounded
        if b"f" in content and _FORMULA.search(content):
            scan.formulas.extend(_formulas(number, content))
    return previous


def _scan_segment(scan: Scan, segment: bytes, previous: int, limits: Limits) -> int:
    """Scan whole rows at once when every cell carries its reference and no formula
    appears (the usual case); otherwise fall back to the per-row scan."""
    refs = _CELL_REF.findall(segment)
    if len(refs) != len(_CELL_OPEN.findall(segment)) or _FORMULA.search(segment):
        return _scan_rows(scan, segment, previous, limits)
    numbers = _R_ATTR_IN_ROW.findall(segment)
    if refs:
        top_row = max(map(int, {r for _, r in refs}))
        top_col = max(_column_index(c) for c in {c for c, _ in refs}) + 1
        if top_row > limits.rows + 1 or top_col > limits.columns:
            # Rescan row by row so the refusal names the first row past the limit.
            return _scan_rows(scan, segment, previous, limits)
        scan.max_row = max(scan.max_row, top_row)
        scan.max_column = max(scan.max_column, top_col)
    if numbers:
        return int(numbers[-1])
    return previous + len(_ROW_START.findall(segment))


def _scan_sheet_xml(stream, limits: Limits) -> Scan:
    scan = Scan()
    buffer = b""
    previous = 0
    done = False
    while not done:
        chunk = stream.read(1 << 20)
        done = not chunk
        buffer += chunk
        # Cut after the last complete row; the rest waits for the next chunk.
        cut = 0
        for match in _ROW_BOUNDARY.finditer(buffer, max(0, len(buffer) - (1 << 16))):
            cut = match.end()
        if not cut and len(buffer) > 1 << 16:
            for match in _ROW_BOUNDARY.finditer(buffer):
                cut = match.end()
        if done:
            cut = len(buffer)
        previous = _scan_segment(scan, buffer[:cut], previous, limits)
        buffer = buffer[cut:]
        if _SHEET_DATA_END.search(buffer) or done:
            break
        if len(buffer) > limits.xml_row_bytes:
            raise GuardError(f"{CORRUPT}（第 {previous + 1} 行的数据过长）", previous + 1)
    _check_extent(scan, limits)
    # Read to the end so that zipfile checks the size and CRC of the whole sheet.
    while stream.read(1 << 20):
        pass
    return scan


# --- xls (OLE2 compound file, BIFF8) -------------------------------------------------

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_END = 0xFFFFFFFE
_CELL_RECORDS = {0x0006, 0x00FD, 0x0203, 0x027E, 0x0204, 0x0205, 0x0201, 0x00D6}
_MULTI_RECORDS = {0x00BD, 0x00BE}  # MULRK, MULBLANK
_FORMULA_RECORD = 0x0006
_BOF, _EOF = 0x0809, 0x000A


class _Ole:
    def __init__(self, data: bytes):
        if len(data) < 512 or data[:8] != _OLE_MAGIC:
            raise GuardError(f"{CORRUPT}（不是 xls 文件）")
        self.data = data
        self.size = 1 << struct.unpack_from("<H", data, 0x1E)[0]
        self.mini_size = 1 << struct.unpack_from("<H", data, 0x20)[0]
        if self.size not in (512, 4096) or self.mini_size != 64:
            raise GuardError(f"{CORRUPT}（xls 文件头无效）")
        self.sectors = (len(data) - 512) // self.size
        n_fat, first_dir = struct.unpack_from("<II", data, 0x2C)
        self.cutoff, first_minifat, n_minifat, first_difat, n_difat = struct.unpack_from(
            "<IIIII", data, 0x38
        )
        difat = list(struct.unpack_from("<109I", data, 0x4C))
        sector, seen = first_difat, 0
        while sector < self.sectors and seen < n_difat:
            entries = struct.unpack_from(f"<{self.size // 4}I", self._sector(sector))
            difat.extend(entries[:-1])
            sector, seen = entries[-1], seen + 1
        fat_sectors = [s for s in difat[:n_fat] if s < self.sectors]
        self.fat = [
            x
            for s in fat_sectors
            for x in struct.unpack_from(f"<{self.size // 4}I", self._sector(s))
        ]
        directory = self._chain(first_dir, self.fat, self._sector)
        self.entries = []
        for offset in range(0, len(directory) - 127, 128):
            name_len = struct.unpack_from("<H", directory, offset + 0x40)[0]
            name = directory[offset : offset + min(name_len, 64)].decode("utf-16-le", "replace")
            kind = directory[offset + 0x42]
            start, size = struct.unpack_from("<II", directory, offset + 0x74)
            self.entries.append((name.rstrip("\x00"), kind, start, size))
        root = next((e for e in self.entries if e[1] == 5), None)
        self.mini_stream = self._chain(root[2], self.fat, self._sector) if root else b""
        mini_fat = self._chain(first_minifat, self.fat, self._sector) if n_minifat else b""
        count = len(mini_fat) // 4
        self.mini_fat = list(struct.unpack(f"<{count}I", mini_fat[: count * 4]))

    def _sector(self, n: int) -> bytes:
        start = 512 + n * self.size
        return self.data[start : start + self.size]

    def _mini(self, n: int) -> bytes:
        return self.mini_stream[n * 64 : n * 64 + 64]

    def _chain(self, start: int, table: list[int], read) -> bytes:
        parts, sector, steps = [], start, 0
        while sector != _END and sector < len(table):
            steps += 1
            if steps > len(table):
                raise GuardError(f"{CORRUPT}（xls 扇区链有循环）")
            parts.append(read(sector))
            sector = table[sector]
        return b"".join(parts)

    def stream(self, *names: str) -> bytes:
        for name, kind, start, size in self.entries:
            if kind == 2 and name in names:
                if size < self.cutoff:
                    data = self._chain(start, self.mini_fat, self._mini)
                else:
                    data = self._chain(start, self.fat, self._sector)
                if len(data) < size:
                    raise GuardError(f"{CORRUPT}（xls 文件被截断）")
                return data[:size]
        if any(e[0] == "EncryptedPackage" for e in self.entries):
            raise GuardError("文件设置了打开密码：请取消密码后另存，再导入")
        raise GuardError(f"{CORRUPT}（xls 文件中没有工作簿数据）")


def scan_xls(path: Path | IO[bytes], limits: Limits) -> Scan:
    data = _read_all(path)
    try:
        ole = _Ole(data)
        book = ole.stream("Workbook", "Book")
    except struct.error:
        raise GuardError(f"{CORRUPT}（xls 文件被截断）") from None
    scan = Scan()
    sheet_rows = sheet_cols = sheet = 0
    total_cells = 0
    offset = 0
    while offset + 4 <= len(book):
        kind, length = struct.unpack_from("<HH", book, offset)
        body = book[offset + 4 : offset + 4 + length]
        offset += 4 + length
        if kind == _BOF:
            sheet += 1
            sheet_rows = sheet_cols = 0
        elif kind == _EOF:
            total_cells += sheet_rows * sheet_cols
            sheet_rows = sheet_cols = 0
        elif kind in _CELL_RECORDS and len(body) >= 4:
            row, col = struct.unpack_from("<HH", body)
            sheet_rows, sheet_cols = max(sheet_rows, row + 1), max(sheet_cols, col + 1)
            if kind == _FORMULA_RECORD and sheet == 2:  # first worksheet after the globals
                scan.formulas.append((row + 1, col, "（公式）"))
        elif kind in _MULTI_RECORDS and len(body) >= 6:
            row, _first = struct.unpack_from("<HH", body)
            last = struct.unpack_from("<H", body, len(body) - 2)[0]
            sheet_rows, sheet_cols = max(sheet_rows, row + 1), max(sheet_cols, last + 1)
        if sheet == 2:
            scan.max_row = max(scan.max_row, sheet_rows)
            scan.max_column = max(scan.max_column, sheet_cols)
        if sheet_rows * sheet_cols > limits.cells or total_cells > limits.cells:
            break
    _check_extent(scan, limits)
    if total_cells + sheet_rows * sheet_cols > limits.cells:
        raise GuardError(
            f"表格范围过大：工作簿中各工作表合计超过 {limits.cells} 个单元格；"
            "请删除多余的工作表、行和列后再导入"
        )
    return scan


# --- type by content, docx ------------------------------------------------------------

ZIP_MAGIC = b"PK\x03\x04"
DOCX_CORRUPT = "无法读取 Word 文档：文件已损坏或不是有效的 docx 文件"
TYPE_NAMES = {".xlsx": "Excel 工作簿（xlsx）", ".xls": "Excel 97-2003 工作簿（xls）"}
TYPE_NAMES[".docx"] = "Word 文档（docx）"


def _read_all(source: Path | IO[bytes]) -> bytes:
    if hasattr(source, "read"):
        source.seek(0)
        return source.read()
    return Path(source).read_bytes()


def _head(source: Path | IO[bytes], size: int = 8) -> bytes:
    if hasattr(source, "read"):
        source.seek(0)
        head = source.read(size)
        source.seek(0)
        return head
    with open(source, "rb") as handle:
        return handle.read(size)


def sniff(source: Path | IO[bytes]) -> str:
    """ ".xlsx", ".docx", ".xls" from the bytes (a zip by the parts it holds), or ""."""
    head = _head(source)
    if head == _OLE_MAGIC:
        return ".xls"
    if not head.startswith(ZIP_MAGIC):
        return ""
    try:
        with zipfile.ZipFile(source) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return ""
    finally:
        if hasattr(source, "seek"):
            source.seek(0)
    if "xl/workbook.xml" in names:
        return ".xlsx"
    if "word/document.xml" in names:
        return ".docx"
    return ""


def check_type(source: Path | IO[bytes], ext: str, allowed: tuple[str, ...]) -> str:
    """Refuse a file whose content is not one of ``allowed`` or does not match its name."""
    actual = sniff(source)
    wanted = "、".join(TYPE_NAMES.get(a, a) for a in allowed)
    if actual not in allowed:
        raise GuardError(f"文件内容不是{wanted}：文件已损坏，或只是改了扩展名")
    if actual != ext:
        raise GuardError(
            f"文件内容是{TYPE_NAMES[actual]}，但扩展名是 {ext or '（无）'}："
            f"请把扩展名改为 {actual} 后再上传"
        )
    return actual


def check_docx(source: Path | IO[bytes], limits: Limits) -> None:
    """The zip directory, then every member read once (sizes and CRCs checked)."""
    try:
        archive = zipfile.ZipFile(source)
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise GuardError(f"{DOCX_CORRUPT}（{exc}）") from None
    with archive:
        _check_zip_directory(archive, limits)
        try:
            for info in archive.infolist():
                with archive.open(info) as member:
                    while member.read(1 << 20):
                        pass
        except (zipfile.BadZipFile, EOFError, OSError, ValueError, NotImplementedError) as exc:
            raise GuardError(f"{DOCX_CORRUPT}（{info.filename}：{exc}）") from None
    if hasattr(source, "seek"):
        source.seek(0)


def check_office_file(
    source: Path | IO[bytes], ext: str, limits: Limits, allowed: tuple[str, ...]
) -> Scan | None:
    """Type by content, then the checks of that type; the Scan for spreadsheets."""
    actual = check_type(source, ext, allowed)
    if actual == ".docx":
        check_docx(source, limits)
        return None
    scan = scan_xlsx(source, limits) if actual == ".xlsx" else scan_xls(source, limits)
    if hasattr(source, "seek"):
        source.seek(0)
    return scan
