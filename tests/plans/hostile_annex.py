"""Hostile Annex 1 files, built for real at test time (issue 8 item 5).

Built from the same hand-made zip parts as the directory-import corpus
(``tests/data/hostile/make_corpus.py``), so each file is what an attacker would send.
"""

from __future__ import annotations

import io
import sys
import zipfile
from pathlib import Path

HOSTILE = Path(__file__).resolve().parents[1] / "data" / "hostile"
if str(HOSTILE) not in sys.path:
    sys.path.insert(0, str(HOSTILE))

import make_corpus  # noqa: E402

from shuangsuiji.plans.annex import COLUMNS  # noqa: E402


def far_cell_xlsx() -> bytes:
    """A tiny xlsx whose only far cell is XFD1048576: calamine would build a 17 G-cell grid."""
    header = make_corpus._row_xml(1, list(COLUMNS))
    return make_corpus.raw_xlsx_bytes(
        [
            make_corpus.SHEET_HEAD,
            header,
            '<row r="1048576">',
            make_corpus._cell("XFD1048576", "x"),
            "</row>",
            make_corpus.SHEET_TAIL,
        ]
    )


def _docx_parts() -> dict[str, bytes]:
    import docx

    buffer = io.BytesIO()
    document = docx.Document()
    table = document.add_table(rows=1, cols=len(COLUMNS))
    for cell, name in zip(table.rows[0].cells, COLUMNS):
        cell.text = name
    document.save(buffer)
    with zipfile.ZipFile(buffer) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def _zip(parts: dict[str, bytes | list[bytes]]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for name, data in parts.items():
            info = make_corpus._entry(name)
            with archive.open(info, "w", force_zip64=True) as member:
                for block in data if isinstance(data, list) else [data]:
                    member.write(block)
    return buffer.getvalue()


def docx_bomb(padding: int = 200 << 20) -> bytes:
    """A valid docx whose document.xml is padded with whitespace: ~200 KB → 200 MB."""
    parts: dict[str, bytes | list[bytes]] = dict(_docx_parts())
    document = parts["word/document.xml"]
    assert isinstance(document, bytes)
    cut = document.rindex(b"</w:body>")
    parts["word/document.xml"] = [
        document[:cut],
        *make_corpus._whitespace(padding),
        document[cut:],
    ]
    return _zip(parts)


def docx_bomb_lying_sizes(padding: int = 16 << 20) -> bytes:
    """The same bomb with document.xml's sizes in the zip directory patched to 4,000 bytes."""
    return make_corpus.lying_sizes(docx_bomb(padding), "word/document.xml", 4000)


def random_bytes(size: int = 4096, seed: int = 8) -> bytes:
    import random

    return random.Random(seed).randbytes(size)
