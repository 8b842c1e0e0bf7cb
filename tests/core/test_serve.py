"""`ssj serve --demo` on a fresh data folder: login page within 60 s, demo logins work."""

from __future__ import annotations

import http.cookiejar
import os
import re
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _env(tmp_path: Path) -> dict:
    env = dict(os.environ)
    env.pop("DATABASE_URL", None)  # the server gets its own SQLite file in a fresh folder
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)  # set by the browser tests; never in production
    env["SSJ_DATA_DIR"] = str(tmp_path / "var")
    env["PYTHONPATH"] = str(ROOT)
    return env


@pytest.fixture
def server(tmp_path):
    port = _free_port()
    log = open(tmp_path / "serve.log", "w+", encoding="utf-8")
    proc = subprocess.Popen(
        [sys.executable, "-m", "shuangsuiji.cli", "serve", "--demo", "--port", str(port)],
        cwd=tmp_path,
        env=_env(tmp_path),
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    started = time.monotonic()
    status = None
    while time.monotonic() - started < 60:
        if proc.poll() is not None:
            break
        try:
            with urllib.request.urlopen(f"{base}/accounts/login/", timeout=2) as resp:
                status = resp.status
                break
        except OSError:
            time.sleep(0.3)
    elapsed = time.monotonic() - started
    log.flush()
    log.seek(0)
    output = log.read()
    try:
        yield {"base": base, "status": status, "elapsed": elapsed, "output": output}
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


def test_the_login_page_answers_200_within_60_seconds(server):
    assert server["status"] == 200, server["output"]
    assert server["elapsed"] < 60


def test_the_printed_demo_logins_work(server):
    assert server["status"] == 200, server["output"]
    logins = re.findall(r"用户名 (\S+)\s+密码 (\S+)", server["output"])
    assert len(logins) >= 5, server["output"]
    for username, password in logins:
        jar = http.cookiejar.CookieJar()
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
        page = opener.open(f"{server['base']}/accounts/login/").read().decode()
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        data = urllib.parse.urlencode(
            {"username": username, "password": password, "csrfmiddlewaretoken": token}
        ).encode()
        resp = opener.open(f"{server['base']}/accounts/login/", data=data)
        assert resp.url.endswith("/staff/"), (username, resp.url)
        home = resp.read().decode()
        assert "工作台" in home and "退出" in home


def test_static_files_are_served_locally(server):
    assert server["status"] == 200, server["output"]
    with urllib.request.urlopen(f"{server['base']}/static/ssj/vendor/htmx.min.js") as resp:
        assert resp.status == 200
        assert b"htmx" in resp.read(200)
    page = urllib.request.urlopen(f"{server['base']}/accounts/login/").read().decode()
    assert "//cdn" not in page and "https://" not in page


def test_production_settings_pass_check_deploy(tmp_path):
    env = _env(tmp_path)
    env.update(
        SSJ_SECRET_KEY="x" * 20 + "production-secret-key-for-the-check-1234567890",
        SSJ_ALLOWED_HOSTS="ssj.example.gov.cn",
    )
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "shuangsuiji.cli",
            "manage",
            "check",
            "--deploy",
            "--fail-level",
            "WARNING",
        ],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout
