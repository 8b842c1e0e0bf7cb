"""Every URL × every role, as declared in ``shuangsuiji.core.permission_matrix``.

(a) The matrix covers exactly the routes Django knows (fail closed: a new view without a
declared rule fails here). (b) Each URL is one test: it logs in as each role (the seven
of 新华区 and the other district's office admin, department admin and auditor) and checks
the declared outcome; denied POSTs must not write (no new audit rows). Valid request
bodies and the every-table check are in ``test_other_district_writes.py``.
"""

from __future__ import annotations

import pytest
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from shuangsuiji.audit.models import AuditEntry
from shuangsuiji.core import permission_matrix as m

LOGIN_PATHS = ("/accounts/login/", "/admin/login/")
POST_OK = {400, 409, 422}


def _walk(patterns, namespace: str = ""):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            ns = entry.namespace or ""
            full = f"{namespace}:{ns}" if namespace and ns else (ns or namespace)
            yield from _walk(entry.url_patterns, full)
        elif isinstance(entry, URLPattern):
            yield namespace, entry


def _url_names() -> dict[str, URLPattern]:
    names = {}
    for namespace, pattern in _walk(get_resolver().url_patterns):
        if pattern.name is None:
            names[f"{namespace}:<unnamed {pattern.pattern}>"] = pattern
            continue
        names[f"{namespace}:{pattern.name}" if namespace else pattern.name] = pattern
    return names


def test_every_url_has_a_declared_rule():
    missing = sorted(name for name in _url_names() if m.rule_for(name) is None)
    assert missing == [], "URLs without a rule in core/permission_matrix.py: " + ", ".join(missing)


def test_every_declared_rule_names_an_existing_url():
    stale = sorted(set(m.MATRIX) - set(_url_names()))
    assert stale == [], "matrix entries for URLs that no longer exist: " + ", ".join(stale)
    assert set(m.ADMIN_SAMPLES) <= set(_url_names())


def test_every_case_declares_every_role_and_every_url_argument():
    names = _url_names()
    for name, rule in m.MATRIX.items():
        needed = set(names[name].pattern.converters)
        for case in rule.cases:
            assert set(case.expect) == set(m.ROLES), f"{name}[{case.label}]"
            assert set(case.expect.values()) <= set(m.OUTCOMES), f"{name}[{case.label}]"
            assert set(case.args) == needed, f"{name}[{case.label}]: args {sorted(needed)}"
            assert set(case.methods) <= {"GET", "POST"}, f"{name}[{case.label}]"


def _outcome(response, method: str, case: m.Case) -> str:
    status = response.status_code
    if status in (301, 302, 303, 307, 308):
        location = response["Location"].split("?")[0]
        if location.endswith(LOGIN_PATHS) and not case.login_redirect_allowed:
            return m.LOGIN
        return m.ALLOW
    if status == 403:
        return m.DENY
    if status == 404:
        return m.HIDDEN
    if 200 <= status < 300 or (method == "POST" and status in POST_OK):
        return m.ALLOW
    return f"status {status}"


def _client_for(world, role: str) -> Client:
    client = Client()
    if role != m.ANONYMOUS:
        client.force_login(world.users[role])
    return client


def _check(world, name: str, case: m.Case, roles=m.ROLES) -> list[str]:
    failures = []
    for role in roles:
        client = _client_for(world, role)
        user = world.users.get(role)
        url = reverse(name, kwargs=world.kwargs(case.args, user) or None)
        for method in case.methods:
            with transaction.atomic():
                before = AuditEntry.objects.count()
                response = client.generic(method, url)
                written = AuditEntry.objects.count() - before
                transaction.set_rollback(True)
            got, want = _outcome(response, method, case), case.expect[role]
            if got != want:
                failures.append(
                    f"{name}[{case.label}] {method} {url} × {role}: expected {want} got {got}"
                )
            elif want != m.ALLOW and written:
                failures.append(f"{name}[{case.label}] {method} × {role}: denied but wrote")
    return failures


CASES = [(name, case) for name, rule in sorted(m.MATRIX.items()) for case in rule.cases]


@pytest.mark.parametrize(
    ("name", "case"), CASES, ids=[f"{name}[{case.label}]" for name, case in CASES]
)
def test_url_for_every_role(world, name, case):
    failures = _check(world, name, case)
    assert failures == [], "\n".join(failures)


@pytest.mark.parametrize("name", m.ADMIN_SAMPLES)
def test_django_admin_urls_follow_the_wildcard_rule(world, name):
    (case,) = m.ADMIN_RULE.cases
    failures = _check(world, name, case)
    assert failures == [], "\n".join(failures)


def test_the_django_admin_opens_for_a_superuser(world, client):
    from tests import factories

    root = factories.user("root", None, world["culture"])
    root.is_staff = root.is_superuser = True
    root.save(update_fields=["is_staff", "is_superuser"])
    client.force_login(root)
    assert client.get(reverse("admin:index")).status_code == 200
