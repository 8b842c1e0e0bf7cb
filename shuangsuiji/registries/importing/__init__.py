"""Imports of the directories (entities, inspectors, conflicts, check items).

Modules: ``readers`` (xlsx/xls/csv decoding), ``schemas`` (columns per kind), ``cells``
and ``validation`` / ``kinds`` (row checks), ``commit`` (bulk writes with history),
``services`` (preview and all-or-nothing import), ``reports`` (template and error
report), ``uploads`` (files kept between preview and commit). See docs/imports.md.
"""

from .schemas import KIND_LABELS, Kind, parse_kind
from .services import UploadError, import_file, preview_import
from .validation import Action, Issue, Plan

__all__ = [
    "KIND_LABELS",
    "Action",
    "Issue",
    "Kind",
    "Plan",
    "UploadError",
    "import_file",
    "parse_kind",
    "preview_import",
]
