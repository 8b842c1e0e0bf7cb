"""Upserts: by credit code, certificate number, (department, code) and (certificate, code)."""

from __future__ import annotations

import datetime

import pytest
import time_machine

from shuangsuiji.audit.models import AuditEntry
from shuangsuiji.audit.services import verify_chain
from shuangsuiji.registries.importing import import_file
from shuangsuiji.registries.models import (
    CheckItem,
    Conflict,
    Entity,
    ImportBatch,
    Inspector,
    RiskRating,
)
from tests import factories
from tests.registries.test_import_support import ENTITY_HEADER, entity_rows, write_csv

TODAY = datetime.datetime(2024, 6, 3, 10, 0, tzinfo=datetime.UTC)


@pytest.fixture
def district(db):
    return factories.region()


def _import(actor, kind, path):
    plan = import_file(actor, kind, path, path.name)
    assert plan.errors == []
    return plan.counts


@time_machine.travel(TODAY, tick=False)
def test_a_changed_class_appends_a_rating_and_unchanged_rows_count_unchanged(
    alice, district, tmp_path
):
    rows = entity_rows(4, risk="A")
    assert _import(alice, "entities", write_csv(tmp_path / "a.csv", ENTITY_HEADER, rows)) == {
        "created": 4,
        "updated": 0,
        "unchanged": 0,
    }
    rows[1][2] = "C"
    counts = _import(alice, "entities", write_csv(tmp_path / "b.csv", ENTITY_HEADER, rows))
    assert counts == {"created": 0, "updated": 1, "unchanged": 3}
    changed = Entity.objects.get(credit_code=rows[1][0])
    assert changed.risk_class == "C"
    assert list(changed.ratings.order_by("pk").values_list("risk_class", flat=True)) == ["A", "C"]
    assert changed.ratings.order_by("pk").last().effective_date == datetime.date(2024, 6, 3)
    assert RiskRating.objects.count() == 5
    assert changed.ratings.order_by("pk").last().created_by == alice


@time_machine.travel(TODAY, tick=False)
def test_a_changed_field_updates_the_entity_and_keeps_its_history(alice, district, tmp_path):
    rows = entity_rows(2)
    _import(alice, "entities", write_csv(tmp_path / "a.csv", ENTITY_HEADER, rows))
    rows[0][3] = "建设路 1 号"
    rows[0][4] = "停业"
    counts = _import(alice, "entities", write_csv(tmp_path / "b.csv", ENTITY_HEADER, rows))
    assert counts == {"created": 0, "updated": 1, "unchanged": 1}
    entity = Entity.objects.get(credit_code=rows[0][0])
    assert (entity.address, entity.status) == ("建设路 1 号", "suspended")
    assert list(entity.history.order_by("history_id").values_list("history_type", "address")) == [
        ("+", "新华路1号"),
        ("~", "建设路 1 号"),
    ]
    assert RiskRating.objects.count() == 2


@time_machine.travel(TODAY, tick=False)
def test_a_rating_date_in_the_future_is_kept_in_history_but_not_yet_current(
    alice, district, tmp_path
):
    header = [*ENTITY_HEADER, "风险等级生效日期", "评级来源"]
    rows = [[*r, "2024-01-01", "2024 年度分类"] for r in entity_rows(1, risk="B")]
    _import(alice, "entities", write_csv(tmp_path / "a.csv", header, rows))
    rows[0][2], rows[0][6] = "D", "2025-01-01"
    _import(alice, "entities", write_csv(tmp_path / "b.csv", header, rows))
    entity = Entity.objects.get()
    assert entity.risk_class == "B"
    assert entity.ratings.count() == 2
    assert entity.ratings.get(risk_class="B").source == "2024 年度分类"


def test_entities_without_a_region_get_the_importers_department_region(alice, district, tmp_path):
    factories.region("410403", "卫东区")
    rows = [r[:3] for r in entity_rows(2)]
    _import(alice, "entities", write_csv(tmp_path / "a.csv", ENTITY_HEADER[:3], rows))
    assert set(Entity.objects.values_list("region__code", flat=True)) == {"410402"}


def test_an_import_writes_one_audit_record_with_kind_file_hash_and_counts(
    alice, district, tmp_path
):
    import hashlib

    path = write_csv(tmp_path / "名录.csv", ENTITY_HEADER, entity_rows(25))
    _import(alice, "entities", path)
    entry = AuditEntry.objects.get(action="registries.import")
    assert entry.data["kind"] == "entities"
    assert entry.data["file_name"] == "名录.csv"
    assert entry.data["sha256"] == hashlib.sha256(path.read_bytes()).hexdigest()
    assert (entry.data["created"], entry.data["updated"], entry.data["unchanged"]) == (25, 0, 0)
    assert AuditEntry.objects.count() == 1
    assert verify_chain() is None


def test_inspectors_upsert_by_certificate_number(alice, culture, tmp_path):
    header = ["姓名", "部门", "执法证号", "在岗", "职务"]
    rows = [["张三", "文广旅局", "WG-1", "是", "队员"], ["李四", "文广旅局", "WG-2", "是", ""]]
    assert _import(alice, "inspectors", write_csv(tmp_path / "a.csv", header, rows))["created"] == 2
    rows[0][4] = "中队长"
    counts = _import(alice, "inspectors", write_csv(tmp_path / "b.csv", header, rows))
    assert counts == {"created": 0, "updated": 1, "unchanged": 1}
    assert Inspector.objects.get(certificate_no="WG-1").title == "中队长"
    assert Inspector.objects.get(certificate_no="WG-1").history.count() == 2


def test_items_upsert_by_department_and_code(alice, culture, police_dept, tmp_path):
    header = ["部门", "编号", "检查内容", "启用"]
    rows = [["文广旅局", "01", "甲", "是"], ["公安分局", "01", "乙", "是"]]
    assert _import(alice, "items", write_csv(tmp_path / "a.csv", header, rows))["created"] == 2
    rows[1][3] = "否"
    counts = _import(alice, "items", write_csv(tmp_path / "b.csv", header, rows))
    assert counts == {"created": 0, "updated": 1, "unchanged": 1}
    assert CheckItem.objects.get(department=police_dept, code="01").active is False


def test_conflicts_upsert_by_certificate_and_credit_code(alice, culture, tmp_path):
    factories.inspector(culture, cert="WG-1")
    entity = factories.entity()
    header = ["执法证号", "统一社会信用代码", "回避事由", "申报日期"]
    rows = [["WG-1", entity.credit_code, "亲属", "2024-03-01"]]
    assert _import(alice, "conflicts", write_csv(tmp_path / "a.csv", header, rows))["created"] == 1
    rows[0][2] = "曾在该场所兼职"
    counts = _import(alice, "conflicts", write_csv(tmp_path / "b.csv", header, rows))
    assert counts == {"created": 0, "updated": 1, "unchanged": 0}
    conflict = Conflict.objects.get()
    assert (conflict.reason, conflict.declared_on) == ("曾在该场所兼职", datetime.date(2024, 3, 1))


def test_new_entities_get_a_history_row_naming_the_importer_and_the_file(alice, district, tmp_path):
    _import(alice, "entities", write_csv(tmp_path / "名录.csv", ENTITY_HEADER, entity_rows(3)))
    history = list(Entity.history.all())
    assert len(history) == 3
    batch = ImportBatch.objects.get()
    assert {(h.history_type, h.history_user_id, h.history_change_reason) for h in history} == {
        ("+", alice.pk, f"批量导入 #{batch.pk}：名录.csv")
    }
    entity = Entity.objects.get(pk=history[0].id)
    assert history[0].name == entity.name and history[0].risk_class == entity.risk_class
    assert entity.created_at == history[0].created_at
    assert RiskRating.objects.get(entity=entity).created_by == alice
