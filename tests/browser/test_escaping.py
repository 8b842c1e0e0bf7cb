"""Hostile user strings are shown as text in a real browser and neutralised in exports."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from tests import factories
from tests.browser.conftest import login

pytestmark = pytest.mark.django_db(transaction=True)

SCRIPT_NAME = '<script>alert("xss")</script><img src=x onerror=alert(2)>网吧'
FORMULA_NAME = '=HYPERLINK("http://evil.example/","点我领奖")'


@pytest.fixture
def hostile(alice):
    return (
        factories.entity(name=SCRIPT_NAME, risk_class="B"),
        factories.entity(name=FORMULA_NAME, risk_class="C"),
    )


def test_hostile_entity_names_render_as_text_in_the_browser(
    page, live_server, hostile, alice, screenshots_dir
):
    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    login(page, live_server, "alice")
    for entity in hostile:
        page.goto(f"{live_server.url}{reverse('registries:entity-list')}?q={entity.credit_code}")
        assert page.get_by_text(entity.name, exact=False).count() >= 1
        page.goto(f"{live_server.url}{reverse('registries:entity-detail', args=[entity.pk])}")
        assert entity.name in page.inner_text("main")
    page.screenshot(path=str(screenshots_dir / "escaping-entity-detail.png"), full_page=True)
    assert dialogs == []
    assert page.locator("img[src=x]").count() == 0


def test_hostile_names_are_neutralised_in_the_entity_export(client, hostile, alice):
    client.force_login(alice)
    resp = client.get(reverse("registries:export", args=["entities"]))
    assert resp.status_code == 200
    ws = load_workbook(io.BytesIO(resp.content)).active
    names = [row[1] for row in ws.iter_rows(min_row=2, values_only=True)]
    assert "'" + FORMULA_NAME in names
    assert SCRIPT_NAME in names
    for row in ws.iter_rows(min_row=2):
        for cell in row:
            assert cell.data_type != "f"
