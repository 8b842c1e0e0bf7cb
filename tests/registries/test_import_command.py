"""``ssj import``: exit 0 with a summary, or exit 1 with the error report and no writes."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from shuangsuiji.audit.models import AuditEntry
from shuangsuiji.registries.models import Entity, RiskRating
from tests import factories
from tests.registries.test_import_support import ENTITY_HEADER, entity_rows, write_csv


@pytest.fixture
def district(db):
    return factories.region()


def _counts():
    return (Entity.objects.count(), RiskRating.objects.count(), AuditEntry.objects.count())


@pytest.fixture
def hundred_rows():
    rows = entity_rows(100)
    good = rows[41][0]
    rows[41][0] = good[:-1] + ("0" if good[-1] != "0" else "1")  # wrong check character
    return rows, good


def test_a_file_with_one_bad_code_exits_one_names_the_row_and_writes_nothing(
    district, tmp_path, hundred_rows, capsys
):
    rows, _ = hundred_rows
    path = write_csv(tmp_path / "entities.csv", ENTITY_HEADER, rows)
    before = _counts()
    with pytest.raises(SystemExit) as exc:
        call_command("ssj_import", "entities", str(path))
    assert exc.value.code == 1
    err = capsys.readouterr().err
    assert "第 43 行［统一社会信用代码］" in err
    assert "校验位错误" in err
    assert "未写入任何数据" in err
    assert _counts() == before


def test_the_fixed_file_imports_all_hundred_rows(district, tmp_path, hundred_rows, capsys):
    rows, good = hundred_rows
    rows[41][0] = good
    path = write_csv(tmp_path / "entities.csv", ENTITY_HEADER, rows)
    call_command("ssj_import", "entities", str(path))
    assert "新增 100，更新 0，不变 0" in capsys.readouterr().out
    assert Entity.objects.count() == 100
    assert RiskRating.objects.count() == 100
    entry = AuditEntry.objects.get(action="registries.import")
    assert entry.data["created"] == 100
    assert entry.data["file_name"] == "entities.csv"
    assert len(entry.data["sha256"]) == 64


def test_the_same_file_encoded_gbk_imports_identically(district, tmp_path, hundred_rows):
    rows, good = hundred_rows
    rows[41][0] = good
    call_command("ssj_import", "entities", str(write_csv(tmp_path / "u.csv", ENTITY_HEADER, rows)))
    utf8 = sorted(Entity.objects.values_list("credit_code", "name", "address", "risk_class"))
    Entity.objects.all().delete()
    gbk = write_csv(tmp_path / "g.csv", ENTITY_HEADER, rows, "gbk")
    call_command("ssj_import", "entities", str(gbk))
    assert sorted(Entity.objects.values_list("credit_code", "name", "address", "risk_class")) == (
        utf8
    )


def test_the_ssj_cli_maps_import_and_export_to_these_commands():
    from django.core.management import get_commands

    from shuangsuiji.cli import SHORTCUTS

    commands = get_commands()
    assert commands[SHORTCUTS["import"]] == "shuangsuiji.registries"
    assert commands[SHORTCUTS["export"]] == "shuangsuiji.registries"


def test_dry_run_validates_and_writes_nothing(district, tmp_path, capsys):
    path = write_csv(tmp_path / "e.csv", ENTITY_HEADER, entity_rows(5))
    before = _counts()
    call_command("ssj_import", "entities", str(path), "--dry-run")
    assert "新增 5" in capsys.readouterr().out
    assert _counts() == before


def test_region_option_applies_to_rows_without_a_region(db, tmp_path):
    factories.region("410402")
    factories.region("410403", "卫东区")
    rows = [r[:3] for r in entity_rows(2)]
    path = write_csv(tmp_path / "e.csv", ENTITY_HEADER[:3], rows)
    with pytest.raises(SystemExit):
        call_command("ssj_import", "entities", str(path))
    call_command("ssj_import", "entities", str(path), "--region", "410403")
    assert set(Entity.objects.values_list("region__code", flat=True)) == {"410403"}


def test_as_option_acts_as_the_named_user_and_checks_permission(district, bob, alice, tmp_path):
    path = write_csv(tmp_path / "e.csv", ENTITY_HEADER, entity_rows(2))
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="没有执行此操作的权限"):
        call_command("ssj_import", "entities", str(path), "--as", "bob")
    call_command("ssj_import", "entities", str(path), "--as", "alice")
    assert AuditEntry.objects.get(action="registries.import").actor == alice
