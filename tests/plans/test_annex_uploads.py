"""Annex 1 uploads go through the guards (issue 8 item 5): hostile files are refused
with a Chinese reason, quickly and in bounded memory, and never end in a 500."""

from __future__ import annotations

import io
import resource
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from shuangsuiji.core.models import Region
from shuangsuiji.plans import annex
from shuangsuiji.plans.mission import annex_xlsx
from shuangsuiji.plans.models import Plan

from . import hostile_annex
from .fixtures import PLAN_OPTIONS

URL = "plans:plan-import"


def _form(name: str, data: bytes) -> dict:
    return {
        "file": SimpleUploadedFile(name, data),
        "region": str(Region.objects.get(code="410402").pk),
        "rounding": "ceil-min1",
        "team_mode": "per-inspection",
        "recent_days": "0",
        "industry": "互联网上网服务营业场所",
        **{k: str(v) for k, v in PLAN_OPTIONS.items()},
    }


def _post(client, office, name: str, data: bytes):
    client.force_login(office)
    return client.post(reverse(URL), _form(name, data))


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


@pytest.mark.parametrize(
    ("name", "build", "message"),
    [
        ("far.xlsx", hostile_annex.far_cell_xlsx, "行数超过上限"),
        ("bomb.docx", hostile_annex.docx_bomb, "压缩炸弹"),
        ("liar.docx", hostile_annex.docx_bomb_lying_sizes, "无法读取 Word 文档"),
        ("random.docx", hostile_annex.random_bytes, "文件内容不是"),
        ("random.xlsx", hostile_annex.random_bytes, "文件内容不是"),
        ("sheet.docx", annex_xlsx, "扩展名是 .docx"),
    ],
)
def test_a_hostile_annex_file_is_refused_with_a_reason(client, office, name, build, message):
    data = build()
    before = _peak_rss_mb()
    started = time.monotonic()
    response = _post(client, office, name, data)
    elapsed = time.monotonic() - started
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Plan.objects.exists()
    assert elapsed < 20
    assert _peak_rss_mb() - before < 400  # the far cell alone would ask for 512 GB


def test_the_far_cell_xlsx_is_only_a_few_kilobytes(db):
    assert len(hostile_annex.far_cell_xlsx()) < 5 * 1024
    assert len(hostile_annex.docx_bomb()) < 1024 * 1024


def test_an_annex_file_over_the_size_cap_is_refused(client, office, settings):
    settings.SSJ_MAX_UPLOAD_BYTES = 50 * 1024 * 1024
    data = annex_xlsx() + b"\0" * (60 * 1024 * 1024)
    response = _post(client, office, "big.xlsx", data)
    assert response.status_code == 200
    assert "文件过大" in response.content.decode()
    assert not Plan.objects.exists()


def test_a_valid_annex_file_still_imports(client, office):
    response = _post(client, office, "annex.xlsx", annex_xlsx())
    assert response.status_code in (200, 302)
    assert "文件内容不是" not in response.content.decode()


def test_the_reader_refuses_a_far_cell_without_the_view(db):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="行数超过上限"):
        annex.read_rows(io.BytesIO(hostile_annex.far_cell_xlsx()), "annex.xlsx")


def test_the_exported_annex_neutralises_formulas(office, plan):
    from python_calamine import CalamineWorkbook

    task = plan.tasks.get(number=1)
    task.name = '=HYPERLINK("http://example.invalid","A 类")'
    task.save(update_fields=["name"])
    book = CalamineWorkbook.from_filelike(io.BytesIO(annex.write_xlsx(plan)))
    cells = book.get_sheet_by_index(0).to_python()
    assert cells[2][1] == "'" + task.name
    rows = annex.read_xlsx(io.BytesIO(annex.write_xlsx(plan)))
    assert rows[0]["抽查名称"] == task.name
