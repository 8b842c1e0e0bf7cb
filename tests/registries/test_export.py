"""Exports: template layout, text credit codes, neutralised formulas, lossless round trip."""

from __future__ import annotations

import datetime

import openpyxl
import pytest
from django.core.management import call_command

from shuangsuiji.audit.models import AuditEntry
from shuangsuiji.core.actors import SystemActor
from shuangsuiji.onboarding.demo import load_demo
from shuangsuiji.registries.exporting import export_xlsx
from shuangsuiji.registries.importing import import_file
from shuangsuiji.registries.importing.schemas import COLUMNS, Kind
from shuangsuiji.registries.models import Entity, RiskRating
from tests import factories
from tests.registries.test_import_support import read_xlsx


@pytest.fixture
def demo(db):
    load_demo(SystemActor("测试"))


@pytest.mark.parametrize("kind", list(Kind))
def test_an_export_reimports_unchanged(demo, alice, tmp_path, kind):
    path = tmp_path / f"{kind.value}.xlsx"
    count, _ = export_xlsx(alice, kind, path)
    assert count > 0
    plan = import_file(alice, kind, path, path.name)
    assert plan.errors == []
    assert plan.counts == {"created": 0, "updated": 0, "unchanged": count}


@pytest.mark.parametrize("kind", list(Kind))
def test_the_export_header_is_the_import_templates(demo, alice, tmp_path, kind):
    path = tmp_path / "x.xlsx"
    export_xlsx(alice, kind, path)
    assert read_xlsx(path)[0] == [c.label for c in COLUMNS[kind]]


def test_an_export_has_one_row_per_record(demo, alice, tmp_path):
    path = tmp_path / "e.xlsx"
    export_xlsx(alice, "entities", path)
    rows = read_xlsx(path)[1:]
    assert len(rows) == Entity.objects.count()
    first = Entity.objects.order_by("credit_code").first()
    assert rows[0][:3] == [first.credit_code, first.name, first.risk_class]
    assert rows[0][7] == "在营" and rows[0][8] == "410402"
    assert rows[0][10] == datetime.datetime(2023, 1, 1)


def test_credit_codes_are_text_cells_with_text_format(alice, tmp_path):
    factories.entity(code=factories.creditcode.make_code("91410402000000000"))
    path = tmp_path / "e.xlsx"
    export_xlsx(alice, "entities", path)
    cell = openpyxl.load_workbook(path).worksheets[0]["A2"]
    assert cell.data_type == "s"
    assert cell.number_format == "@"
    assert cell.value.isdigit() and len(cell.value) == 18


def test_text_starting_like_a_formula_is_neutralised_but_codes_and_dates_are_not(alice, tmp_path):
    entity = factories.entity(name='=HYPERLINK("http://x")')
    Entity.objects.filter(pk=entity.pk).update(address="+86 中兴路", legal_rep="@张三", phone="-1")
    path = tmp_path / "e.xlsx"
    export_xlsx(alice, "entities", path)
    row = read_xlsx(path)[1]
    assert row[0] == entity.credit_code
    assert row[1] == '\'=HYPERLINK("http://x")'
    assert (row[3], row[5], row[6]) == ("'+86 中兴路", "'@张三", "'-1")
    assert isinstance(row[10], datetime.datetime)
    cell = openpyxl.load_workbook(path).worksheets[0]["B2"]
    assert cell.data_type == "s"


def test_neutralised_text_reimports_as_the_original_value(alice, tmp_path):
    entity = factories.entity(name="=1+1")
    path = tmp_path / "e.xlsx"
    export_xlsx(alice, "entities", path)
    plan = import_file(alice, "entities", path, path.name)
    assert plan.counts["unchanged"] == 1
    entity.refresh_from_db()
    assert entity.name == "=1+1"


def test_a_reimport_after_a_class_change_appends_one_rating(demo, alice, tmp_path):
    path = tmp_path / "e.xlsx"
    export_xlsx(alice, "entities", path)
    workbook = openpyxl.load_workbook(path)
    sheet = workbook.worksheets[0]
    sheet["C2"] = "D" if sheet["C2"].value != "D" else "A"
    workbook.save(path)
    before = RiskRating.objects.count()
    plan = import_file(alice, "entities", path, path.name)
    assert plan.counts["updated"] == 1
    assert RiskRating.objects.count() == before + 1


def test_every_export_writes_one_audit_record(demo, erin, tmp_path):
    count, content = export_xlsx(erin, "inspectors")
    entry = AuditEntry.objects.filter(action="registries.export").get()
    assert entry.actor == erin
    assert entry.data == {"kind": "inspectors", "rows": count, "file_name": entry.data["file_name"]}
    assert content[:2] == b"PK"


def test_the_export_command_writes_the_file(demo, tmp_path, capsys):
    path = tmp_path / "items.xlsx"
    call_command("ssj_export", "items", str(path))
    assert "已导出" in capsys.readouterr().out
    assert len(read_xlsx(path)) > 1
    assert AuditEntry.objects.filter(action="registries.export").count() == 1
