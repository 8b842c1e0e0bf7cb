"""Benchmark: how long other writes wait while a large entity import runs (SQLite).

    python3 bench/import_lock.py                 # 300,000 rows, both modes
    python3 bench/import_lock.py --rows 50000 --mode chunked

A second process writes one small transaction (an entity's phone number) every 50 ms
while the main process imports ``--rows`` new entities through ``import_file``. Modes:

- ``single``: the old behaviour — validation and every write in one transaction
  (``import_file`` inside ``transaction.atomic()`` with one chunk);
- ``chunked``: the import as shipped — validation outside any transaction, then
  chunks of ``batches.CHUNK_ROWS`` rows in short transactions.

Prints, per mode, the import time and the writer's latency (median, p99, max) and its
failures ("database is locked" after the 20 s busy timeout).
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import shutil
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))


def make_csv(path: Path, rows: int) -> Path:
    """``rows`` new entities with distinct valid credit codes, in district 410402."""
    from import_entities import HEADER, org_code

    from shuangsuiji.creditcode import make_code

    with open(path, "w", encoding="utf-8", newline="") as handle:
        handle.write(",".join(HEADER[:3] + ["行政区划"]) + "\r\n")
        for i in range(1, rows + 1):
            code = make_code(f"91410402{org_code(i)}")
            handle.write(f"{code},合成网吧{i:06d},{'ABCD'[i % 4]},410402\r\n")
    return path


def writer(stop, results, target_pk: int) -> None:
    from django.db import OperationalError, connection, transaction

    from shuangsuiji.registries.models import Entity

    latencies, failures, n = [], [], 0
    while not stop.is_set():
        n += 1
        start = time.perf_counter()
        try:
            with transaction.atomic():
                Entity.objects.filter(pk=target_pk).update(phone=f"0375-{n:07d}")
            latencies.append(time.perf_counter() - start)
        except OperationalError as exc:
            failures.append(f"{time.perf_counter() - start:.1f} s: {exc}")
        time.sleep(0.05)
    connection.close()
    results.put((latencies, failures))


def run(mode: str, csv_path: Path, rows: int, template: Path) -> None:
    import import_entities
    from django.db import connection, transaction

    from shuangsuiji.core.actors import SystemActor
    from shuangsuiji.registries.importing import batches, import_file
    from shuangsuiji.registries.models import Entity

    import_entities.reset("sqlite", template)
    from shuangsuiji.core.models import Region
    from shuangsuiji.creditcode import make_code

    target = Entity.objects.create(
        credit_code=make_code("91410402MA0000001"),
        name="并发写入目标",
        region=Region.objects.get(code="410402"),
        risk_class="A",
    ).pk
    connection.close()
    ctx = multiprocessing.get_context("fork")
    stop, results = ctx.Event(), ctx.Queue()
    child = ctx.Process(target=writer, args=(stop, results, target))
    child.start()
    time.sleep(0.5)
    actor = SystemActor("基准测试")
    started = time.perf_counter()
    if mode == "single":
        saved = batches.CHUNK_ROWS
        batches.CHUNK_ROWS = 10**9
        try:
            with transaction.atomic():
                plan = import_file(actor, "entities", csv_path, csv_path.name)
        finally:
            batches.CHUNK_ROWS = saved
    else:
        plan = import_file(actor, "entities", csv_path, csv_path.name)
    elapsed = time.perf_counter() - started
    time.sleep(0.5)
    stop.set()
    latencies, failures = results.get(timeout=120)
    child.join()
    assert plan.committed, plan.sorted_errors()[:3]
    assert Entity.objects.count() == rows + 1
    ms = sorted(x * 1000 for x in latencies) or [0.0]
    p99 = ms[min(len(ms) - 1, int(len(ms) * 0.99))]
    print(
        f"[{mode}] 导入 {rows:,} 行：{elapsed:.1f} s；并发写入 {len(ms) + len(failures)} 次，"
        f"失败 {len(failures)} 次；延迟 中位数 {statistics.median(ms):.0f} ms，"
        f"p99 {p99:.0f} ms，最大 {ms[-1]:.0f} ms"
    )
    for line in failures[:3]:
        print(f"    失败：{line}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=300_000)
    parser.add_argument("--mode", choices=["single", "chunked", "both"], default="both")
    args = parser.parse_args()
    os.environ.pop("DATABASE_URL", None)
    os.environ["SSJ_IMPORT_MAX_ROWS"] = str(max(args.rows, 200_000))  # default cap: 200,000
    import import_entities

    vendor, tmp = import_entities.configure(args)
    try:
        from django.db import connection

        connection.close()
        template = tmp / "migrated.sqlite3"
        shutil.copyfile(connection.settings_dict["NAME"], template)
        csv_path = make_csv(tmp / "entities.csv", args.rows)
        modes = ["single", "chunked"] if args.mode == "both" else [args.mode]
        for mode in modes:
            run(mode, csv_path, args.rows, template)
        return 0
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
