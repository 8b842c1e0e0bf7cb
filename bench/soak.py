"""Soak test: drive `ssj serve` on loopback with portal reads and staff writes.

    python bench/soak.py [--seconds 600] [--clients 8] [--workers 2]

Starts `ssj serve --demo` on a fresh SQLite data folder (or the database in DATABASE_URL)
on a free loopback port, logs in as the demo joint-office admin, then for a bounded time
runs a mix of requests: 70 % portal reads, 20 % staff reads (entity search and detail),
10 % staff writes (a new risk rating: a state change with an audit record). It reports the
number of requests, server errors (5xx), client errors other than expected, connection
errors, p50/p99 latency, the server processes' memory (RSS) after warm-up and at the end,
and whether the audit chain still verifies. Only 127.0.0.1 is contacted.
"""

from __future__ import annotations

import argparse
import http.cookiejar
import os
import random
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def tree_rss_kib(pid: int) -> int:
    """RSS of a process and all its descendants (Linux /proc)."""
    total, todo, seen = 0, [pid], set()
    while todo:
        p = todo.pop()
        if p in seen:
            continue
        seen.add(p)
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
            children = Path(f"/proc/{p}/task/{p}/children").read_text().split()
            todo.extend(int(c) for c in children)
        except OSError:
            continue
    return total


class Client:
    def __init__(self, base: str) -> None:
        self.base = base
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        )
        self.csrf = ""

    def get(self, path: str) -> tuple[int, str]:
        try:
            with self.opener.open(self.base + path, timeout=30) as resp:
                return resp.status, resp.read().decode("utf-8", "replace")
        except urllib.error.HTTPError as exc:
            return exc.code, ""

    def post(self, path: str, data: dict) -> int:
        body = urllib.parse.urlencode({**data, "csrfmiddlewaretoken": self.csrf}).encode()
        req = urllib.request.Request(
            self.base + path, data=body, headers={"Referer": self.base + path}
        )
        try:
            with self.opener.open(req, timeout=30) as resp:
                resp.read()
                return resp.status
        except urllib.error.HTTPError as exc:
            return exc.code

    def login(self, username: str, password: str) -> None:
        _, page = self.get("/accounts/login/")
        self.csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        self.post("/accounts/login/", {"username": username, "password": password})
        _, page = self.get("/staff/")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        if token is None:
            raise SystemExit("登录失败：无法继续压测")
        self.csrf = token.group(1)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=600)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--warmup", type=int, default=20)
    args = parser.parse_args()

    data_dir = tempfile.mkdtemp(prefix="ssj-soak-")
    env = dict(os.environ, SSJ_DATA_DIR=data_dir, PYTHONPATH=str(ROOT))
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "shuangsuiji.cli",
            "serve",
            "--demo",
            "--port",
            str(port),
            "--workers",
            str(args.workers),
        ],
        cwd=data_dir,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(base + "/accounts/login/", timeout=2).read()
                break
            except OSError:
                time.sleep(0.5)
        else:
            raise SystemExit("服务器未能在 120 秒内启动")

        probe = Client(base)
        probe.login("office", "demo-2023-ssj")
        _, listing = probe.get("/staff/registries/entities/")
        entity_ids = sorted(
            {int(x) for x in re.findall(r"/staff/registries/entities/(\d+)/", listing)}
        )
        portal_paths = ["/portal/"]
        _, portal = probe.get("/portal/")
        portal_paths += sorted(set(re.findall(r'href="(/portal/[^"?#]+)"', portal)))[:20]
        if not entity_ids:
            raise SystemExit("演示数据中没有检查对象")

        stats = {"requests": 0, "server_errors": 0, "unexpected": 0, "conn_errors": 0}
        latencies: list[float] = []
        lock = threading.Lock()
        stop_at = [0.0]
        measuring = threading.Event()

        def worker(n: int) -> None:
            rng = random.Random(n)
            client = Client(base)
            client.login("office", "demo-2023-ssj")
            while time.monotonic() < stop_at[0]:
                roll = rng.random()
                started = time.perf_counter()
                try:
                    if roll < 0.7:
                        status, _ = client.get(rng.choice(portal_paths))
                        ok = {200}
                    elif roll < 0.8:
                        status, _ = client.get(f"/staff/registries/entities/?q={rng.randint(0, 9)}")
                        ok = {200}
                    elif roll < 0.9:
                        status, _ = client.get(
                            f"/staff/registries/entities/{rng.choice(entity_ids)}/"
                        )
                        ok = {200}
                    else:
                        status = client.post(
                            f"/staff/registries/entities/{rng.choice(entity_ids)}/rate/",
                            {
                                "risk_class": rng.choice("ABC"),
                                "effective_date": "2023-01-01",
                                "source": "压测",
                            },
                        )
                        ok = {200, 302}
                except OSError:
                    with lock:
                        stats["conn_errors"] += 1
                    continue
                elapsed = time.perf_counter() - started
                if not measuring.is_set():
                    continue
                with lock:
                    stats["requests"] += 1
                    latencies.append(elapsed)
                    if status >= 500:
                        stats["server_errors"] += 1
                    elif status not in ok:
                        stats["unexpected"] += 1

        stop_at[0] = time.monotonic() + args.warmup + args.seconds
        threads = [
            threading.Thread(target=worker, args=(i,), daemon=True) for i in range(args.clients)
        ]
        for t in threads:
            t.start()
        time.sleep(args.warmup)
        rss_start = tree_rss_kib(server.pid)
        measuring.set()
        t0 = time.monotonic()
        samples = []
        while time.monotonic() < stop_at[0]:
            time.sleep(min(10, max(0.1, stop_at[0] - time.monotonic())))
            samples.append(tree_rss_kib(server.pid))
        for t in threads:
            t.join(timeout=60)
        duration = time.monotonic() - t0
        rss_end = tree_rss_kib(server.pid)
        verify = subprocess.run(
            [sys.executable, "-m", "shuangsuiji.cli", "audit", "verify"],
            cwd=data_dir,
            env=env,
            capture_output=True,
            text=True,
        )
        lat = sorted(latencies)
        p50 = statistics.median(lat) * 1000 if lat else float("nan")
        p99 = lat[int(len(lat) * 0.99) - 1] * 1000 if lat else float("nan")
        growth = (rss_end - rss_start) / rss_start * 100 if rss_start else float("nan")
        print(f"soak: {duration:.0f} s, {args.clients} clients, {args.workers} server workers")
        print(f"requests: {stats['requests']} ({stats['requests'] / duration:.0f} req/s)")
        print(
            f"server errors (5xx): {stats['server_errors']}; unexpected status: "
            f"{stats['unexpected']}; connection errors: {stats['conn_errors']}"
        )
        print(f"latency p50 {p50:.1f} ms, p99 {p99:.1f} ms")
        print(
            f"server RSS after warm-up {rss_start / 1024:.1f} MiB, at end "
            f"{rss_end / 1024:.1f} MiB, max {max(samples or [0]) / 1024:.1f} MiB, "
            f"growth {growth:+.1f} %"
        )
        print(f"audit chain: {verify.stdout.strip() or verify.stderr.strip()}")
        failed = stats["server_errors"] or verify.returncode != 0
        return 1 if failed else 0
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()


if __name__ == "__main__":
    sys.exit(main())
