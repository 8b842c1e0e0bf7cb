"""The ceremony in a real browser: the joint-office admin creates a task, announces it,
the portal shows the announcement, the admin enters the beacon and sees the teams."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from shuangsuiji.core.actors import SystemActor
from shuangsuiji.onboarding.demo import DEMO_PASSWORD, load_demo

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "plans-browser"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]


@pytest.fixture
def browser_page(chromium_executable):
    from playwright.sync_api import sync_playwright

    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    print(f"\nscreenshots: {ARTIFACTS}")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_executable, args=ARGS)
        context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
        page = context.new_page()
        page.set_default_timeout(20000)
        yield page
        browser.close()


def shot(page, name: str) -> None:
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


@pytest.mark.django_db(transaction=True)
def test_office_creates_announces_and_reveals_a_task_in_the_browser(live_server, browser_page):
    from shuangsuiji.plans.models import Draw

    load_demo(SystemActor("浏览器测试"))
    page = browser_page
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", "office")
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/staff/")

    page.goto(f"{live_server.url}/staff/plans/new/")
    page.fill("#id_year", "2023")
    page.fill("#id_office", "平顶山市新华区部门联合“双随机、一公开”监管工作联席会议办公室")
    page.fill("#id_doc_number", "平新双随机办〔2023〕16号")
    page.fill("#id_title", "平顶山市新华区文化广电和旅游局 2023 年度部门联合抽查计划")
    page.select_option("#id_region", label="新华区（410402）")
    page.fill("#id_period_start", "2023-06-30")
    page.fill("#id_period_end", "2023-12-30")
    shot(page, "01-plan-form")
    page.click("form.stacked button[type=submit]")
    page.get_by_role("link", name="新建任务").click()

    page.fill("#id_name", "2023 年度新华区 C 类互联网上网服务营业场所联合检查")
    page.fill("#id_domain", "互联网上网服务营业场所联合检查")
    page.fill("#id_items_text", "1. 对互联网上网服务营业场所检查 2. 对互联网上网服务场所检查")
    page.fill("#id_scope_text", "新华区辖区内互联网上网服务营业场所")
    for box in page.locator("input[name=check_items]").all():
        box.check()
    page.fill("#id_rate_C", "10")
    page.select_option("#id_initiating_department", label="新华区文化广电和旅游局")
    page.get_by_label("新华公安分局").check()
    shot(page, "02-task-form")
    page.click("form.stacked button[type=submit]")
    page.wait_for_selector("#roster-summary")
    assert "15" in page.inner_text("#roster-summary")
    shot(page, "03-task-roster-preview")

    page.fill("#id_code", "2023-XH-WL-03")
    page.select_option("#id_beacon_kind", "lottery")
    page.fill("#id_beacon_source", "福利彩票 3D 第 2023172 期开奖号码（2023-07-01 开奖）")
    page.once("dialog", lambda d: d.accept())
    page.click("#announce-form button[type=submit]")
    page.wait_for_selector("#reveal-form")
    draw = Draw.objects.get(code="2023-XH-WL-03")
    assert draw.announcement_digest in page.inner_text("#digest")
    shot(page, "04-announced")

    portal = page.context.new_page()
    portal.goto(f"{live_server.url}/portal/")
    assert "2023-XH-WL-03" in portal.inner_text("#draws")
    portal.click("text=2023-XH-WL-03")
    assert draw.announcement_digest in portal.inner_text("#digest")
    shot(portal, "05-portal-announcement")

    page.fill("#id_beacon", "9319 / 2 5 8 10 12")
    page.check("#id_confirm")
    page.once("dialog", lambda d: d.accept())
    page.click("#reveal-form button[type=submit]")
    page.wait_for_selector("#teams")
    draw.refresh_from_db()
    assert draw.status == "revealed"
    assert page.locator(".inspection").count() == 2
    assert "组长" in page.inner_text(".inspection >> nth=0")
    shot(page, "06-revealed")

    portal.reload()
    assert "9319./2.5.8.10.12./" in portal.inner_text("#beacon")
    portal.set_viewport_size({"width": 375, "height": 800})
    shot(portal, "07-portal-result-phone")
