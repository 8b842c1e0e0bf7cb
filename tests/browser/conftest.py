"""Real-browser fixtures: Debian's Chromium driven by Playwright against a live server."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def screenshots_dir():
    path = ARTIFACTS / "screenshots"
    path.mkdir(parents=True, exist_ok=True)
    print(f"\n截图目录 screenshots: {path}")
    return path


@pytest.fixture(scope="module")
def browser(chromium_executable):
    # Module scope: one Playwright event loop at a time, so other modules can start theirs.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=chromium_executable, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    pg = context.new_page()
    yield pg
    context.close()


@pytest.fixture
def phone(browser):
    context = browser.new_context(
        locale="zh-CN", viewport={"width": 360, "height": 740}, is_mobile=True, has_touch=True
    )
    pg = context.new_page()
    yield pg
    context.close()


def login(page, live_server, username: str, password: str = "correct-horse-battery") -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/staff/")


from tests.plans.fixtures import (  # noqa: E402, F401
    announced,
    demo,
    office,
    plan,
    revealed,
    task_a,
)
