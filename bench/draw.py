"""Benchmark the ssj-draw-v1 engine against consistent-sampler 1.0.10.

Usage: python3 bench/draw.py [--sizes 1000000,10000000] [--runs 3] [--no-cli]

For each N a fresh child process builds N random valid credit codes split evenly into
strata A/B/C (rates 1%/3%/10%), freezes the announcement and times ``reveal`` (digest,
seed, tickets, selection, substitute heads, record) ``--runs`` times; the median is
printed. For the first size it also times consistent-sampler on the same strata and checks
that the selections are identical, and times the command end to end: ``ssj draw reveal``
on the announcement written to a file, from process start to the record written (median
of ``--runs``), with the ratio of consistent-sampler's compute time to it in the same run;
plus the process start of ``ssj draw --help`` and whether it imported Django. Peak memory: the child's own peak RSS (roster included)
and the peak of the summed PSS of the child and its worker processes (if any), sampled
every 20 ms from this (separate) process. The first line says whether the C accelerator
ran (``SSJ_DRAW_ACCEL=0`` forces the pure-Python scan).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from shuangsuiji.creditcode import ALPHABET, WEIGHTS  # noqa: E402

RATES = {"A": 100, "B": 300, "C": 1000}
PREFIX = "91410402"


def random_codes(count: int, seed: int) -> list[str]:
    """``count`` distinct valid codes ``91410402`` + 9 random characters + check, ascending.

    The 9-character bodies are a random increasing walk through the 31**9 possible values
    (random gaps), so the strings are created, and laid out in memory, in sorted order.
    """
    rng = random.Random(seed)
    base = sum(ALPHABET.index(c) * w for c, w in zip(PREFIX, WEIGHTS, strict=False))
    w = WEIGHTS[8:17]
    blocks = []
    for k in range(3):
        table = []
        for a in ALPHABET:
            for b in ALPHABET:
                for c in ALPHABET:
                    s = ALPHABET.index(a) * w[3 * k] + ALPHABET.index(b) * w[3 * k + 1]
                    s += ALPHABET.index(c) * w[3 * k + 2]
                    table.append((a + b + c, s))
        blocks.append(table)
    b0, b1, b2 = blocks
    span = 31**9
    max_gap = max(1, (18 * span) // (10 * (count + 1)))  # mean gap about 0.9 span / count
    randrange = rng.randrange
    x = -1
    out: list[str] = []
    append = out.append
    for _ in range(count):
        x += 1 + randrange(max_gap)
        hi, lo = divmod(x, 29791 * 29791)
        mid, lo = divmod(lo, 29791)
        s0, t0 = b0[hi]
        s1, t1 = b1[mid]
        s2, t2 = b2[lo]
        total = base + t0 + t1 + t2
        append(PREFIX + s0 + s1 + s2 + ALPHABET[(31 - total % 31) % 31])
    if x >= span:
        raise SystemExit("random walk left the code space")
    return out


def _cpu() -> float:
    """CPU seconds used so far by this process and its reaped worker processes."""
    total = 0.0
    for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN):
        usage = resource.getrusage(who)
        total += usage.ru_utime + usage.ru_stime
    return total


def _ssj() -> list[str]:
    """The ``ssj`` console script of this interpreter's environment, else ``-m shuangsuiji.cli``."""
    script = Path(sys.executable).with_name("ssj")
    if script.exists():
        return [str(script)]
    found = shutil.which("ssj")
    return [found] if found else [sys.executable, "-m", "shuangsuiji.cli"]


def _timed(cmd: list[str]) -> tuple[float, float]:
    """Wall seconds from fork to exit, and the child's CPU seconds (user + system)."""
    env = dict(
        os.environ,
        PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
    )
    t = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    _pid, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t
    proc.returncode = os.waitstatus_to_exitcode(status)
    err = proc.stderr.read().decode("utf-8", "replace") if proc.stderr else ""
    if proc.returncode:
        raise SystemExit(f"{' '.join(cmd)} failed ({proc.returncode}): {err}")
    return wall, usage.ru_utime + usage.ru_stime


def end_to_end(announcement: dict, runs: int) -> dict:
    """``ssj draw reveal`` in a fresh process, from start to the record written, ``runs`` times."""
    from shuangsuiji.drawengine import jsonfile, reveal, verify_record

    with tempfile.TemporaryDirectory(prefix="ssj-bench-") as tmp:
        ann, out = Path(tmp, "announcement.json"), Path(tmp, "record.json")
        jsonfile.write(ann, announcement)
        times, cpu = [], []
        for run in range(runs):
            cmd = [*_ssj(), "draw", "reveal", str(ann), "--beacon", f"cli-{run}", "--out", str(out)]
            wall, used = _timed(cmd)
            times.append(wall)
            cpu.append(used)
        record = jsonfile.load(out)
        verify_record(record)
        same = record == reveal(announcement, f"cli-{runs - 1}")
        size = out.stat().st_size
    starts, start_cpu = [], []
    for _ in range(runs):
        wall, used = _timed([*_ssj(), "draw", "--help"])
        starts.append(wall)
        start_cpu.append(used)
    probe = (
        "import sys; from shuangsuiji.cli import main; "
        "main(['draw', '--help']); print('DJANGO', any(m.startswith('django') for m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    return {
        "cli_times": times,
        "cli_median": statistics.median(times),
        "cli_cpu_median": statistics.median(cpu),
        "cli_record_mib": size / 2**20,
        "cli_record_same": same,
        "start_median": statistics.median(starts),
        "start_cpu_median": statistics.median(start_cpu),
        "start_imports_django": "DJANGO True" in done.stdout,
    }


def child(n: int, runs: int, compare: bool, cli: bool = True) -> None:
    from shuangsuiji.drawengine import reveal, tickets
    from shuangsuiji.drawengine.protocol import PROTOCOL, check_announcement

    t0 = time.perf_counter()
    ids = random_codes(n, n)
    rng = random.Random(1)
    # assign classes at random but keep each stratum sorted (as the protocol requires)
    labels = [rng.randrange(3) for _ in range(n)]
    parts = {
        k: [c for c, lab in zip(ids, labels, strict=True) if lab == i] for i, k in enumerate("ABC")
    }
    del ids, labels
    build = time.perf_counter() - t0
    if n <= 1_000_000:
        from shuangsuiji.drawengine import build_announcement

        t1 = time.perf_counter()
        announcement = build_announcement(
            code="BENCH", title="bench", strata={k: (RATES[k], v) for k, v in parts.items()},
            beacon_source="bench", announced_at="2023-06-30T09:00:00+08:00",
        )  # fmt: skip
        announce_s = time.perf_counter() - t1
    else:  # generated valid, sorted and laid out in order, as build_announcement leaves them
        announcement = {
            "protocol": PROTOCOL, "code": "BENCH", "title": "bench", "rounding": "ceil-min1",
            "strata": {k: {"rate_bp": RATES[k], "ids": v} for k, v in parts.items()},
            "excluded": [], "beacon_source": "bench",
            "announced_at": "2023-06-30T09:00:00+08:00",
        }  # fmt: skip
        check_announcement(announcement)
        announce_s = float("nan")
    times = []
    cpu = []
    record = None
    for run in range(runs):
        del record
        c0 = _cpu()
        t = time.perf_counter()
        record = reveal(announcement, f"beacon-{run}")
        times.append(time.perf_counter() - t)
        cpu.append(_cpu() - c0)
    result = {
        "n": n,
        "build_s": build,
        "announce_s": announce_s,
        "times": times,
        "median": statistics.median(times),
        "cpu_median": statistics.median(cpu),
        "sizes": {k: len(v) for k, v in parts.items()},
        "selected": {k: v["sample_size"] for k, v in record["strata"].items()},
        "rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "accelerated": tickets.ACCELERATED,
        "sha_ni": bool(tickets.ACCELERATED and tickets._accel.sha_ni()),
    }
    if compare:
        import consistent_sampler

        cs_times = []
        cs_cpu = []
        identical = True
        for _ in range(runs):
            c0 = _cpu()
            t = time.perf_counter()
            picks = {
                k: list(consistent_sampler.sampler(
                    parts[k], seed=record["seed"], take=v["sample_size"] + len(v["substitute_order"]),
                    output="id",
                ))
                for k, v in record["strata"].items()
            }  # fmt: skip
            cs_times.append(time.perf_counter() - t)
            cs_cpu.append(_cpu() - c0)
            for k, v in record["strata"].items():
                ours = [e["id"] for e in v["selected"] + v["substitute_order"]]
                identical = identical and ours == picks[k]
        result["cs_times"] = cs_times
        result["cs_median"] = statistics.median(cs_times)
        result["cs_cpu_median"] = statistics.median(cs_cpu)
        result["identical"] = identical
        if cli:
            result.update(end_to_end(announcement, runs))
    print("RESULT " + json.dumps(result))


def _pss_kib(pid: int) -> int:
    total = 0
    todo = [pid]
    while todo:
        p = todo.pop()
        try:
            with open(f"/proc/{p}/smaps_rollup") as fh:
                for line in fh:
                    if line.startswith("Pss:"):
                        total += int(line.split()[1])
                        break
            for task in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{task}/children") as fh:
                    todo.extend(int(x) for x in fh.read().split())
        except (OSError, ValueError):
            continue
    return total


def run_one(n: int, runs: int, compare: bool, cli: bool = True) -> dict:
    cmd = [sys.executable, __file__, "--child", str(n), "--runs", str(runs)]
    if compare:
        cmd.append("--compare")
    if not cli:
        cmd.append("--no-cli")
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True)
    peak = 0
    can_sample = os.path.exists(f"/proc/{proc.pid}/smaps_rollup")
    while proc.poll() is None:
        if can_sample:
            peak = max(peak, _pss_kib(proc.pid))
        time.sleep(0.02)
    out = proc.stdout.read() if proc.stdout else ""
    if proc.returncode:
        raise SystemExit(f"child failed for N={n}")
    line = next(x for x in out.splitlines() if x.startswith("RESULT "))
    result = json.loads(line[7:])
    result["pss_peak_mib"] = peak / 1024 if can_sample else float("nan")
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="1000000,10000000")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--child", type=int)
    parser.add_argument("--compare", action="store_true")
    parser.add_argument(
        "--no-cli", action="store_true", help="skip the end-to-end `ssj draw reveal`"
    )
    args = parser.parse_args()
    if args.child:
        child(args.child, args.runs, args.compare, cli=not args.no_cli)
        return
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    print(
        f"Python {sys.version.split()[0]}, {cpus} CPU(s); strata A/B/C = 1%/3%/10%, median of {args.runs}"
    )
    for i, n in enumerate(int(x) for x in args.sizes.split(",")):
        r = run_one(n, args.runs, compare=(i == 0), cli=not args.no_cli)
        if i == 0:
            sha = "CPU SHA extensions" if r["sha_ni"] else "portable C SHA-256"
            print(
                f"scan: C accelerator (_accel, threads, {sha})"
                if r["accelerated"]
                else "scan: pure Python (_accel not built or SSJ_DRAW_ACCEL=0; forked workers)"
            )
        runs = ", ".join(f"{t:.3f}" for t in r["times"])
        print(
            f"N={n:>10,}: draw {r['median']:.3f} s (runs {runs}; CPU {r['cpu_median']:.3f} s); "
            f"peak RSS {r['rss_mib']:.0f} MiB (process, roster included), "
            f"peak PSS {r['pss_peak_mib']:.0f} MiB (process + workers); "
            f"selected {r['selected']}; announce {r['announce_s']:.2f} s, roster build {r['build_s']:.1f} s"
        )
        if "cs_median" in r:
            print(
                f"  consistent-sampler 1.0.10 on the same N={n:,}: {r['cs_median']:.3f} s "
                f"(runs {', '.join(f'{t:.3f}' for t in r['cs_times'])}; "
                f"CPU {r['cs_cpu_median']:.3f} s); "
                f"ratio {r['cs_median'] / r['median']:.1f}x; "
                f"selections identical: {r['identical']}"
            )
        if "cli_median" in r:
            print(
                f"  ssj draw reveal end to end (process start to record written, N={n:,}): "
                f"{r['cli_median']:.3f} s (runs {', '.join(f'{t:.3f}' for t in r['cli_times'])}; "
                f"CPU {r['cli_cpu_median']:.3f} s; record {r['cli_record_mib']:.0f} MiB, "
                f"verifies and equals the in-process reveal: {r['cli_record_same']}); "
                f"consistent-sampler / end to end = {r['cs_median'] / r['cli_median']:.1f}x"
            )
            print(
                f"  process start (ssj draw --help): {r['start_median']:.3f} s "
                f"(CPU {r['start_cpu_median']:.3f} s); imports Django: {r['start_imports_django']}"
            )
    print(
        f"load average {os.getloadavg()[0]:.2f} at end (other work on this machine slows all figures)"
    )


if __name__ == "__main__":
    main()
