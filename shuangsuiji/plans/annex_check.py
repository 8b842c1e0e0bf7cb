"""Checking Annex 1 rows against the database: every problem, by row and column.

:func:`check_rows` resolves the departments (code, name, short name, or an alias of a
department of the plan's region — the names a mission document uses, such as
区文化广电和旅游局) and the rates of every row, and lists every problem instead of
stopping at the first. The preview page shows the list; the import refuses to write
while it is not empty.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from shuangsuiji.core.models import Department, Region
from shuangsuiji.registries.models import RiskClass

from .annex import CLASS_IN_NAME, Issue, parse_table, read_table

SEPARATORS = re.compile(r"[、，,；;\s]+")
NOT_FOUND = "找不到部门“{name}”：请先在组织机构中创建，或在部门的“别名”中加上这个名称"


@dataclass
class Checked:
    """Rows ready for the import (each with ``_initiating``, ``_cooperating``,
    ``_rates``) and every problem found."""

    rows: list[dict] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return bool(self.rows) and not self.issues

    def table(self) -> list[tuple]:
        """(row, 序号, 抽查名称, 发起部门, 配合部门, 抽查比例) as the preview shows them."""
        return [
            (
                r.get("_row", ""),
                r["序号"],
                r["抽查名称"],
                r["_initiating"].name,
                "、".join(d.name for d in r["_cooperating"]),
                "、".join(f"{k} 类 {v / 100:g}%" for k, v in sorted(r["_rates"].items())),
            )
            for r in self.rows
        ]


class _RiskClassProblem(ValueError):
    pass


def risk_class_of(row: dict) -> str:
    explicit = (row.get("风险等级") or "").strip().upper().replace("类", "")
    if explicit:
        if explicit not in RiskClass.values:
            raise _RiskClassProblem(f"风险等级“{explicit}”无效，应为 A、B、C 或 D")
        return explicit
    match = CLASS_IN_NAME.search(row.get("抽查名称", ""))
    if not match:
        raise _RiskClassProblem("无法从抽查名称判断风险等级，请增加“风险等级”列")
    return match.group(1)


def _rates(row: dict) -> dict[str, int]:
    if row.get("rates"):
        return row["rates"]
    return {risk_class_of(row): row["rate_bp"]}


def check_rows(rows: list[dict], region: Region | None) -> Checked:
    out = Checked()
    for row in rows:
        number = row.get("_row") or row["序号"]
        ok = True
        initiating = Department.lookup(row["发起部门"], region)
        if initiating is None:
            out.issues.append(Issue(number, "发起部门", NOT_FOUND.format(name=row["发起部门"])))
            ok = False
        cooperating = []
        for name in (n for n in SEPARATORS.split(row.get("配合部门", "") or "") if n):
            department = Department.lookup(name, region)
            if department is None:
                out.issues.append(Issue(number, "配合部门", NOT_FOUND.format(name=name)))
                ok = False
            else:
                cooperating.append(department)
        try:
            rates = _rates(row)
        except _RiskClassProblem as exc:
            column = "风险等级" if row.get("风险等级") else "抽查名称"
            out.issues.append(Issue(number, column, str(exc)))
            ok = False
        if ok:
            out.rows.append(
                {**row, "_initiating": initiating, "_cooperating": cooperating, "_rates": rates}
            )
    return out


def check_file(source, filename: str, region: Region | None) -> Checked:
    """Read (through the upload guards), parse and check an Annex 1 file."""
    rows, issues = parse_table(read_table(source, filename))
    checked = check_rows(rows, region)
    checked.issues = sorted(issues + checked.issues, key=lambda i: (i.row, i.column))
    return checked
