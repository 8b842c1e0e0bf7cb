"""Long imports are written in short chunks and stay all-or-nothing (issue 8 item 5)."""

from __future__ import annotations

import datetime

import pytest
from django.db import IntegrityError
from django.utils import timezone

from shuangsuiji.audit.models import AuditEntry
from shuangsuiji.core.errors import StateConflict
from shuangsuiji.registries.importing import batches, import_file
from shuangsuiji.registries.models import Entity, ImportBatch, ImportBatchStatus, RiskRating
from tests import factories
from tests.registries.test_import_support import ENTITY_HEADER, entity_rows, write_csv


@pytest.fixture
def district(db):
    return factories.region()


@pytest.fixture
def small_chunks(monkeypatch):
    monkeypatch.setattr(batches, "CHUNK_ROWS", 10)
    monkeypatch.setattr(batches, "PAUSE_SECONDS", 0)


@pytest.fixture
def existing(district):
    """Five entities the import will rename (class A → B) in its first chunk."""
    return [
        factories.entity(code=factories.credit_code(n), name=f"原名{n}", risk_class="A")
        for n in range(1, 6)
    ]


def _rows():
    rows = entity_rows(35, risk="B")
    for n, row in enumerate(rows[:5], start=1):
        row[1] = f"新名{n}"
    return rows


def _chunk_hook(monkeypatch, on_chunk):
    """Run ``on_chunk(number)`` before each chunk is written (as another user would)."""
    real = batches.write_plan
    calls = []

    def write_plan(part, ctx):
        calls.append(len(part.rows))
        on_chunk(len(calls))
        return real(part, ctx)

    monkeypatch.setattr(batches, "write_plan", write_plan)
    return calls


def _snapshot():
    return (
        sorted(Entity.objects.values_list("credit_code", "name", "risk_class")),
        sorted(RiskRating.objects.values_list("entity__credit_code", "risk_class")),
        Entity.history.count(),
    )


def test_a_large_import_is_written_in_several_short_transactions(
    alice, existing, small_chunks, monkeypatch, tmp_path
):
    calls = _chunk_hook(monkeypatch, lambda n: None)
    plan = import_file(
        alice, "entities", write_csv(tmp_path / "a.csv", ENTITY_HEADER, _rows()), "a.csv"
    )
    assert plan.committed and plan.counts == {"created": 30, "updated": 5, "unchanged": 0}
    assert calls == [10, 10, 10, 5]
    batch = ImportBatch.objects.get()
    assert (batch.status, batch.rows_written) == (ImportBatchStatus.COMMITTED, 35)
    assert Entity.objects.count() == 35
    assert set(
        Entity.objects.filter(name__startswith="新名").values_list("risk_class", flat=True)
    ) == {"B"}
    entry = AuditEntry.objects.get(action="registries.import")
    assert entry.data["batch"] == batch.pk


def test_a_failure_in_a_later_chunk_undoes_the_chunks_already_written(
    alice, existing, small_chunks, monkeypatch, tmp_path
):
    before = _snapshot()
    rows = _rows()
    clash = rows[-1][0]  # the last row's code, written in chunk 4

    def another_user_creates_the_same_entity(number):
        if number == 3:
            factories.entity(code=clash, name="别人刚录入的")

    _chunk_hook(monkeypatch, another_user_creates_the_same_entity)
    with pytest.raises(IntegrityError):
        import_file(alice, "entities", write_csv(tmp_path / "a.csv", ENTITY_HEADER, rows), "a.csv")
    Entity.objects.filter(credit_code=clash).delete()
    Entity.history.filter(credit_code=clash).delete()
    RiskRating.objects.filter(entity__credit_code=clash).delete()
    assert _snapshot() == before
    assert ImportBatch.objects.get().status == ImportBatchStatus.ROLLED_BACK
    assert not AuditEntry.objects.filter(action="registries.import").exists()


def test_a_row_changed_by_another_user_after_the_preview_fails_the_import(
    alice, existing, small_chunks, monkeypatch, tmp_path
):
    real_open = batches.open_batch

    def another_user_edits_after_the_preview(plan, ctx):
        Entity.objects.filter(pk=existing[0].pk).update(
            name="刚改的", updated_at=timezone.now() + datetime.timedelta(seconds=1)
        )
        return real_open(plan, ctx)

    monkeypatch.setattr(batches, "open_batch", another_user_edits_after_the_preview)
    with pytest.raises(StateConflict, match="被其他用户修改"):
        import_file(
            alice, "entities", write_csv(tmp_path / "a.csv", ENTITY_HEADER, _rows()), "a.csv"
        )
    assert Entity.objects.count() == 5
    assert Entity.objects.get(pk=existing[0].pk).name == "刚改的"


def test_a_batch_left_writing_by_a_dead_process_is_rolled_back_later(
    alice, existing, small_chunks, monkeypatch, tmp_path
):
    before = _snapshot()

    def the_process_dies(number):
        if number == 3:
            raise KeyboardInterrupt  # the worker is killed mid-import

    _chunk_hook(monkeypatch, the_process_dies)
    monkeypatch.setattr(batches, "_undo_after_failure", lambda batch: None)  # no cleanup ran
    with pytest.raises(KeyboardInterrupt):
        import_file(
            alice, "entities", write_csv(tmp_path / "a.csv", ENTITY_HEADER, _rows()), "a.csv"
        )
    assert Entity.objects.count() == 20  # two chunks of the import are visible
    batch = ImportBatch.objects.get()
    assert batch.status == ImportBatchStatus.WRITING
    assert batches.recover_stale_batches() == []  # still fresh: maybe another server's
    later = timezone.now() + batches.STALE_AFTER + datetime.timedelta(seconds=1)
    assert batches.recover_stale_batches(now=later) == [batch.pk]
    assert _snapshot() == before


BUSY_SCRIPT = r"""
import os, sqlite3, sys
import django
django.setup()
from django.core.management import call_command
call_command("migrate", interactive=False, verbosity=0)
from django.conf import settings
from shuangsuiji.core.actors import SystemActor
from shuangsuiji.core.errors import Busy
from shuangsuiji.registries.importing import import_file
from shuangsuiji.registries.models import Entity, ImportBatch
from tests import factories
factories.region()
holder = sqlite3.connect(settings.DATABASES["default"]["NAME"], isolation_level=None)
holder.execute("BEGIN IMMEDIATE")  # another writer holds the lock for the whole import
try:
    import_file(SystemActor("测试"), "entities", sys.argv[1], "a.csv")
except Busy as exc:
    print("BUSY", exc.code, exc.message)
holder.execute("ROLLBACK")
print("ROWS", Entity.objects.count(), ImportBatch.objects.count())
"""


def test_an_import_against_a_locked_database_says_busy_instead_of_failing(tmp_path):
    import os
    import subprocess
    import sys
    from pathlib import Path

    path = write_csv(tmp_path / "a.csv", ENTITY_HEADER, entity_rows(3))
    root = Path(__file__).resolve().parents[2]
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "SSJ_TEST_DB_NAME")}
    env.update(
        SSJ_DATA_DIR=str(tmp_path / "data"),
        SSJ_SQLITE_TIMEOUT="0.5",
        DJANGO_SETTINGS_MODULE="shuangsuiji.settings",
        PYTHONPATH=str(root),
    )
    done = subprocess.run(
        [sys.executable, "-c", BUSY_SCRIPT, str(path)],
        env=env,
        cwd=root,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert "BUSY import.busy 系统正忙" in done.stdout
    assert "ROWS 0 0" in done.stdout
