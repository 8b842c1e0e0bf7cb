"""Benchmark: import a 100,000-row entity xlsx through the real import service.

    python3 bench/import_entities.py                       # SQLite (a fresh file per run)
    DATABASE_URL=postgres://root@127.0.0.1:5432/test python3 bench/import_entities.py

Each run starts from empty directory tables and goes through
``shuangsuiji.registries.importing.import_file`` with everything on: calamine reading,
credit-code validation, region lookup, upsert classification, RiskRating history rows,
django-simple-history rows and one audit record. The baseline is django-import-export's
default ``ModelResource`` with the same columns importing the same rows into the same
table (``import_data(dataset, dry_run=False)``). Prints rows/s (median of the runs) and
the ratio.

On PostgreSQL the bench never touches the named database's tables: it creates (once)
a sibling database ``<name>_bench_import`` and truncates its tables between runs.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

STRATA = (("A", 0.60), ("B", 0.25), ("C", 0.10), ("D", 0.05))
HEADER = ["统一社会信用代码", "名称", "风险等级", "地址", "许可证号", "法定代表人", "联系电话"]
HEADER += ["状态", "行政区划", "行业"]
ORG36 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
REGISTRY_TABLES = (
    "registries_riskrating",
    "registries_historicalentity",
    "registries_entity",
    "audit_auditentry",
)


def org_code(n: int) -> str:
    body = f"{n:08d}"
    value = 11 - sum(ORG36.index(c) * w for c, w in zip(body, (3, 7, 9, 10, 5, 8, 4, 2))) % 11
    return body + ("0" if value == 11 else "X" if value == 10 else str(value))


def generate(path: Path, rows: int, seed: int = 20240603) -> None:
    import xlsxwriter

    from shuangsuiji.creditcode import make_code

    rng = random.Random(seed)
    classes = [c for c, _ in STRATA]
    weights = [w for _, w in STRATA]
    workbook = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    sheet = workbook.add_worksheet()
    sheet.write_row(0, 0, HEADER)
    for i in range(1, rows + 1):
        code = make_code(f"91410402{org_code(i)}")
        sheet.write_row(
            i,
            0,
            [
                code,
                f"平顶山市新华区合成网吧{i:06d}",
                rng.choices(classes, weights)[0],
                f"平顶山市新华区中兴路{i % 300 + 1}号",
                f"410402{i:08d}",
                f"合成法人{i:06d}",
                f"0375-{i % 10000000:07d}",
                "在营",
                "410402",
                "互联网上网服务营业场所",
            ],
        )
    workbook.close()


def configure(args) -> tuple[str, Path]:
    """Point Django at a bench database; return (vendor, temp dir)."""
    tmp = Path(tempfile.mkdtemp(prefix="ssj-bench-"))
    os.environ["SSJ_DATA_DIR"] = str(tmp)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shuangsuiji.settings")
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith(("postgres://", "postgresql://")):
        import psycopg

        base, _, name = url.rpartition("/")
        bench_name = f"{name}_bench_import"
        with psycopg.connect(url, autocommit=True) as conn:
            exists = conn.execute(
                "SELECT 1 FROM pg_database WHERE datname = %s", [bench_name]
            ).fetchone()
            if not exists:
                conn.execute(f'CREATE DATABASE "{bench_name}"')
        os.environ["DATABASE_URL"] = f"{base}/{bench_name}"
        vendor = "postgresql"
    else:
        os.environ.pop("DATABASE_URL", None)
        vendor = "sqlite"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    return vendor, tmp


def reset(vendor: str, template: Path | None) -> None:
    """Empty directory tables (PostgreSQL) or start from a freshly migrated file (SQLite)."""
    from django.db import connection

    if vendor == "sqlite":
        name = Path(connection.settings_dict["NAME"])
        connection.close()
        for suffix in ("", "-wal", "-shm"):
            Path(f"{name}{suffix}").unlink(missing_ok=True)
        shutil.copyfile(template, name)
    else:
        with connection.cursor() as cursor:
            cursor.execute(f"TRUNCATE {', '.join(REGISTRY_TABLES)} RESTART IDENTITY CASCADE")
    from shuangsuiji.core.actors import SystemActor
    from shuangsuiji.onboarding.demo import ensure_mission_organisation

    ensure_mission_organisation(SystemActor("基准测试"))


def run_service(path: Path, rows: int) -> float:
    from shuangsuiji.core.actors import SystemActor
    from shuangsuiji.registries.importing import import_file
    from shuangsuiji.registries.models import Entity, RiskRating

    start = time.perf_counter()
    plan = import_file(SystemActor("基准测试"), "entities", path, path.name)
    elapsed = time.perf_counter() - start
    assert plan.committed, plan.sorted_errors()[:5]
    assert plan.counts["created"] == rows, plan.counts
    assert Entity.objects.count() == rows and RiskRating.objects.count() == rows
    assert Entity.history.count() == rows
    return elapsed


def baseline_resource():
    from import_export import fields, resources, widgets

    from shuangsuiji.core.models import Region
    from shuangsuiji.registries.models import Entity

    keys = [
        "credit_code",
        "name",
        "risk_class",
        "address",
        "license_no",
        "legal_rep",
        "phone",
        "status",
        "region",
        "industry",
    ]

    class EntityResource(resources.ModelResource):
        region = fields.Field(
            attribute="region",
            column_name="region",
            widget=widgets.ForeignKeyWidget(Region, field="code"),
        )

        class Meta:
            model = Entity
            fields = keys
            import_id_fields = ("credit_code",)

    return EntityResource(), keys


def run_baseline(path: Path, rows: int) -> float:
    import tablib
    from python_calamine import CalamineWorkbook

    from shuangsuiji.registries.models import Entity

    resource, keys = baseline_resource()
    data = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()[1 : rows + 1]
    status = {"在营": "operating"}
    dataset = tablib.Dataset(headers=keys)
    for row in data:
        row = list(row)
        row[7] = status.get(row[7], row[7])
        dataset.append(row)
    start = time.perf_counter()
    result = resource.import_data(dataset, dry_run=False)
    elapsed = time.perf_counter() - start
    assert not result.has_errors() and not result.has_validation_errors()
    assert Entity.objects.count() == rows
    return elapsed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--baseline-runs", type=int, default=1)
    parser.add_argument(
        "--baseline-rows", type=int, default=0, help="rows for the baseline (default: all)"
    )
    args = parser.parse_args()
    vendor, tmp = configure(args)
    try:
        from django.db import connection

        template = None
        if vendor == "sqlite":
            connection.close()
            template = tmp / "migrated.sqlite3"
            shutil.copyfile(connection.settings_dict["NAME"], template)
        path = tmp / f"entities-{args.rows}.xlsx"
        t0 = time.perf_counter()
        generate(path, args.rows)
        size = path.stat().st_size / 1048576
        print(
            f"数据库 {vendor}；生成 {args.rows} 行 xlsx（{size:.1f} MB），用时 {time.perf_counter() - t0:.1f} s"
        )
        times = []
        for i in range(args.runs):
            reset(vendor, template)
            elapsed = run_service(path, args.rows)
            times.append(elapsed)
            print(f"  导入服务 第 {i + 1} 次：{elapsed:.2f} s，{args.rows / elapsed:,.0f} 行/秒")
        ours = args.rows / statistics.median(times)
        base_rows = args.baseline_rows or args.rows
        base_times = []
        for i in range(args.baseline_runs):
            reset(vendor, template)
            elapsed = run_baseline(path, base_rows)
            base_times.append(elapsed)
            print(
                f"  django-import-export 第 {i + 1} 次：{elapsed:.2f} s，"
                f"{base_rows / elapsed:,.0f} 行/秒"
            )
        theirs = base_rows / statistics.median(base_times)
        print(
            f"[{vendor}] 导入服务（校验、风险等级历史、行历史、审计全开）："
            f"{ours:,.0f} 行/秒（{args.runs} 次中位数）"
        )
        print(
            f"[{vendor}] django-import-export ModelResource：{theirs:,.0f} 行/秒（{base_rows} 行）"
        )
        print(f"[{vendor}] 倍数：{ours / theirs:.1f}×")
        return 0
    finally:
        from django.db import connection

        connection.close()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
