"""The joint office's account pages: valid request bodies, named users, other district."""

from __future__ import annotations

import pytest
from django.urls import reverse

from shuangsuiji.accounts.models import Role, User
from shuangsuiji.audit.models import AuditEntry

NEW_PASSWORD = "Lantern-river-2026"


def _writes():
    """Audit rows other than the logins of the test clients."""
    return AuditEntry.objects.exclude(action__startswith="login.")


def _create_body(dept, username="frank"):
    return {
        "username": username,
        "full_name": "弗兰克",
        "department": dept.pk,
        "roles": [Role.INSPECTOR],
        "password1": NEW_PASSWORD,
        "password2": NEW_PASSWORD,
    }


def test_anonymous_visitors_are_sent_to_the_login(client, db):
    resp = client.get(reverse("users:list"))
    assert resp.status_code == 302 and resp.url.startswith(reverse("accounts:login"))


@pytest.mark.parametrize("name", ["bob", "dave", "erin"])
def test_other_roles_are_refused_the_pages_and_the_writes(client, request, name, police_dept):
    client.force_login(request.getfixturevalue(name))
    assert client.get(reverse("users:list")).status_code == 403
    resp = client.post(reverse("users:create"), _create_body(police_dept))
    assert resp.status_code == 403
    assert not User.objects.filter(username="frank").exists()


def test_the_list_shows_the_accounts_of_the_own_region_only(client, alice, dave, wd_dave):
    client.force_login(alice)
    body = client.get(reverse("users:list")).content.decode()
    assert "dave" in body and "wd_dave" not in body
    assert "执法检查人员" in body  # roles by their Chinese label


def test_the_joint_office_admin_creates_an_account(client, alice, police_dept):
    client.force_login(alice)
    page = client.get(reverse("users:create"))
    assert page.status_code == 200 and 'name="viewport"' in page.content.decode()
    resp = client.post(reverse("users:create"), _create_body(police_dept))
    frank = User.objects.get(username="frank")
    assert resp.status_code == 302 and resp.url == reverse("users:detail", args=[frank.pk])
    assert frank.department == police_dept and frank.check_password(NEW_PASSWORD)
    assert AuditEntry.objects.filter(action="user.create", actor=alice).count() == 1


def test_a_department_of_another_district_is_not_offered_and_not_accepted(client, alice, weidong):
    client.force_login(alice)
    assert weidong.name not in client.get(reverse("users:create")).content.decode()
    resp = client.post(reverse("users:create"), _create_body(weidong))
    assert resp.status_code == 200  # the form refuses the choice
    assert not User.objects.filter(username="frank").exists()


def test_a_mismatched_password_keeps_the_form_with_a_chinese_error(client, alice, culture):
    client.force_login(alice)
    body = _create_body(culture)
    body["password2"] = "something-else-1"
    resp = client.post(reverse("users:create"), body)
    assert "两次输入的密码不一致" in resp.content.decode()
    assert 'value="frank"' in resp.content.decode()


def test_the_joint_office_admin_resets_a_password_sets_roles_and_department(
    client, alice, dave, police_dept
):
    client.force_login(alice)
    assert client.get(reverse("users:detail", args=[dave.pk])).status_code == 200
    client.post(
        reverse("users:password", args=[dave.pk]),
        {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    client.post(reverse("users:roles", args=[dave.pk]), {"roles": [Role.AUDITOR]})
    client.post(reverse("users:department", args=[dave.pk]), {"department": police_dept.pk})
    client.post(reverse("users:active", args=[dave.pk]), {"active": "0"})
    dave.refresh_from_db()
    dave._role_cache = None
    assert dave.check_password(NEW_PASSWORD)
    assert dave.roles() == {Role.AUDITOR}
    assert dave.department == police_dept and dave.is_active is False
    actions = list(_writes().order_by("seq").values_list("action", flat=True))
    assert actions == [
        "user.password_reset",
        "user.set_roles",
        "user.set_department",
        "user.deactivate",
    ]


WRITES = [
    ("users:password", {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD}),
    ("users:roles", {"roles": [Role.JOINT_OFFICE_ADMIN]}),
    ("users:active", {"active": "0"}),
]


@pytest.mark.parametrize(("name", "body"), WRITES, ids=[w[0] for w in WRITES])
def test_the_other_districts_admin_gets_404_and_changes_nothing(client, wd_alice, dave, name, body):
    client.force_login(wd_alice)
    before = (dave.password, dave.is_active, list(dave.groups.values_list("name", flat=True)))
    assert client.get(reverse("users:detail", args=[dave.pk])).status_code == 404
    assert client.post(reverse(name, args=[dave.pk]), body).status_code == 404
    dave.refresh_from_db()
    assert (dave.password, dave.is_active, list(dave.groups.values_list("name", flat=True))) == (
        before
    )
    assert not _writes().exists()


@pytest.mark.parametrize(("name", "body"), WRITES, ids=[w[0] for w in WRITES])
def test_a_superuser_is_refused_to_the_joint_office_admin(client, alice, root, name, body):
    client.force_login(alice)
    old = root.password
    assert client.post(reverse(name, args=[root.pk]), body).status_code == 403
    root.refresh_from_db()
    assert root.password == old and root.is_active and root.is_superuser
    assert not _writes().exists()


def test_the_system_page_links_to_the_account_pages_not_the_admin(client, alice):
    client.force_login(alice)
    body = client.get(reverse("core:system")).content.decode()
    assert reverse("users:list") in body
    assert reverse("admin:index") not in body
