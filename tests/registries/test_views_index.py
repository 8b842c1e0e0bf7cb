"""The directories index (一单两库) and the home page links."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests import factories

pytestmark = pytest.mark.django_db


def test_it_redirects_anonymous_visitors_to_login(client):
    response = client.get(reverse("registries:index"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_a_logged_in_account_without_roles_gets_403(client, mallory):
    client.force_login(mallory)
    assert client.get(reverse("registries:index")).status_code == 403


def test_it_links_to_every_list(client, erin):
    factories.entity()
    client.force_login(erin)
    response = client.get(reverse("registries:index"))
    assert response.status_code == 200
    body = response.content.decode()
    for name in (
        "registries:entity-list",
        "registries:inspector-list",
        "registries:conflict-list",
        "registries:checkitem-list",
        "registries:region-list",
        "registries:department-list",
    ):
        assert f'href="{reverse(name)}"' in body
    assert response.context["breadcrumbs"][-1] == ("一单两库", None)


def test_it_links_import_and_export_pages_only_when_they_exist(client, alice, monkeypatch):
    from shuangsuiji.registries import views

    client.force_login(alice)
    sections = client.get(reverse("registries:index")).context["sections"]
    for s in sections:
        for key, name in (
            ("import_url", "registries:import-start"),
            ("template_url", "registries:import-template"),
            ("export_url", "registries:export"),
        ):
            expected = views.url_or_none(name, kind=s["kind"])
            assert s[key] == expected

    monkeypatch.setattr(views, "url_or_none", lambda name, **kw: None)
    response = client.get(reverse("registries:index"))
    assert response.status_code == 200
    assert all(s["import_url"] is None for s in response.context["sections"])


def test_an_auditor_gets_no_import_links(client, erin):
    client.force_login(erin)
    sections = client.get(reverse("registries:index")).context["sections"]
    assert all(s["import_url"] is None for s in sections)


def test_the_home_page_links_to_the_three_lists(client, erin):
    client.force_login(erin)
    body = client.get(reverse("core:home")).content.decode()
    for name in (
        "registries:entity-list",
        "registries:inspector-list",
        "registries:checkitem-list",
    ):
        assert reverse(name) in body
