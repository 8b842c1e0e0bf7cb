"""ssj backup / ssj restore round trip on the database the suite runs on."""

import json
import zipfile

import pytest
from django.core.management import call_command
from django.db import transaction

from shuangsuiji.audit.models import AuditEntry
from shuangsuiji.audit.services import record, verify_chain
from shuangsuiji.core.actors import SystemActor
from shuangsuiji.core.backup import BackupError, backup_models, create_backup, restore_backup
from shuangsuiji.onboarding.demo import load_demo
from shuangsuiji.registries.models import Entity, Inspector

pytestmark = pytest.mark.django_db(transaction=True)


def _all_rows() -> dict:
    out = {}
    for model in backup_models():
        fields = [f.attname for f in model._meta.concrete_fields]
        out[model._meta.label_lower] = list(model._base_manager.order_by("pk").values_list(*fields))
    return out


@pytest.fixture
def demo():
    load_demo(SystemActor("测试"))


AUDIT_TABLES = {"audit.auditentry", "audit.chainhead"}


def _business_rows() -> dict:
    return {k: v for k, v in _all_rows().items() if k not in AUDIT_TABLES}


def test_a_round_trip_restores_every_row_equal_and_the_chain_verifies(demo, tmp_path):
    path = tmp_path / "backup.zip"
    manifest = create_backup(path)
    before = _all_rows()  # after the backup's own audit row
    assert manifest["models"]["registries.entity"]["rows"] == 124
    # Damage the live database in several ways, then restore.
    Entity.objects.filter(risk_class="A").delete()
    Inspector.objects.update(name="改过的名字")
    restore_backup(path)
    after = _all_rows()
    assert {k: v for k, v in after.items() if k not in AUDIT_TABLES} == {
        k: v for k, v in before.items() if k not in AUDIT_TABLES
    }
    # The restored chain is the backup's plus the restore's own row.
    assert after["audit.auditentry"][:-1] == before["audit.auditentry"]
    assert AuditEntry.objects.order_by("-seq").first().action == "backup.restore"
    assert verify_chain() is None


def test_new_rows_after_a_restore_get_fresh_primary_keys(demo, tmp_path):
    path = tmp_path / "backup.zip"
    manifest = create_backup(path)
    restore_backup(path)
    with transaction.atomic():
        entry = record(SystemActor(), "test.after-restore")
    assert entry.seq == manifest["audit_head"]["seq"] + 2 and verify_chain() is None


def test_a_corrupted_member_is_refused_and_nothing_changes(demo, tmp_path):
    path = tmp_path / "backup.zip"
    create_backup(path)
    broken = tmp_path / "broken.zip"
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(broken, "w") as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "models/registries.entity.jsonl":
                data = data.replace("网".encode(), b"X", 1)
            dst.writestr(item, data)
    Entity.objects.filter(pk=Entity.objects.first().pk).delete()
    before = _all_rows()
    with pytest.raises(BackupError, match="校验和不符"):
        restore_backup(broken)
    assert _all_rows() == before


def test_a_file_that_is_not_a_backup_is_refused(db, tmp_path):
    path = tmp_path / "x.zip"
    path.write_bytes(b"not a zip")
    with pytest.raises(BackupError, match="不是有效的备份文件"):
        restore_backup(path)


def test_restore_without_yes_changes_nothing(demo, tmp_path):
    path = tmp_path / "backup.zip"
    call_command("backup", str(path))
    with pytest.raises(SystemExit) as exc:
        call_command("restore", str(path))
    assert exc.value.code == 2


@pytest.mark.parametrize(
    "damage",
    [
        lambda m: m.pop("migrations"),
        lambda m: m.update(models=[]),
        lambda m: m.update(audit_head={"seq": "7"}),
        lambda m: m["models"]["registries.entity"].pop("sha256"),
    ],
)
def test_a_manifest_missing_its_parts_is_refused_with_a_chinese_message(demo, tmp_path, damage):
    path = tmp_path / "backup.zip"
    create_backup(path)
    broken = tmp_path / "broken.zip"
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(broken, "w") as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "manifest.json":
                manifest = json.loads(data)
                damage(manifest)
                data = json.dumps(manifest).encode()
            dst.writestr(item, data)
    before = _all_rows()
    with pytest.raises(BackupError, match="备份清单不完整或格式不对"):
        restore_backup(broken)
    assert _all_rows() == before
