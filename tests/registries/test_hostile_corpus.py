"""The hostile input corpus (tests/data/hostile): every file gives a clear error, or
imports correctly, within bounded memory, and writes nothing when it errors.

``expected.json`` names, per file, the kind and the outcome: ``error`` with a Chinese
substring that must appear in the error report (and the row and column when the
problem has one), or ``ok`` with the created counts. The big files (over 50 MB,
1,000,000 rows) are built at test time; their peak memory is measured in a child
process.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.apps import apps
from django.core.management import call_command

from shuangsuiji.audit.models import AuditEntry
from shuangsuiji.registries.importing import import_file
from shuangsuiji.registries.importing.reports import errors_xlsx
from shuangsuiji.registries.models import Entity, RiskRating
from tests import factories
from tests.registries.test_import_support import read_xlsx

CORPUS = Path(__file__).resolve().parents[1] / "data" / "hostile"
EXPECTED = json.loads((CORPUS / "expected.json").read_text(encoding="utf-8"))
COMMITTED = {name: spec for name, spec in EXPECTED["files"].items() if not spec.get("generated")}
GENERATED = {name: spec for name, spec in EXPECTED["files"].items() if spec.get("generated")}
MEMORY_BOUND_MB = 500
ROOT = CORPUS.parents[2]

sys.path.insert(0, str(CORPUS))
import make_corpus  # noqa: E402

sys.path.remove(str(CORPUS))


def _tracked_models():
    """Every table an import may write: the directories, ratings, row history, audit."""
    names = ("entity", "riskrating", "inspector", "conflict", "checkitem")
    models = [m for m in apps.get_app_config("registries").get_models()]
    tracked = [m for m in models if m._meta.model_name.removeprefix("historical") in names]
    return [*tracked, AuditEntry]


def row_counts() -> dict[str, int]:
    return {m._meta.label: m.objects.count() for m in _tracked_models()}


@pytest.fixture
def world(db):
    """Users, departments and the records the conflict files refer to."""
    factories.region()
    culture = factories.department()
    factories.police()
    alice = factories.user("alice", factories.ROLES.JOINT_OFFICE_ADMIN, culture)
    for n in (1, 2, 3):
        factories.inspector(culture, cert=f"HC-000{n}")
        factories.entity(code=factories.credit_code(9000 + n))
    return alice


def report_text(plan) -> str:
    """Everything the user is shown: messages, and the xlsx error report's cells."""
    cells = read_xlsx(errors_xlsx(plan))
    return "\n".join(" ".join(str(c) for c in row if c is not None) for row in cells)


def check_outcome(plan, spec: dict, before: dict[str, int]) -> None:
    if spec["outcome"] == "error":
        assert not plan.committed
        assert plan.errors, "expected an error, the file was accepted"
        assert spec["message"] in report_text(plan), report_text(plan)
        if "row" in spec:
            hits = [e for e in plan.errors if spec["message"] in e.message]
            assert any(e.row == spec["row"] for e in hits), [(e.row, e.message) for e in hits]
        if "column" in spec:
            hits = [e for e in plan.errors if spec["message"] in e.message]
            assert any(e.column == spec["column"] for e in hits), [e.column for e in hits]
        assert row_counts() == before, "an import that errors must write nothing"
        return
    assert plan.errors == [], [(e.row, e.column, e.message) for e in plan.errors]
    assert plan.committed
    created = spec.get("created", 0)
    assert plan.counts == {"created": created, "updated": 0, "unchanged": 0}
    if "warning" in spec:
        assert any(spec["warning"] in w.message for w in plan.warnings), plan.warnings
    after = row_counts()
    model = {"entities": "registries.Entity", "inspectors": "registries.Inspector"}.get(
        spec["kind"],
        {"conflicts": "registries.Conflict", "items": "registries.CheckItem"}.get(spec["kind"]),
    )
    assert after[model] - before[model] == created


def check_values(spec: dict) -> None:
    """Spot checks on what an ``ok`` file stored (decoded names, normalised codes, dates)."""
    for name in spec.get("names", []):
        assert Entity.objects.filter(name=name).exists(), name
    for n in spec.get("codes", []):
        assert Entity.objects.filter(credit_code=factories.credit_code(n)).exists(), n
    if "rating_date" in spec:
        dates = set(
            RiskRating.objects.filter(source__startswith="批量导入").values_list(
                "effective_date", flat=True
            )
        )
        assert dates == {datetime.date.fromisoformat(spec["rating_date"])}
    if "certificates" in spec:
        from shuangsuiji.registries.models import Inspector

        stored = set(Inspector.objects.values_list("certificate_no", flat=True))
        assert set(spec["certificates"]) <= stored, stored
    if "item_codes" in spec:
        from shuangsuiji.registries.models import CheckItem

        stored = set(CheckItem.objects.values_list("code", flat=True))
        assert set(spec["item_codes"]) == stored


@pytest.mark.parametrize("name", sorted(COMMITTED))
def test_hostile_file(world, name):
    spec = COMMITTED[name]
    before = row_counts()
    plan = import_file(world, spec["kind"], CORPUS / name, name)
    check_outcome(plan, spec, before)
    if spec["outcome"] == "ok":
        check_values(spec)


def test_the_corpus_is_complete_small_and_reproducible(tmp_path, monkeypatch):
    on_disk = {p.name for p in CORPUS.iterdir() if p.is_file()} - {
        "make_corpus.py",
        "expected.json",
    }
    assert on_disk == set(COMMITTED)
    assert len(EXPECTED["files"]) >= 40
    assert sum((CORPUS / n).stat().st_size for n in on_disk) < 2 * 1024 * 1024
    monkeypatch.setattr(make_corpus, "HERE", tmp_path)
    assert set(make_corpus.build()) == set(COMMITTED)
    for name in COMMITTED:
        fresh = hashlib.sha256((tmp_path / name).read_bytes()).hexdigest()
        assert fresh == hashlib.sha256((CORPUS / name).read_bytes()).hexdigest(), name


# --- big files: built in tmp_path, peak memory measured in a child process ----------------

BUILDERS = {
    "entities_over_50mb.csv": make_corpus.make_big_csv,
    "entities_1m_rows.csv": make_corpus.make_million_rows_csv,
    "entities_1m_rows.xlsx": make_corpus.make_million_rows_xlsx,
}

MEASURE = """
import json, resource, sys, time
import django
django.setup()
from shuangsuiji.registries.importing.readers import ReadError, read_table
from shuangsuiji.registries.importing.services import check_upload, read_limits
def peak_mb():
    # VmHWM belongs to this process image; ru_maxrss would include the forking parent's.
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            return round(int(line.split()[1]) / 1024)
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
baseline = peak_mb()
start = time.perf_counter()
outcome = "ok"
try:
    check_upload(sys.argv[2], __import__("os").path.getsize(sys.argv[1]), int(sys.argv[3]))
    table = read_table(sys.argv[1], sys.argv[2], read_limits())
    outcome = f"ok: {len(table.rows)} rows"
except Exception as exc:
    outcome = str(exc)
print(json.dumps({
    "outcome": outcome,
    "seconds": round(time.perf_counter() - start, 2),
    "baseline_mb": baseline,
    "peak_mb": peak_mb(),
}, ensure_ascii=False))
"""


def measure(path: Path, max_bytes: int = 50 * 1024 * 1024) -> dict:
    """Read ``path`` in a fresh interpreter; its peak resident memory and time."""
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "shuangsuiji.settings"}
    result = subprocess.run(
        [sys.executable, "-c", MEASURE, str(path), path.name, str(max_bytes)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    figures = json.loads(result.stdout.strip().splitlines()[-1])
    print(f"\n{path.name}: {path.stat().st_size / 1048576:.1f} MB → {figures}")
    return figures


@pytest.mark.parametrize("name", sorted(GENERATED))
def test_big_file_errors_in_bounded_memory_and_writes_nothing(world, tmp_path, name):
    spec = GENERATED[name]
    path = BUILDERS[name](tmp_path / name)
    before = row_counts()
    started = time.perf_counter()
    plan = import_file(world, spec["kind"], path, name)
    assert time.perf_counter() - started < 60
    check_outcome(plan, spec, before)
    figures = measure(path)
    assert spec["message"] in figures["outcome"]
    assert figures["peak_mb"] < MEMORY_BOUND_MB


def test_the_largest_accepted_spreadsheet_reads_in_bounded_memory(tmp_path):
    path = make_corpus.make_million_rows_xlsx(tmp_path / "entities_200k_rows.xlsx", 200_000)
    figures = measure(path)
    assert figures["outcome"] == "ok: 200000 rows"
    assert figures["peak_mb"] < MEMORY_BOUND_MB


def test_the_command_line_applies_the_size_limit_and_can_raise_it(world, tmp_path, capsys):
    path = make_corpus.make_big_csv(tmp_path / "big.csv")
    before = row_counts()
    with pytest.raises(SystemExit) as exc:
        call_command("ssj_import", "entities", str(path))
    assert exc.value.code == 1
    assert "文件过大" in capsys.readouterr().err
    with pytest.raises(SystemExit) as exc:
        call_command("ssj_import", "entities", str(path), "--max-mb", "100")
    assert exc.value.code == 1
    err = capsys.readouterr().err
    assert "文件过大" not in err
    assert "第 200002 行［文件］：文件行数超过上限" in err
    assert row_counts() == before


def test_the_row_limit_follows_the_setting(world, tmp_path, settings):
    settings.SSJ_IMPORT_MAX_ROWS = 3
    path = make_corpus.make_million_rows_csv(tmp_path / "e.csv", 4)
    plan = import_file(world, "entities", path, path.name)
    assert [(e.row, e.column) for e in plan.errors] == [(5, "文件")]
    assert "最多 3 行数据" in plan.errors[0].message
