"""统一社会信用代码 (unified social credit code, GB 32100-2015) validation.

Pure module: no Django import. Letters are valid as the first characters
(e.g. ``N`` for rural collectives, ``Y`` for trade unions), which some
validators wrongly reject.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from operator import mul

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_VALUE = {ch: i for i, ch in enumerate(ALPHABET)}
_value_of = _VALUE.__getitem__
_ALLOWED = frozenset(ALPHABET)

# GB 11714 organisation code (positions 9-17): 8 body chars + check char.
_ORG_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
_ORG_VALUE = {ch: i for i, ch in enumerate(_ORG_ALPHABET)}


class CreditCodeError(ValueError):
    """Raised with a Chinese message when a code is not a valid credit code."""


@dataclass(frozen=True)
class CreditCode:
    code: str
    warnings: tuple[str, ...] = field(default=())

    @property
    def division(self) -> str:
        """Administrative division code (positions 3-8)."""
        return self.code[2:8]


def normalize(raw: str) -> str:
    """Fold full-width characters, drop white space and upper-case."""
    text = unicodedata.normalize("NFKC", str(raw))
    return "".join(text.split()).upper()


def check_char(body17: str) -> str:
    """Check character for the first 17 characters of a code."""
    total = sum(map(mul, map(_value_of, body17), WEIGHTS))
    return ALPHABET[(31 - total % 31) % 31]


def _org_code_warning(org: str) -> str | None:
    body, check = org[:8], org[8]
    try:
        total = sum(map(mul, map(_ORG_VALUE.__getitem__, body), _ORG_WEIGHTS))
    except KeyError:
        return "组织机构代码部分含有不符合 GB 11714 的字符"
    value = 11 - total % 11
    expected = "0" if value == 11 else "X" if value == 10 else str(value)
    if check != expected:
        return f"组织机构代码部分校验位应为 {expected}（GB 11714），请核实"
    return None


def parse(raw: object) -> CreditCode:
    """Validate and normalise; raise :class:`CreditCodeError` with a Chinese message."""
    if raw is None:
        raise CreditCodeError("统一社会信用代码为空")
    if isinstance(raw, bool) or isinstance(raw, (int, float)):
        raise CreditCodeError(
            "统一社会信用代码被存成了数字（电子表格会把全数字代码转成数值并丢失位数），"
            "请把该列设为文本格式后重新填写"
        )
    raw = str(raw)
    # Fast path for already clean codes (the bulk of any import); else fold and strip.
    code = raw.upper() if len(raw) == 18 and raw.isascii() and raw.isalnum() else normalize(raw)
    if not code:
        raise CreditCodeError("统一社会信用代码为空")
    if len(code) != 18:
        raise CreditCodeError(f"统一社会信用代码应为 18 位，实际为 {len(code)} 位")
    bad = [c for c in code if c not in _VALUE] if not _ALLOWED.issuperset(code) else None
    if bad:
        raise CreditCodeError(
            f"统一社会信用代码含有不允许的字符“{bad[0]}”（不得使用 I、O、Z、S、V）"
        )
    expected = check_char(code[:17])
    if code[17] != expected:
        raise CreditCodeError(
            f"统一社会信用代码校验位错误：第 18 位应为 {expected}，实际为 {code[17]}"
        )
    warning = _org_code_warning(code[8:17])
    return CreditCode(code=code, warnings=(warning,) if warning else ())


def is_valid(raw: object) -> bool:
    try:
        parse(raw)
    except CreditCodeError:
        return False
    return True


def make_code(prefix17: str) -> str:
    """Append the check character to a 17-character body (for synthetic data)."""
    body = normalize(prefix17)
    if len(body) != 17 or any(c not in _VALUE for c in body):
        raise CreditCodeError("需要 17 位合法字符")
    return body + check_char(body)
