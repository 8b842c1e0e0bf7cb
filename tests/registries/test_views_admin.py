"""The Django admin: accounts managed by joint-office admins; audit log read-only."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from shuangsuiji.accounts.models import User
from shuangsuiji.audit.models import AuditEntry
from shuangsuiji.core.models import Department
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def alice_staff(alice):
    alice.is_staff = True
    alice.save(update_fields=["is_staff"])
    return alice


@pytest.fixture
def root(db, culture):
    return User.objects.create_superuser("root", "root@example.invalid", "correct-horse-9")


def _last_action():
    return AuditEntry.objects.order_by("-seq").values_list("action", flat=True).first()


def test_anonymous_visitors_are_sent_to_the_admin_login(client):
    response = client.get(reverse("admin:accounts_user_changelist"))
    assert response.status_code == 302


def test_a_staff_flagged_auditor_cannot_manage_accounts(client, erin):
    erin.is_staff = True
    erin.save(update_fields=["is_staff"])
    client.force_login(erin)
    assert client.get(reverse("admin:accounts_user_changelist")).status_code == 403
    assert client.get(reverse("admin:audit_auditentry_changelist")).status_code == 200


def test_the_joint_office_admin_opens_every_changelist(client, alice_staff, culture):
    factories.entity()
    factories.inspector(culture)
    client.force_login(alice_staff)
    for name in (
        "accounts_user",
        "core_region",
        "core_department",
        "registries_entity",
        "registries_inspector",
        "registries_conflict",
        "registries_checkitem",
        "audit_auditentry",
    ):
        response = client.get(reverse(f"admin:{name}_changelist"))
        assert response.status_code == 200, name


def test_the_audit_log_cannot_be_added_changed_or_deleted_in_the_admin(client, root, alice):
    from shuangsuiji.registries import services

    e = factories.entity()
    services.update_entity(alice, e, name="改名")
    entry = AuditEntry.objects.order_by("-seq").first()
    client.force_login(root)
    assert client.get(reverse("admin:audit_auditentry_add")).status_code == 403
    assert client.get(reverse("admin:audit_auditentry_delete", args=[entry.pk])).status_code == 403
    response = client.post(
        reverse("admin:audit_auditentry_change", args=[entry.pk]), {"action": "forged"}
    )
    assert response.status_code == 403
    entry.refresh_from_db()
    assert entry.action == "entity.update"


def test_directories_are_read_only_in_the_admin(client, root):
    e = factories.entity()
    client.force_login(root)
    assert client.get(reverse("admin:registries_entity_add")).status_code == 403
    response = client.post(reverse("admin:registries_entity_change", args=[e.pk]), {"name": "x"})
    assert response.status_code == 403


def test_a_department_created_in_the_admin_goes_through_the_service(client, alice_staff, culture):
    client.force_login(alice_staff)
    before = AuditEntry.objects.count()
    response = client.post(
        reverse("admin:core_department_add"),
        {
            "code": "410402-SCJ",
            "name": "新华区市场监督管理局",
            "short_name": "市场监管局",
            "region": culture.region_id,
            "active": "on",
        },
    )
    assert response.status_code == 302
    assert Department.objects.filter(code="410402-SCJ").exists()
    assert AuditEntry.objects.count() == before + 1
    assert _last_action() == "department.create"


def test_the_joint_office_admin_assigns_department_and_role_with_an_audit_row(
    client, alice_staff, police_dept, mallory
):
    role = Group.objects.get_or_create(name="inspector")[0]
    client.force_login(alice_staff)
    url = reverse("admin:accounts_user_change", args=[mallory.pk])
    assert client.get(url).status_code == 200
    before = AuditEntry.objects.count()
    response = client.post(
        url,
        {
            "username": "mallory",
            "full_name": "马洛里",
            "email": "",
            "department": police_dept.pk,
            "is_active": "on",
            "is_superuser": "on",  # ignored: read-only for non-superusers
            "groups": [role.pk],
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    mallory.refresh_from_db()
    assert mallory.department == police_dept
    assert set(mallory.groups.values_list("name", flat=True)) == {"inspector"}
    assert mallory.is_superuser is False
    assert AuditEntry.objects.count() == before + 1
    assert _last_action() == "user.update"
