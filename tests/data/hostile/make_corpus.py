"""Build the hostile import corpus (issue 5 item 4): ``python3 tests/data/hostile/make_corpus.py``.

Deterministic: the same bytes on every run (fixed dates in the xlsx properties and zip
entries), so the committed files can be checked against a fresh build. ``expected.json``
beside this script names, for each file, the import kind and the expected outcome. The
big files (over 50 MB, 1,000,000 rows) are not committed: the tests build them in a
temporary folder with :func:`make_big_csv`, :func:`make_million_rows_csv` and
:func:`make_million_rows_xlsx`.
"""

from __future__ import annotations

import codecs
import datetime
import io
import struct
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from shuangsuiji.creditcode import make_code  # noqa: E402 - pure module, no Django

HERE = Path(__file__).resolve().parent
FIXED = datetime.datetime(2024, 1, 1)
ZIP_TIME = (2024, 1, 1, 0, 0, 0)
HEADER = ["统一社会信用代码", "名称", "风险等级", "地址", "状态", "行政区划"]


def code(n: int) -> str:
    """Same codes as ``tests.factories.credit_code(n)``."""
    return make_code(f"91410402{n:08d}0")


def rows(count: int, start: int = 1) -> list[list[str]]:
    risk = "ABCD"
    return [
        [
            code(start + i),
            f"测试网吧{start + i:04d}",
            risk[i % 4],
            f"新华路{start + i}号",
            "在营",
            "410402",
        ]
        for i in range(count)
    ]


def csv_text(header, body, sep=",") -> str:
    lines = [sep.join(header)] + [sep.join(str(c) for c in row) for row in body]
    return "\r\n".join(lines) + "\r\n"


def write(name: str, data: bytes | str, encoding: str = "utf-8") -> None:
    path = HERE / name
    path.write_bytes(data if isinstance(data, bytes) else data.encode(encoding))


def xlsx_bytes(header, body, *, formats=None, build=None) -> bytes:
    import xlsxwriter

    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True})
    workbook.set_properties({"created": FIXED})
    sheet = workbook.add_worksheet()
    as_date = workbook.add_format({"num_format": "yyyy-mm-dd"})
    for col, label in enumerate(header):
        sheet.write_string(0, col, label)
    for r, row in enumerate(body, start=1):
        for col, value in enumerate(row):
            if value is None:
                continue
            if isinstance(value, datetime.date):
                sheet.write_datetime(
                    r, col, datetime.datetime.combine(value, datetime.time()), as_date
                )
            elif isinstance(value, int | float):
                sheet.write_number(r, col, value)
            elif isinstance(value, str) and value.startswith("="):
                sheet.write_formula(r, col, value)
            else:
                sheet.write_string(r, col, value)
    if build:
        build(workbook, sheet)
    workbook.close()
    return buffer.getvalue()


def xls_bytes(header, body, far_cell=None) -> bytes:
    import xlwt

    workbook = xlwt.Workbook(encoding="utf-8")
    sheet = workbook.add_sheet("Sheet1")
    for col, label in enumerate(header):
        sheet.write(0, col, label)
    for r, row in enumerate(body, start=1):
        for col, value in enumerate(row):
            sheet.write(r, col, value)
    if far_cell:
        sheet.write(*far_cell, "z")
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# --- hand-built xlsx (for shapes a spreadsheet program would not write) --------------

CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/'
    'package/2006/content-types"><Default Extension="rels" ContentType="application/'
    'vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType='
    '"application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName='
    '"/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.'
    'spreadsheetml.worksheet+xml"/></Types>'
)
ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.'
    'org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.'
    'openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target='
    '"xl/workbook.xml"/></Relationships>'
)
WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/'
    'spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.'
    'org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.'
    'openxmlformats.org/officeDocument/2006/relationships/worksheet" Target='
    '"worksheets/sheet1.xml"/></Relationships>'
)
SHEET_HEAD = (
    '<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/'
    'spreadsheetml/2006/main"><sheetData>'
)
SHEET_TAIL = "</sheetData></worksheet>"


def _cell(ref: str, value: str) -> str:
    value = value.replace("&", "&amp;").replace("<", "&lt;")
    return f'<c r="{ref}" t="inlineStr"><is><t>{value}</t></is></c>'


def _row_xml(number: int, values) -> str:
    cells = "".join(_cell(f"{chr(65 + i)}{number}", v) for i, v in enumerate(values))
    return f'<row r="{number}">{cells}</row>'


def _entry(name: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, ZIP_TIME)
    info.compress_type = zipfile.ZIP_DEFLATED
    return info


def raw_xlsx(target, sheet_parts, level: int = 9) -> None:
    """Write an xlsx whose sheet XML is the concatenation of ``sheet_parts`` (str or bytes)."""
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as archive:
        for name, text in (
            ("[Content_Types].xml", CONTENT_TYPES),
            ("_rels/.rels", ROOT_RELS),
            ("xl/workbook.xml", WORKBOOK),
            ("xl/_rels/workbook.xml.rels", WORKBOOK_RELS),
        ):
            archive.writestr(_entry(name), text)
        with archive.open(_entry("xl/worksheets/sheet1.xml"), "w", force_zip64=True) as sheet:
            for part in sheet_parts:
                sheet.write(part if isinstance(part, bytes) else part.encode())


def raw_xlsx_bytes(sheet_parts, level: int = 9) -> bytes:
    buffer = io.BytesIO()
    raw_xlsx(buffer, sheet_parts, level)
    return buffer.getvalue()


def _whitespace(total: int, block: int = 1 << 20):
    chunk = b" " * block
    for _ in range(total // block):
        yield chunk


def lying_sizes(data: bytes, member: str, declared: int) -> bytes:
    """Patch the member's uncompressed size (local header and central directory)."""
    out = bytearray(data)
    name = member.encode()
    local = out.find(b"PK\x03\x04" + b"\x00" * 0)
    while local != -1:
        name_len = struct.unpack_from("<H", out, local + 26)[0]
        if out[local + 30 : local + 30 + name_len] == name:
            struct.pack_into("<I", out, local + 22, declared)
        local = out.find(b"PK\x03\x04", local + 4)
    central = out.find(b"PK\x01\x02")
    while central != -1:
        name_len = struct.unpack_from("<H", out, central + 28)[0]
        if out[central + 46 : central + 46 + name_len] == name:
            struct.pack_into("<I", out, central + 24, declared)
        central = out.find(b"PK\x01\x02", central + 4)
    return bytes(out)


# --- the corpus ----------------------------------------------------------------------


def build() -> list[str]:
    made: list[str] = []

    def put(name, data, encoding="utf-8"):
        write(name, data, encoding)
        made.append(name)

    five = rows(5, 101)
    # Encodings
    put("entities_utf8.csv", csv_text(HEADER, five))
    put("entities_utf8_bom.csv", "\ufeff" + csv_text(HEADER, rows(5, 111)))
    gbk = rows(5, 121)
    gbk[0][1], gbk[1][1] = "平顶山市新华区星际网吧", "王堃网络会所"
    put("entities_gbk_no_bom.csv", csv_text(HEADER, gbk), "gbk")
    rare = rows(3, 131)
    rare[0][1], rare[1][1] = "𠀀字号网吧（四字节）", "喆犇网吧"
    put("entities_gb18030_four_byte.csv", csv_text(HEADER, rare), "gb18030")
    traditional = rows(5, 141)
    for i, name in enumerate(
        ["臺北網咖", "新華區星際網吧", "建設路網路會所", "衛東區光明網咖", "湛河區聯網中心"]
    ):
        traditional[i][1] = name
        traditional[i][3] = "新華路中段"
        traditional[i][4] = "在營"
    big5_header = ["統一社會信用代碼", "名稱", "風險等級", "地址", "狀態", "行政區劃"]
    put("entities_big5.csv", csv_text(big5_header, traditional), "big5")
    put(
        "entities_big5_english_header.csv",
        csv_text(["credit_code", "name", "risk_class", "address", "status", "region"], traditional),
        "big5",
    )
    put(
        "entities_utf16le_bom.csv", codecs.BOM_UTF16_LE + csv_text(HEADER, five).encode("utf-16-le")
    )
    put(
        "entities_utf16be_bom.csv", codecs.BOM_UTF16_BE + csv_text(HEADER, five).encode("utf-16-be")
    )
    put("entities_utf16le_no_bom.csv", csv_text(HEADER, five).encode("utf-16-le"))
    put("entities_undecodable.csv", csv_text(HEADER, five).encode() + b"\x80\x80\xff\xfe\n")
    put("entities_bom_then_gbk.csv", codecs.BOM_UTF8 + csv_text(HEADER, gbk).encode("gbk"))
    put("entities_semicolons.csv", csv_text(HEADER, rows(4, 151), ";"))
    put("entities_tabs_gbk.csv", csv_text(HEADER, rows(4, 155), "\t"), "gbk")
    put("entities_xlsx_named_csv.csv", xlsx_bytes(HEADER, rows(2, 161)))
    put("entities_empty.csv", b"")
    put("entities_only_blank_lines.csv", "\r\n,,,\r\n\r\n  \r\n")

    # Headers
    put("entities_missing_header.csv", csv_text(five[0], five[1:]))
    put(
        "entities_header_on_second_row.csv",
        "2024年度检查对象名录,,,,,\r\n" + csv_text(HEADER, rows(3, 171)),
    )
    put(
        "entities_title_row_merged.xlsx",
        xlsx_bytes(
            ["2024年度检查对象名录"],
            [HEADER, *rows(3, 175)],
            build=lambda wb, sheet: sheet.merge_range("A1:F1", "2024年度检查对象名录"),
        ),
    )

    def merged_header(wb, sheet):
        sheet.merge_range("D1:E1", "地址")

    put(
        "entities_merged_header_cells.xlsx",
        xlsx_bytes(HEADER[:4], [r[:3] + [r[3], "在营"] for r in rows(3, 181)], build=merged_header),
    )
    put(
        "entities_missing_required_column.csv",
        csv_text(HEADER[:2] + HEADER[3:], [r[:2] + r[3:] for r in five]),
    )
    put("entities_duplicate_column.csv", csv_text(HEADER + ["名称"], [r + ["重复"] for r in five]))
    extra = ["备注", "经办人", *HEADER, "Unnamed: 9"]
    put(
        "entities_extra_columns.csv",
        csv_text(extra, [["备注", "张三", *r, "x"] for r in rows(4, 191)]),
    )
    fullwidth_header = ["ｃｒｅｄｉｔ＿ｃｏｄｅ", "　名　称　", "ＲＩＳＫ_ＣＬＡＳＳ", "行政区划"]
    put(
        "entities_fullwidth_header.csv",
        csv_text(fullwidth_header, [r[:3] + [r[5]] for r in rows(3, 201)]),
    )

    def merged_data(wb, sheet):
        sheet.merge_range("C3:C5", "B")

    merged_rows = rows(5, 211)
    for r in merged_rows[1:4]:
        r[2] = None
    put("entities_merged_data_cells.xlsx", xlsx_bytes(HEADER, merged_rows, build=merged_data))

    # Rows and cells
    blank = rows(4, 221)
    blank[3][2] = "E"
    body = "\r\n".join(
        [
            ",".join(HEADER),
            ",".join(blank[0]),
            "",
            ",,,,,",
            ",".join(blank[1]),
            ",".join(blank[2]),
            "",
            ",".join(blank[3]),
        ]
    )
    put("entities_blank_lines_bad_row.csv", body + "\r\n")
    put(
        "entities_blank_rows.xlsx",
        xlsx_bytes(HEADER, [rows(1, 231)[0], [], [None] * 6, *rows(2, 232), []]),
    )
    wide = rows(4, 241)
    wide[0][0] = "".join(chr(ord(c) + 0xFEE0) for c in wide[0][0])  # full-width
    wide[1][0] = " ".join(wide[1][0][i : i + 6] for i in (0, 6, 12)).lower()  # spaces, lower case
    wide[2][0] = "\u3000" + wide[2][0] + "\u3000"
    wide[3][2] = "Ｃ类"
    put("entities_fullwidth_codes.csv", csv_text(HEADER, wide))
    dup = rows(5, 251)
    dup[4][0] = "".join(chr(ord(c) + 0xFEE0) for c in dup[1][0])  # row 6 = row 3 in full width
    put("entities_duplicate_codes.csv", csv_text(HEADER, dup))
    numeric = rows(3, 261)
    numeric[1][0] = 914104020000026
    put("entities_numeric_codes.xlsx", xlsx_bytes(HEADER, numeric))
    sci = rows(3, 265)
    sci[2][0] = "9.14104E+17"
    put("entities_scientific_codes.csv", csv_text(HEADER, sci))
    formula = rows(3, 271)
    formula[1][1] = '=HYPERLINK("http://example.invalid/","点击领奖")'
    put("entities_formula_cell.xlsx", xlsx_bytes(HEADER, formula))
    formula_ignored = [r + ["=1+1"] for r in rows(2, 275)]
    put("entities_formula_in_ignored_column.xlsx", xlsx_bytes(HEADER + ["备注"], formula_ignored))
    text_formula = rows(3, 281)
    text_formula[0][1] = '"=HYPERLINK(""http://example.invalid/"",""点击"")"'
    text_formula[1][1] = "=1+1"
    text_formula[2][1] = "'@SUM(A1)"
    put("entities_formula_text.csv", csv_text(HEADER, text_formula))
    date_header = HEADER + ["风险等级生效日期"]
    dated = rows(6, 291)
    for row, value in zip(
        dated,
        ["2023-06-30", "2023/6/30", "2023年6月30日", "2023.6.30", "2023-06-30 00:00:00", "45107"],
    ):
        row.append(value)
    put("entities_dates_as_text.csv", csv_text(date_header, dated))
    serial = rows(3, 301)
    serial[0].append(45107)
    serial[1].append(45107.0)
    serial[2].append(datetime.date(2023, 6, 30))
    put("entities_dates_as_serials.xlsx", xlsx_bytes(date_header, serial))
    bad_date = rows(3, 311)
    for row, value in zip(bad_date, ["2023-06-30", "2023-02-30", "明年"]):
        row.append(value)
    put("entities_bad_dates.csv", csv_text(date_header, bad_date))
    put("entities_valid.xls", xls_bytes(HEADER, rows(4, 321)))
    put("entities_valid.xlsx", xlsx_bytes(HEADER, rows(4, 331)))

    # Broken spreadsheets
    good_xlsx = xlsx_bytes(HEADER, rows(50, 341))
    put("entities_truncated.xlsx", good_xlsx[: len(good_xlsx) // 2])
    put("entities_truncated_tail.xlsx", good_xlsx[:-30])
    put(
        "entities_corrupt_sheet_xml.xlsx",
        raw_xlsx_bytes(
            [SHEET_HEAD, '<row r="1"><c r="A1" t="inlineStr"><is><t>统一', b"\xff\xfe<<<"]
        ),
    )
    good_xls = xls_bytes(HEADER, rows(50, 391))
    put("entities_truncated.xls", good_xls[: len(good_xls) // 2])
    put("entities_corrupt.xls", good_xls[:512] + bytes((i * 37) % 256 for i in range(4096)))
    put("entities_not_a_spreadsheet.xlsx", csv_text(HEADER, five))
    put("entities_xls_named_xlsx.xlsx", xls_bytes(HEADER, rows(2, 441)))
    put("entities_empty.xlsx", xlsx_bytes([], []))

    # Bombs
    put(
        "entities_zip_bomb.xlsx",
        raw_xlsx_bytes([SHEET_HEAD, _row_xml(1, HEADER), *_whitespace(100 << 20), SHEET_TAIL]),
    )
    liar = raw_xlsx_bytes(
        [
            SHEET_HEAD,
            _row_xml(1, HEADER),
            *_whitespace(8 << 20),
            _row_xml(2, rows(1, 451)[0]),
            SHEET_TAIL,
        ]
    )
    put("entities_zip_bomb_lying_sizes.xlsx", lying_sizes(liar, "xl/worksheets/sheet1.xml", 4000))
    put(
        "entities_cell_bomb_tall.xlsx",
        raw_xlsx_bytes(
            [
                SHEET_HEAD,
                _row_xml(1, HEADER),
                '<row r="1048576">',
                _cell("A1048576", "x"),
                "</row>",
                SHEET_TAIL,
            ]
        ),
    )
    put(
        "entities_cell_bomb_wide.xlsx",
        raw_xlsx_bytes(
            [
                SHEET_HEAD,
                _row_xml(1, HEADER),
                '<row r="2">',
                _cell("XFD2", "x"),
                "</row>",
                SHEET_TAIL,
            ]
        ),
    )
    put(
        "entities_cell_bomb_mismatched_ref.xlsx",
        raw_xlsx_bytes(
            [
                SHEET_HEAD,
                _row_xml(1, HEADER),
                '<row r="2">',
                _cell("A900000", "x"),
                "</row>",
                SHEET_TAIL,
            ]
        ),
    )
    put("entities_cell_bomb.xls", xls_bytes(HEADER, rows(2, 461), far_cell=(65535, 255)))

    # Other kinds
    put(
        "inspectors_dates_and_fullwidth.xlsx",
        xlsx_bytes(
            ["姓名", "部门", "执法证号", "执法证有效期起", "执法证有效期止", "可任组长"],
            [
                ["李明", "文广旅局", "ＨＣ－０１０１", 43831, "2030/12/31", "是"],
                ["王芳", "410402-WGL", "HC-0102", datetime.date(2020, 1, 1), "2030年12月31日", "Y"],
                ["赵强", "新华区文化广电和旅游局", " HC-0103 ", "2020-01-01", 47483, "否"],
            ],
        ),
    )
    put(
        "inspectors_duplicate_certificates.csv",
        csv_text(
            ["姓名", "部门", "执法证号"],
            [
                ["李明", "文广旅局", "HC-0201"],
                ["王芳", "文广旅局", "HC-0202"],
                ["赵强", "文广旅局", "ＨＣ－０２０１"],
            ],
        ),
    )
    put(
        "inspectors_gbk.csv",
        csv_text(
            ["姓名", "部门", "执法证号", "职务"],
            [["张喆", "文广旅局", "HC-0301", "科长"], ["王堃", "文广旅局", "HC-0302", "科员"]],
        ),
        "gbk",
    )
    put(
        "conflicts_ok.csv",
        csv_text(
            ["执法证号", "统一社会信用代码", "回避事由", "申报日期"],
            [
                ["HC-0001", code(9001), "近亲属经营", "2023年6月30日"],
                ["ＨＣ－０００２", code(9002).lower(), "", "45107"],
            ],
        ),
    )
    put(
        "conflicts_unknown_people.csv",
        csv_text(
            ["执法证号", "统一社会信用代码"],
            [["HC-0001", code(9001)], ["HC-9999", code(9002)], ["HC-0003", code(9999)]],
        ),
    )
    put(
        "items_gbk.csv",
        csv_text(
            ["部门", "编号", "检查内容", "启用"],
            [
                ["文广旅局", "WG-01", "经营许可证检查", "是"],
                ["文广旅局", "ＷＧ－０２", "消防安全检查", "√"],
            ],
        ),
        "gbk",
    )
    put(
        "items_duplicate_codes.xlsx",
        xlsx_bytes(
            ["部门", "编号", "检查内容"],
            [
                ["文广旅局", "WG-11", "甲"],
                ["文广旅局", "WG-12", "乙"],
                ["410402-WGL", "ＷＧ－１１", "丙"],
            ],
        ),
    )
    return made


# --- big files, built at test time ---------------------------------------------------


def _lines(count: int, start: int = 1):
    codes = [code(n) for n in range(start, start + 997)]
    for i in range(count):
        yield f"{codes[i % 997]},大文件网吧{i:07d},{'ABCD'[i % 4]},新华路{i}号,在营,410402\r\n"


def make_million_rows_csv(path: Path, count: int = 1_000_000) -> Path:
    """``count`` short rows (code, name, risk class): 1,000,000 rows stay under 50 MB."""
    codes = [code(n) for n in range(1, 998)]
    with open(path, "w", encoding="utf-8", newline="") as handle:
        handle.write(",".join(HEADER[:3]) + "\r\n")
        for start in range(0, count, 10000):
            handle.write(
                "".join(
                    f"{codes[i % 997]},网吧{i:07d},{'ABCD'[i % 4]}\r\n"
                    for i in range(start, min(start + 10000, count))
                )
            )
    return path


def make_big_csv(path: Path, size: int = 52 * 1024 * 1024) -> Path:
    """A CSV of valid-looking rows, just over ``size`` bytes."""
    with open(path, "w", encoding="utf-8", newline="") as handle:
        handle.write(",".join(HEADER) + "\r\n")
        block = "".join(_lines(10000))
        written = 0
        while written < size:
            handle.write(block)
            written += len(block.encode())
    return path


def make_million_rows_xlsx(path: Path, count: int = 1_000_000, extra: int = 0) -> Path:
    """A real xlsx (inline strings) with ``count`` data rows, written without xlsxwriter."""

    def parts():
        yield SHEET_HEAD
        yield _row_xml(1, HEADER + [f"备注{i}" for i in range(extra)])
        codes = [code(n) for n in range(1, 998)]
        batch = []
        for i in range(count):
            number = i + 2
            batch.append(
                f'<row r="{number}"><c r="A{number}" t="inlineStr"><is><t>{codes[i % 997]}</t></is></c>'
                f'<c r="B{number}" t="inlineStr"><is><t>大文件网吧{i:07d}</t></is></c>'
                f'<c r="C{number}" t="inlineStr"><is><t>{"ABCD"[i % 4]}</t></is></c>'
                f'<c r="F{number}" t="inlineStr"><is><t>410402</t></is></c></row>'
            )
            if len(batch) == 10000:
                yield "".join(batch)
                batch = []
        yield "".join(batch)
        yield SHEET_TAIL

    with open(path, "wb") as handle:
        raw_xlsx(handle, parts(), level=1)
    return path


if __name__ == "__main__":
    names = build()
    total = sum((HERE / n).stat().st_size for n in names)
    print(f"{len(names)} files, {total} bytes")
