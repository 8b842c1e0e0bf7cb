"""NUL bytes are refused once for every view; static files and pages get the security
headers; staff pages and exports are never cached; htmx injects no inline style."""

from __future__ import annotations

import pytest
from django.urls import reverse

from shuangsuiji.core.middleware import CSP

pytestmark = pytest.mark.django_db

NUL_VIEWS = [
    ("registries:entity-list", "q"),
    ("registries:inspector-list", "q"),
    ("registries:conflict-list", "credit_code"),
    ("registries:checkitem-list", "q"),
    ("registries:region-list", "q"),
    ("audit:list", "action"),
    ("inspections:list", "q"),
    ("reports:index", "year"),
]


@pytest.mark.parametrize(("name", "param"), NUL_VIEWS)
def test_a_nul_byte_in_a_get_parameter_is_a_400_page(client, alice, name, param):
    client.force_login(alice)
    resp = client.get(reverse(name), {param: "网吧\x00"})
    assert resp.status_code == 400
    assert "空字符" in resp.content.decode()


def test_a_nul_byte_on_the_portal_is_a_400_for_anonymous_visitors(client):
    resp = client.get(reverse("portal:index") + "?status=%00")
    assert resp.status_code == 400


def test_a_nul_byte_in_a_parameter_name_is_refused(client, alice):
    client.force_login(alice)
    assert client.get(reverse("registries:entity-list") + "?q%00=1").status_code == 400


def test_static_files_carry_the_security_headers(client):
    resp = client.get("/static/ssj/ssj.css")
    assert resp.status_code == 200
    assert resp["Content-Security-Policy"] == CSP
    assert resp["X-Content-Type-Options"] == "nosniff"
    assert resp["X-Frame-Options"] == "DENY"
    assert resp["Referrer-Policy"] == "same-origin"
    assert "no-store" not in resp.get("Cache-Control", "")


def test_staff_pages_are_not_stored_by_caches(client, alice):
    client.force_login(alice)
    resp = client.get(reverse("registries:entity-list"))
    assert resp.status_code == 200
    assert "no-store" in resp["Cache-Control"]
    assert "private" in resp["Cache-Control"]


def test_exports_are_not_stored_by_caches(client, alice):
    client.force_login(alice)
    resp = client.get(reverse("registries:export", args=["entities"]))
    assert resp.status_code == 200
    assert "no-store" in resp["Cache-Control"]


def test_the_login_page_is_not_stored_by_caches(client):
    assert "no-store" in client.get(reverse("accounts:login"))["Cache-Control"]


def test_portal_pages_may_be_cached(client):
    resp = client.get(reverse("portal:index"))
    assert resp.status_code == 200
    assert "no-store" not in resp.get("Cache-Control", "")


def test_htmx_is_told_not_to_inject_its_inline_indicator_style(client):
    html = client.get(reverse("accounts:login")).content.decode()
    assert """<meta name="htmx-config" content='{"includeIndicatorStyles":false}'>""" in html


def test_our_stylesheet_ships_the_htmx_indicator_styles(client):
    css = b"".join(client.get("/static/ssj/ssj.css").streaming_content).decode()
    assert ".htmx-indicator {" in css
    assert ".htmx-request .htmx-indicator" in css
