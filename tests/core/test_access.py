"""Every route declares who may open it, and every staff page requires a login."""

from __future__ import annotations

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests import factories


def _walk(patterns, namespace: str = "", prefix: str = ""):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            ns = entry.namespace or ""
            full_ns = f"{namespace}:{ns}" if namespace and ns else (ns or namespace)
            yield from _walk(entry.url_patterns, full_ns, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield namespace, entry, prefix + str(entry.pattern)


def _routes():
    out = []
    for namespace, pattern, route in _walk(get_resolver().url_patterns):
        top = namespace.split(":")[0]
        if top == "admin" or route.startswith(("static/", "media/")):
            continue
        out.append((namespace, pattern, route))
    return out


def _access(pattern: URLPattern) -> str | None:
    callback = pattern.callback
    access = getattr(callback, "ssj_access", None)
    if access is None and hasattr(callback, "view_class"):
        access = getattr(callback.view_class, "ssj_access", None)
    return access


def test_the_resolver_is_walked():
    names = {f"{ns}:{p.name}" for ns, p, _ in _routes()}
    assert "registries:entity-list" in names
    assert "core:home" in names


def test_every_view_declares_its_access():
    missing = [
        f"{ns}:{p.name or p.callback.__name__} ({route})"
        for ns, p, route in _routes()
        if _access(p) is None
    ]
    assert missing == [], "views without @staff_view/@public_view: " + ", ".join(missing)


def test_access_declarations_are_known_kinds():
    for _ns, pattern, _route in _routes():
        access = _access(pattern)
        assert access == "public" or access.startswith("staff:")


def _staff_urls():
    for ns, pattern, _route in _routes():
        if not (_access(pattern) or "").startswith("staff:"):
            continue
        if pattern.name is None:
            continue
        name = f"{ns}:{pattern.name}" if ns else pattern.name
        yield name, pattern


@pytest.fixture
def dummy_objects(db):
    """Real objects whose pks stand in for every ``<int:…>`` parameter."""
    dept = factories.department()
    entity = factories.entity()
    inspector = factories.inspector(dept)
    factories.check_item(dept)
    return {"default": max(dept.pk, entity.pk, inspector.pk)}


DUMMY_STR = {"kind": "entities", "token": "x", "slug": "x", "code": "x"}


def _kwargs_for(pattern: URLPattern, pk: int) -> dict:
    kwargs = {}
    for key, converter in pattern.pattern.converters.items():
        if converter.__class__.__name__ == "IntConverter":
            kwargs[key] = pk
        elif converter.__class__.__name__ == "UUIDConverter":
            kwargs[key] = "00000000-0000-0000-0000-000000000000"
        else:
            kwargs[key] = DUMMY_STR.get(key, "x")
    return kwargs


def test_every_staff_page_redirects_anonymous_visitors_to_login(client, dummy_objects):
    login = reverse("accounts:login")
    checked = 0
    failures = []
    for name, pattern in _staff_urls():
        try:
            url = reverse(name, kwargs=_kwargs_for(pattern, dummy_objects["default"]) or None)
        except Exception:  # noqa: BLE001 - unusual converters: skip, counted below
            continue
        response = client.get(url)
        if response.status_code == 405:
            # POST-only endpoints refuse GET without revealing anything; POST must still
            # send anonymous visitors to the login page.
            response = client.post(url)
        checked += 1
        if response.status_code != 302 or not response["Location"].startswith(login):
            failures.append(f"{name} -> {response.status_code}")
    assert failures == []
    assert checked >= 20


def test_a_logged_in_account_without_roles_gets_403(client, mallory):
    client.force_login(mallory)
    assert client.get(reverse("registries:entity-list")).status_code == 403
