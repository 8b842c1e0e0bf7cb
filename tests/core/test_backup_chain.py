"""A restore refuses a backup whose audit chain was cut, even when its manifest was patched.

The attacker here can rewrite the backup file (members, digests, manifest) but not the
heads this installation published before the restore, nor the copies outsiders keep.
"""

import hashlib
import json
import zipfile

import pytest
import time_machine
from django.core.management import call_command
from django.db import transaction

from shuangsuiji.audit import chain
from shuangsuiji.audit.models import AuditEntry, ChainHead
from shuangsuiji.audit.services import heads_document, record, rewinds, verify_chain
from shuangsuiji.core.actors import SystemActor
from shuangsuiji.core.backup import BackupError, create_backup, restore_backup

pytestmark = pytest.mark.django_db(transaction=True)

AUDIT = "audit.auditentry"
HEADS = "audit.chainhead"


@pytest.fixture
def backup(tmp_path):
    """60 audit rows over two days, then a backup (row 61 is the backup's own)."""
    for day, n in (("2026-03-02", 30), ("2026-03-03", 30)):
        with time_machine.travel(f"{day} 10:00 +0800", tick=False), transaction.atomic():
            for i in range(n):
                record(SystemActor(), "test.action", data={"day": day, "i": i})
    path = tmp_path / "backup.zip"
    with time_machine.travel("2026-03-03 11:00 +0800", tick=False):
        create_backup(path)
    return path


def _members(path) -> tuple[dict, dict]:
    with zipfile.ZipFile(path) as zf:
        manifest = json.loads(zf.read("manifest.json"))
        rows = {
            label: [json.loads(line) for line in zf.read(f"models/{label}.jsonl").splitlines()]
            for label, meta in manifest["models"].items()
            if meta["rows"]
        }
    return manifest, rows


def _write(path, manifest: dict, rows: dict) -> None:
    """Write a backup with every digest and count patched to match the rows given."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for label, meta in manifest["models"].items():
            body = "".join(
                json.dumps(r, ensure_ascii=False, separators=(",", ":")) + "\n"
                for r in rows.get(label, [])
            ).encode("utf-8")
            meta["rows"] = len(rows.get(label, []))
            meta["sha256"] = hashlib.sha256(body).hexdigest()
            zf.writestr(f"models/{label}.jsonl", body)
        zf.writestr("manifest.json", json.dumps(manifest, ensure_ascii=False))


def _audit(manifest, row) -> dict:
    return dict(zip(manifest["models"][AUDIT]["columns"], row, strict=True))


def _cut(src, dst, n: int, *, patch_head: bool, patch_heads_table: bool) -> None:
    manifest, rows = _members(src)
    rows[AUDIT] = rows[AUDIT][:-n]
    last = _audit(manifest, rows[AUDIT][-1])
    if patch_head:
        manifest["audit_head"] = {"seq": last["seq"], "entry_hash": last["entry_hash"]}
    if patch_heads_table:  # the first head past the cut names the new last row instead
        cols = manifest["models"][HEADS]["columns"]
        heads = [dict(zip(cols, h, strict=True)) for h in rows[HEADS]]
        kept = [h for h in heads if h["seq"] <= last["seq"]]
        moved = min((h for h in heads if h["seq"] > last["seq"]), key=lambda h: h["seq"])
        moved.update(seq=last["seq"], entry_hash=last["entry_hash"], at=last["at"])
        rows[HEADS] = [[h[c] for c in cols] for h in [*kept, moved]]
    _write(dst, manifest, rows)


def _empty_installation() -> None:
    AuditEntry.objects.all().delete()
    ChainHead.objects.all().delete()


def test_a_backup_writes_an_audit_row_that_it_holds_itself(backup):
    manifest, rows = _members(backup)
    last = _audit(manifest, rows[AUDIT][-1])
    assert last["action"] == "backup.create" and last["data"] == {"file": "backup.zip"}
    assert manifest["audit_head"]["seq"] == last["seq"] == 61


def test_restoring_the_newest_backup_needs_no_rewind_and_writes_a_restore_row(backup):
    restore_backup(backup)
    last = AuditEntry.objects.order_by("-seq").first()
    assert last.seq == 62 and last.action == "backup.restore"
    assert last.data["restored_head"]["seq"] == 61 and "rewound_from" not in last.data
    assert verify_chain() is None and rewinds() == []


def test_rows_cut_with_digests_patched_are_refused_because_the_head_differs_from_the_manifest(
    backup, tmp_path
):
    cut = tmp_path / "cut.zip"
    _cut(backup, cut, 50, patch_head=False, patch_heads_table=False)
    with pytest.raises(BackupError, match="与清单记载的链头.*不符"):
        restore_backup(cut)
    assert AuditEntry.objects.count() == 61  # nothing changed


def test_rows_cut_with_the_manifest_head_patched_are_refused_by_the_backups_own_heads(
    backup, tmp_path
):
    cut = tmp_path / "cut.zip"
    _cut(backup, cut, 50, patch_head=True, patch_heads_table=False)
    _empty_installation()  # so that only the backup's own heads table can tell
    with pytest.raises(BackupError, match="只有 11 条记录"):
        restore_backup(cut)
    assert AuditEntry.objects.count() == 0


def test_a_fully_patched_backup_is_refused_by_this_installations_published_heads(
    backup, tmp_path, capsys
):
    cut = tmp_path / "cut.zip"
    _cut(backup, cut, 50, patch_head=True, patch_heads_table=True)
    with pytest.raises(SystemExit) as exc:
        call_command("restore", str(cut), "--yes")
    err = capsys.readouterr().err
    assert exc.value.code == 1
    assert "数据库未改变" in err and "只有 11 条记录" in err and "当前系统" in err
    assert "审计链核验通过" not in err
    assert AuditEntry.objects.count() == 61 and verify_chain() is None


def test_into_an_empty_installation_the_published_heads_file_refuses_a_patched_backup(
    backup, tmp_path, capsys
):
    copy = tmp_path / "heads.json"
    copy.write_text(json.dumps(heads_document()), encoding="utf-8")
    cut = tmp_path / "cut.zip"
    _cut(backup, cut, 50, patch_head=True, patch_heads_table=True)
    _empty_installation()
    with pytest.raises(SystemExit) as exc:
        call_command("restore", str(cut), "--yes", "--heads", str(copy))
    assert exc.value.code == 1 and "只有 11 条记录" in capsys.readouterr().err
    assert AuditEntry.objects.count() == 0


def test_a_rewritten_chain_is_refused_even_when_a_rewind_is_allowed(backup, tmp_path):
    """The attacker recomputes every hash after changing row 20: the backup is consistent."""
    manifest, rows = _members(backup)
    cols = manifest["models"][AUDIT]["columns"]
    prev = chain.GENESIS
    forged = []
    for row in rows[AUDIT]:
        row = dict(zip(cols, row, strict=True))
        if row["seq"] == 20:
            row["data"] = {"forged": True}
        row["prev_hash"], row["entry_hash"] = prev, chain.entry_hash(prev, row)
        prev = row["entry_hash"]
        forged.append(row)
    rows[AUDIT] = [[r[c] for c in cols] for r in forged]
    head_cols = manifest["models"][HEADS]["columns"]
    by_seq = {r["seq"]: r["entry_hash"] for r in forged}
    for head in rows[HEADS]:
        head[head_cols.index("entry_hash")] = by_seq[head[head_cols.index("seq")]]
    manifest["audit_head"] = {"seq": forged[-1]["seq"], "entry_hash": forged[-1]["entry_hash"]}
    bad = tmp_path / "forged.zip"
    _write(bad, manifest, rows)
    with pytest.raises(BackupError, match="第 30 条.*分叉"):
        restore_backup(bad, allow_rewind=True)
    assert AuditEntry.objects.get(seq=20).data["i"] == 19


def test_an_older_backup_restores_only_with_allow_rewind_and_the_rewind_is_published(
    backup, tmp_path, capsys
):
    with time_machine.travel("2026-03-04 09:00 +0800", tick=False), transaction.atomic():
        for i in range(5):
            record(SystemActor(), "test.later", data={"i": i})
    with pytest.raises(BackupError, match="--allow-rewind"):
        restore_backup(backup)
    with time_machine.travel("2026-03-04 10:00 +0800", tick=False):
        call_command("restore", str(backup), "--yes", "--allow-rewind")
    assert "审计链已回退" in capsys.readouterr().out
    (rewind,) = rewinds()
    assert rewind["rewound_from"]["seq"] == 66 and rewind["restored_head"]["seq"] == 61
    restore_row = AuditEntry.objects.get(seq=62)
    assert restore_row.action == "backup.restore" and restore_row.data["lost_rows"] == 5
    assert verify_chain() is None
    assert heads_document()["rewinds"] == [rewind]


def test_a_malformed_head_given_to_restore_changes_nothing(backup, capsys):
    with pytest.raises(SystemExit) as exc:
        call_command("restore", str(backup), "--yes", "--head", "61:nothex")
    assert exc.value.code == 1 and "链头格式" in capsys.readouterr().err
    assert AuditEntry.objects.count() == 61


def test_a_heads_table_that_breaks_a_constraint_is_refused_without_a_server_error(backup, tmp_path):
    manifest, rows = _members(backup)
    seq = manifest["models"][HEADS]["columns"].index("seq")
    rows[HEADS][1][seq] = rows[HEADS][0][seq]
    bad = tmp_path / "dup.zip"
    _write(bad, manifest, rows)
    with pytest.raises(BackupError, match="audit.chainhead 的数据无法写入"):
        restore_backup(bad)
    assert AuditEntry.objects.count() == 61
