"""Spreadsheet safety helpers shared by every export."""

from __future__ import annotations

# The characters a spreadsheet may treat as the start of a formula. Imports strip the
# ``'`` that exports put before them (registries.importing.cells), so both use this set.
FORMULA_PREFIXES = ("=", "+", "-", "@")


def safe_cell(value):
    """Neutralise text that a spreadsheet would run as a formula (CSV/xlsx injection)."""
    if isinstance(value, str) and value[:1] in FORMULA_PREFIXES:
        return "'" + value
    return value
