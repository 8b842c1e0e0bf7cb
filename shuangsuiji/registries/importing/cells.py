"""Turning one spreadsheet cell into a Python value, or a Chinese error message."""

from __future__ import annotations

import datetime
import re
import unicodedata

from shuangsuiji.core.validation import BIDI_CONTROLS, BIDI_MESSAGE
from shuangsuiji.core.xlsx import FORMULA_PREFIXES

NEUTRALISED_PREFIXES = FORMULA_PREFIXES  # the prefixes exports neutralise with a quote
EXCEL_EPOCH = datetime.date(1899, 12, 30)
_TIME = r"(?:T?\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?"  # a midnight time some exports add
_SERIAL = re.compile(r"^(\d{5})(?:\.0+)?$")  # an Excel day number that became text
_DATE_PATTERNS = (
    re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})" + _TIME + "$"),
    re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日?$"),
    re.compile(r"^(\d{4})(\d{2})(\d{2})$"),
)
TRUE_WORDS = {"是", "y", "yes", "true", "1", "√", "✓", "t"}
FALSE_WORDS = {"否", "n", "no", "false", "0", "×", "✗", "f"}


class CellError(ValueError):
    """A cell that cannot be used; the message is shown to the user."""


def is_empty(value: object) -> bool:
    if value.__class__ is str:
        return not value or value.isspace()
    return value is None


def text(value: object, max_length: int | None = None) -> str:
    """Cell as text: numbers without a trailing .0, the export's quote prefix removed."""
    if value.__class__ is str:  # fast path: most cells
        out = value.strip()
        if out[:1] == "'" and out[1:2] in NEUTRALISED_PREFIXES and len(out) > 1:
            out = out[1:]
        if max_length is not None and len(out) > max_length:
            raise CellError(f"内容过长：最多 {max_length} 个字符，实际 {len(out)} 个")
        if BIDI_CONTROLS.search(out) is not None:
            raise CellError(BIDI_MESSAGE)
        return out
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime.datetime):
        value = value.date() if value.time() == datetime.time() else value
    out = str(value).strip()
    if len(out) > 1 and out[0] == "'" and out[1] in NEUTRALISED_PREFIXES:
        out = out[1:]  # undo the export's formula neutralisation
    if max_length is not None and len(out) > max_length:
        raise CellError(f"内容过长：最多 {max_length} 个字符，实际 {len(out)} 个")
    return out


def code(value: object, max_length: int | None = None) -> str:
    """An identifier (certificate number, item code): full-width forms and spaces folded."""
    out = "".join(unicodedata.normalize("NFKC", text(value)).split())
    if max_length is not None and len(out) > max_length:
        raise CellError(f"内容过长：最多 {max_length} 个字符，实际 {len(out)} 个")
    return out


def folded(value: object) -> str:
    return "".join(unicodedata.normalize("NFKC", text(value)).split())


def boolean(value: object) -> bool:
    if isinstance(value, bool):
        return value
    word = folded(value).lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise CellError(f"“{text(value)}”无法识别，应填写“是”或“否”")


def date(value: object) -> datetime.date:
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if 1 <= value < 2958466:  # Excel serial day number
            return EXCEL_EPOCH + datetime.timedelta(days=int(value))
        raise CellError(f"日期“{value}”无法识别，应写成 2024-01-31")
    raw = folded(value)
    serial = _SERIAL.match(raw)
    if serial:
        return date(int(serial.group(1)))
    for pattern in _DATE_PATTERNS:
        match = pattern.match(raw)
        if match:
            try:
                return datetime.date(*(int(g) for g in match.groups()))
            except ValueError:
                raise CellError(f"日期“{raw}”不存在") from None
    raise CellError(f"日期“{raw}”无法识别，应写成 2024-01-31")


def choice(value: object, mapping: dict[str, str], expected: str) -> str:
    word = folded(value)
    found = mapping.get(word) or mapping.get(word.lower())
    if found is None:
        raise CellError(f"“{text(value)}”无效，应为 {expected}")
    return found


def memo(convert):
    """Cache a converter's result (or its error) per cell value: codes repeat a lot."""
    cache: dict = {}

    def cached(value):
        try:
            hit = cache.get(value)
        except TypeError:  # unhashable: no caching
            return convert(value)
        if hit is None:
            try:
                hit = (True, convert(value))
            except CellError as exc:
                hit = (False, str(exc))
            cache[value] = hit
        if hit[0]:
            return hit[1]
        raise CellError(hit[1])

    return cached
