"""Every staff and portal page of the demo district loads in Chromium without a single
Content-Security-Policy violation (htmx's inline style used to break it on every page)."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.browser.conftest import login
from tests.site_pages import (
    demo_objects,
    html_pages,
    load_demo_site,
    site_pages,
    upload_with_errors,
)

pytestmark = pytest.mark.django_db(transaction=True)

LISTENER = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__csp.push(`${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`);
});
"""


def _watch(page, found: list):
    page.add_init_script(LISTENER)
    page.on(
        "console",
        lambda msg: found.append(msg.text) if "Content Security Policy" in msg.text else None,
    )


def test_no_staff_or_portal_page_violates_the_csp(browser, live_server):
    from shuangsuiji.onboarding.demo import DEMO_PASSWORD

    office, revealed, announced = load_demo_site()
    objects = demo_objects(revealed, announced)
    client = Client()
    client.force_login(office)
    objects["token"] = upload_with_errors(client)
    pages = site_pages(objects)
    assert not pages.unfilled, pages.unfilled
    urls = html_pages(client, pages.urls)

    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    console: list[str] = []
    _watch(page, console)
    login(page, live_server, "office", DEMO_PASSWORD)
    violations = {}
    loaded = 0
    for url in urls:
        page.goto(f"{live_server.url}{url}")
        loaded += 1
        page.wait_for_load_state("load")
        events = page.evaluate("window.__csp")
        if events:
            violations[url] = events
    context.close()

    anonymous = browser.new_context(locale="zh-CN")
    portal = anonymous.new_page()
    _watch(portal, console)
    for url in [u for u in urls if u.startswith("/portal/")] + ["/accounts/login/"]:
        portal.goto(f"{live_server.url}{url}")
        portal.wait_for_load_state("load")
        loaded += 1
        if events := portal.evaluate("window.__csp"):
            violations[f"anonymous {url}"] = events
    anonymous.close()

    print(f"\nCSP: {loaded} page loads, {len(violations)} with violations")
    assert loaded >= 30
    assert violations == {}
    assert console == []
