"""Annex 1 of the mission document (平新双随机办〔2023〕16号) as data, for the demo,
``ssj plan sample`` and the tests."""

from __future__ import annotations

import io

ITEMS = "1. 对互联网上网服务营业场所检查 2. 对互联网上网服务场所检查"
TITLE = "平顶山市新华区文化广电和旅游局 2023 年度部门联合抽查计划"
OFFICE = "平顶山市新华区部门联合“双随机、一公开”监管工作联席会议办公室"
DOC_NUMBER = "平新双随机办〔2023〕16号"
ROWS = [
    [
        n,
        f"2023 年度新华区 {cls} 类互联网上网服务营业场所联合检查",
        "互联网上网服务营业场所联合检查",
        ITEMS,
        "新华区辖区内互联网上网服务营业场所",
        "新华区文化广电和旅游局",
        "新华公安分局",
        rate,
    ]
    for n, cls, rate in ((1, "A", "1%"), (2, "B", "3%"), (3, "C", "10%"))
]


def annex_xlsx(rows: list[list] | None = None, header: list[str] | None = None) -> bytes:
    """The Annex 1 table as an xlsx file (title row, header row, one row per task)."""
    import openpyxl

    from .annex import COLUMNS

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append([f"附件 1：{TITLE}"])
    sheet.append(list(header or COLUMNS))
    for row in rows if rows is not None else ROWS:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
