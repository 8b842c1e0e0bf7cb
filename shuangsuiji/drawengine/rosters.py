"""CSV input for the offline CLI: rosters, inspector pools and conflict lists.

Encoding is decided by rule, never by guessing: UTF-8 with BOM, else UTF-8, else GB18030
(a superset of GBK). Anything else is an error.
"""

from __future__ import annotations

import csv
import io
from datetime import date
from pathlib import Path

from shuangsuiji.creditcode import CreditCodeError
from shuangsuiji.creditcode import parse as parse_credit_code

from .assignment import Conflict, Inspector
from .protocol import DrawError

_TRUE = {"1", "true", "yes", "y", "是", "可", "t"}
_FALSE = {"0", "false", "no", "n", "否", "不可", "f", ""}


def decode_csv_bytes(data: bytes, name: str = "CSV") -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError:
        raise DrawError(f"{name} 既不是 UTF-8 也不是 GBK/GB18030 编码") from None


def _rows(path: str | Path, required: tuple[str, ...]) -> list[tuple[int, dict[str, str]]]:
    name = str(path)
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise DrawError(f"无法读取文件 {name}：{exc.strerror}") from None
    reader = csv.reader(io.StringIO(decode_csv_bytes(data, name), newline=""))
    try:
        header = [h.strip().lower() for h in next(reader)]
    except StopIteration:
        raise DrawError(f"{name} 是空文件（需要表头行）") from None
    missing = [c for c in required if c not in header]
    if missing:
        raise DrawError(f"{name} 缺少列：{'、'.join(missing)}（表头为：{','.join(header)}）")
    out: list[tuple[int, dict[str, str]]] = []
    for line, row in enumerate(reader, start=2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) > len(header):
            raise DrawError(f"{name} 第 {line} 行的列数多于表头")
        out.append(
            (line, {h: (row[i].strip() if i < len(row) else "") for i, h in enumerate(header)})
        )
    return out


def read_roster(path: str | Path) -> dict[str, list[str]]:
    """``credit_code,risk_class`` -> {class: [codes]}; invalid or duplicate codes stop."""
    strata: dict[str, list[str]] = {}
    first_line: dict[str, int] = {}
    for line, row in _rows(path, ("credit_code", "risk_class")):
        try:
            code = parse_credit_code(row["credit_code"]).code
        except CreditCodeError as exc:
            raise DrawError(f"{path} 第 {line} 行统一社会信用代码无效：{exc}") from None
        if code in first_line:
            raise DrawError(
                f"{path} 第 {line} 行统一社会信用代码 {code} 与第 {first_line[code]} 行重复"
            )
        first_line[code] = line
        risk = row["risk_class"].strip().upper()
        if not risk:
            raise DrawError(f"{path} 第 {line} 行缺少风险分类 (risk_class)")
        strata.setdefault(risk, []).append(code)
    if not first_line:
        raise DrawError(f"{path} 中没有任何检查对象")
    return strata


def _date(value: str, where: str) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise DrawError(f"{where} 日期格式应为 YYYY-MM-DD：{value!r}") from None


def _periods(value: str, where: str) -> tuple[tuple[date, date], ...]:
    periods: list[tuple[date, date]] = []
    for part in value.replace("；", ";").split(";"):
        part = part.strip()
        if not part:
            continue
        bits = [b.strip() for b in part.replace("～", "~").split("~")]
        if len(bits) == 1:
            bits = bits * 2
        if len(bits) != 2:
            raise DrawError(f"{where} 不可到岗期间应写成 开始~结束，多段用分号分隔：{part!r}")
        a, b = _date(bits[0], where), _date(bits[1], where)
        if a is None or b is None or a > b:
            raise DrawError(f"{where} 不可到岗期间无效：{part!r}")
        periods.append((a, b))
    return tuple(sorted(periods))


def read_inspectors(path: str | Path) -> list[Inspector]:
    """``certificate_no,department,may_lead,valid_from,valid_to[,unavailable]``."""
    pool: list[Inspector] = []
    seen: dict[str, int] = {}
    cols = ("certificate_no", "department", "may_lead", "valid_from", "valid_to")
    for line, row in _rows(path, cols):
        where = f"{path} 第 {line} 行"
        cert = row["certificate_no"]
        if not cert:
            raise DrawError(f"{where} 缺少执法证号")
        if cert in seen:
            raise DrawError(f"{where} 执法证号 {cert} 与第 {seen[cert]} 行重复")
        seen[cert] = line
        lead = row["may_lead"].lower()
        if lead not in _TRUE | _FALSE:
            raise DrawError(f"{where} may_lead 应为 1/0（是/否）：{row['may_lead']!r}")
        if not row["department"]:
            raise DrawError(f"{where} 缺少部门代码")
        pool.append(
            Inspector(
                id=cert,
                department=row["department"],
                may_lead=lead in _TRUE,
                certificate_valid_from=_date(row["valid_from"], where),
                certificate_valid_to=_date(row["valid_to"], where),
                unavailable=_periods(row.get("unavailable", ""), where),
            )
        )
    return pool


def read_conflicts(path: str | Path) -> list[Conflict]:
    """``certificate_no,credit_code`` (one avoidance pair per row)."""
    out: list[Conflict] = []
    for line, row in _rows(path, ("certificate_no", "credit_code")):
        try:
            code = parse_credit_code(row["credit_code"]).code
        except CreditCodeError as exc:
            raise DrawError(f"{path} 第 {line} 行统一社会信用代码无效：{exc}") from None
        if not row["certificate_no"]:
            raise DrawError(f"{path} 第 {line} 行缺少执法证号")
        out.append(Conflict(row["certificate_no"], code))
    return out
