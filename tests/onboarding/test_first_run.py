"""A fresh data folder, as a new district meets it: ``ssj setup`` then ``ssj import``.

Each command runs in its own process against a new SQLite folder (no ``ssj serve`` first).
"""

from __future__ import annotations

import csv
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

from shuangsuiji.onboarding.demo import demo_credit_codes

ROOT = Path(__file__).resolve().parents[2]


def ssj(tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    env = dict(os.environ)
    env.pop("DATABASE_URL", None)
    env.pop("DJANGO_SETTINGS_MODULE", None)
    env["SSJ_DATA_DIR"] = str(tmp_path / "var")
    env["PYTHONPATH"] = str(ROOT)
    return subprocess.run(
        [sys.executable, "-m", "shuangsuiji.cli", *args],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=240,
    )


def roster(path: Path, rows: int) -> Path:
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["统一社会信用代码", "名称", "风险等级", "行业"])
        for n, code in enumerate(demo_credit_codes(rows, seed=7)):
            industry = "" if n % 4 == 0 else "互联网上网服务营业场所"
            writer.writerow([code, f"新华区第{n + 1}网吧", "ABC"[n % 3], industry])
    return path


def test_setup_then_import_without_a_region_column_imports_every_row(tmp_path):
    setup = ssj(tmp_path, "setup", "--region", "410402")
    assert setup.returncode == 0, setup.stderr
    assert "410402-LXB" in setup.stdout and "410402-WGL" in setup.stdout
    assert f"数据目录：{tmp_path / 'var'}" in setup.stderr

    done = ssj(tmp_path, "import", "entities", str(roster(tmp_path / "roster.csv", 12)))
    assert done.returncode == 0, done.stderr
    assert "共 12 行，新增 12" in done.stdout
    assert "行业为空" in done.stderr  # three rows have no industry: warned, still imported
    assert "Traceback" not in done.stderr + setup.stderr
    with sqlite3.connect(tmp_path / "var" / "ssj.sqlite3") as db:
        regions = db.execute(
            "select r.code, count(*) from registries_entity e join core_region r"
            " on r.id = e.region_id group by r.code"
        ).fetchall()
    assert regions == [("410402", 12)]


def test_a_header_without_data_rows_is_an_error(tmp_path):
    assert ssj(tmp_path, "setup", "--region", "410402").returncode == 0
    path = tmp_path / "empty.csv"
    path.write_text("统一社会信用代码,名称,风险等级\n", encoding="utf-8")
    done = ssj(tmp_path, "import", "entities", str(path))
    assert done.returncode == 1
    assert "文件中没有数据行" in done.stderr


def test_importing_before_any_setup_says_to_run_setup(tmp_path):
    done = ssj(tmp_path, "import", "entities", str(roster(tmp_path / "roster.csv", 2)))
    assert done.returncode == 1
    assert "ssj setup" in done.stderr
    assert "Traceback" not in done.stderr


def test_plan_commands_work_on_a_fresh_folder_without_a_traceback(tmp_path):
    done = ssj(tmp_path, "plan", "list")
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    refused = ssj(tmp_path, "setup", "--region", "999999")
    assert refused.returncode == 1
    assert refused.stderr.strip().splitlines()[-1].startswith("错误：")
    assert "Traceback" not in refused.stderr
