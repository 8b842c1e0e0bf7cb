"""At 360 px a missing page, a forbidden page and a form with errors show Chinese text in
the site layout; the import-error table and the portal strata table stay readable."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from tests import factories
from tests.browser.conftest import login
from tests.site_pages import upload_with_errors

pytestmark = pytest.mark.django_db(transaction=True)

CHINESE = re.compile(r"[\u4e00-\u9fff]{4,}")


def _in_layout(phone):
    assert phone.locator("header.topbar .brand").is_visible()
    assert phone.locator("footer.footer").count() == 1
    assert phone.evaluate("document.documentElement.lang") == "zh-Hans"
    viewport = phone.locator('meta[name="viewport"]').get_attribute("content")
    assert "width=device-width" in viewport
    # Nothing wider than the phone: no sideways scrolling of the whole page.
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360


def test_a_missing_page_is_chinese_in_the_layout_on_a_phone(phone, live_server, screenshots_dir):
    response = phone.goto(f"{live_server.url}/staff/no-such-page/")
    assert response.status == 404
    _in_layout(phone)
    text = phone.inner_text("main")
    assert "页面不存在" in text and CHINESE.search(text)
    assert "Not Found" not in phone.content()
    phone.screenshot(path=str(screenshots_dir / "phone-404.png"), full_page=True)


def test_a_forbidden_page_is_chinese_in_the_layout_on_a_phone(
    phone, live_server, mallory, screenshots_dir
):
    login_page = f"{live_server.url}/accounts/login/"
    phone.goto(login_page)
    phone.fill("#id_username", "mallory")
    phone.fill("#id_password", "correct-horse-battery")
    with phone.expect_response(lambda r: r.url.endswith("/staff/")) as info:
        phone.click("button[type=submit]")
    assert info.value.status == 403
    _in_layout(phone)
    text = phone.inner_text("main")
    assert "没有权限" in text and "尚未分配角色" in text
    assert "403 Forbidden" not in phone.content()
    phone.screenshot(path=str(screenshots_dir / "phone-403.png"), full_page=True)


def test_a_form_with_errors_is_chinese_in_the_layout_on_a_phone(
    phone, live_server, alice, screenshots_dir
):
    factories.region()
    login(phone, live_server, "alice")
    phone.goto(f"{live_server.url}/staff/plans/new/")
    phone.fill("#id_year", "2023")
    phone.fill("#id_office", "新华区联席办")
    phone.fill("#id_title", "2023 年度部门联合抽查计划")
    phone.select_option("#id_region", index=1)
    phone.fill("#id_period_start", "2023-07-01")
    phone.fill("#id_period_end", "2023-06-01")
    phone.click("form.stacked button[type=submit]")
    phone.wait_for_selector(".errorlist")
    _in_layout(phone)
    errors = phone.inner_text(".errorlist")
    assert "不能早于检查时间起" in errors
    assert "plan_period_order" not in phone.content()
    assert phone.input_value("#id_period_end") == "2023-06-01"
    assert phone.input_value("#id_title") == "2023 年度部门联合抽查计划"
    phone.screenshot(path=str(screenshots_dir / "phone-form-errors.png"), full_page=True)


def test_the_import_error_columns_are_readable_on_a_phone(
    phone, live_server, alice, screenshots_dir
):
    factories.region()
    client = Client()
    client.force_login(alice)
    token = upload_with_errors(client)
    login(phone, live_server, "alice")
    phone.goto(f"{live_server.url}/staff/registries/import/entities/{token}/")
    cells = phone.locator("table.errors tbody td:nth-child(2)")
    assert cells.count() >= 1
    font = phone.evaluate("parseFloat(getComputedStyle(document.body).fontSize)")
    for i in range(cells.count()):
        box = cells.nth(i).bounding_box()
        assert box["width"] >= 4 * font, box  # at least four characters wide
        # The column name (统一社会信用代码) is read on one line, not a character per line.
        lines = cells.nth(i).evaluate(
            """td => { const r = document.createRange(); r.selectNodeContents(td);
                       return new Set([...r.getClientRects()].map(x => Math.round(x.top))).size; }"""
        )
        assert lines == 1, cells.nth(i).inner_text()
    _in_layout(phone)
    phone.screenshot(path=str(screenshots_dir / "phone-import-errors.png"), full_page=True)


def test_the_portal_strata_table_is_not_clipped_on_a_phone(
    phone, live_server, revealed, screenshots_dir
):
    phone.goto(f"{live_server.url}/portal/draws/{revealed.code}/")
    _in_layout(phone)
    tables = phone.locator("#announcement .table-wrap")
    assert tables.count() >= 1
    for i in range(tables.count()):
        fits = tables.nth(i).evaluate(
            """w => {
              const t = w.querySelector('table');
              const scrolls = getComputedStyle(w).overflowX === 'auto' || getComputedStyle(w).overflowX === 'scroll';
              return t.getBoundingClientRect().right <= w.getBoundingClientRect().right + 1
                || (scrolls && w.scrollWidth > w.clientWidth);
            }"""
        )
        assert fits
    last_header = phone.locator("#announcement .table-wrap table thead th").last
    last_header.scroll_into_view_if_needed()
    assert last_header.is_visible()
    phone.screenshot(path=str(screenshots_dir / "phone-portal-draw.png"), full_page=True)
