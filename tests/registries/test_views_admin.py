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


def test_a_staff_flagged_auditor_cannot_enter_the_admin(client, erin):
    erin.is_staff = True
    erin.save(update_fields=["is_staff"])
    client.force_login(erin)
    for name in ("accounts_user_changelist", "audit_auditentry_changelist"):
        response = client.get(reverse(f"admin:{name}"))
        assert response.status_code == 302 and "/admin/login/" in response.url


def test_a_staff_flagged_joint_office_admin_is_sent_to_the_admin_login(client, alice_staff):
    client.force_login(alice_staff)
    for name in ("index", "accounts_user_changelist", "core_department_changelist"):
        response = client.get(reverse(f"admin:{name}"))
        assert response.status_code == 302 and "/admin/login/" in response.url, name


def test_a_staff_flagged_joint_office_admin_cannot_set_a_superusers_password(
    client, alice_staff, root
):
    old = root.password
    client.force_login(alice_staff)
    response = client.post(
        reverse("admin:auth_user_password_change", args=[root.pk]),
        {"password1": "Taken-over-2026", "password2": "Taken-over-2026"},
    )
    assert response.status_code == 302 and "/admin/login/" in response.url
    root.refresh_from_db()
    assert root.password == old
    assert not AuditEntry.objects.filter(action__startswith="user.").exists()


def test_the_superuser_opens_every_changelist(client, root, culture):
    factories.entity()
    factories.inspector(culture)
    client.force_login(root)
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


def test_every_model_admin_on_the_site_is_audited():
    from django.contrib import admin

    from shuangsuiji.accounts.admin_site import AuditedAdminMixin, SuperuserAdminSite

    assert isinstance(admin.site, SuperuserAdminSite)
    unaudited = [
        model._meta.label
        for model, model_admin in admin.site._registry.items()
        if not isinstance(model_admin, AuditedAdminMixin)
    ]
    assert unaudited == []


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


def test_a_department_created_in_the_admin_goes_through_the_service(client, root, culture):
    client.force_login(root)
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
    assert AuditEntry.objects.count() == before + 1  # the service's row, not a second one
    assert _last_action() == "department.create"


def test_the_superuser_assigns_department_and_role_with_an_audit_row(
    client, root, police_dept, mallory
):
    role = Group.objects.get_or_create(name="inspector")[0]
    client.force_login(root)
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
            "groups": [role.pk],
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    mallory.refresh_from_db()
    assert mallory.department == police_dept
    assert set(mallory.groups.values_list("name", flat=True)) == {"inspector"}
    assert mallory.is_superuser is False
    assert AuditEntry.objects.count() == before + 1
    entry = AuditEntry.objects.order_by("-seq").first()
    assert entry.action == "admin.change" and entry.actor == root
    assert entry.before_digest != entry.after_digest


def test_a_password_set_in_the_admin_is_audited_without_the_password(client, root, alice):
    client.force_login(root)
    url = reverse("admin:auth_user_password_change", args=[alice.pk])
    response = client.post(
        url, {"password1": "Lantern-river-2026", "password2": "Lantern-river-2026"}
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    alice.refresh_from_db()
    assert alice.check_password("Lantern-river-2026")
    entry = AuditEntry.objects.get(action="user.password_reset")
    assert entry.actor == root and entry.object_id == str(alice.pk)
    assert "Lantern-river-2026" not in str(entry.data)


def test_a_deletion_through_an_admin_of_the_site_is_audited(rf, root):
    from django.contrib.admin import ModelAdmin

    from shuangsuiji.accounts.admin_site import SuperuserAdminSite

    site = SuperuserAdminSite(name="test-admin")
    site.register(Group, ModelAdmin)  # a plain admin: the site makes it audited
    group = Group.objects.create(name="临时用户组")
    request = rf.post("/")
    request.user = root
    model_admin = site._registry[Group]
    model_admin.log_deletions(request, Group.objects.filter(pk=group.pk))
    entry = AuditEntry.objects.get(action="admin.delete")
    assert entry.actor == root
    assert entry.object_type == "auth.group" and entry.object_repr == "临时用户组"
