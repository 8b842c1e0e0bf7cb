"""The user service: joint-office admins manage the accounts of their own region."""

from __future__ import annotations

import pytest

from shuangsuiji.accounts import services
from shuangsuiji.accounts.models import Role, User
from shuangsuiji.audit.models import AuditEntry
from shuangsuiji.audit.services import verify_chain
from shuangsuiji.core.errors import Forbidden, InvalidInput, NotFound, OutOfScope, StateConflict

NEW_PASSWORD = "Lantern-river-2026"


def _create(actor, dept, **extra):
    fields = {
        "username": "frank",
        "full_name": "弗兰克",
        "roles": [Role.INSPECTOR],
        "department": dept,
        "password": NEW_PASSWORD,
    }
    fields.update(extra)
    return services.create_user(actor, **fields)


def test_the_joint_office_admin_creates_an_inspector_of_another_department(alice, police_dept):
    frank = _create(alice, police_dept)
    assert frank.department == police_dept
    assert frank.roles() == {Role.INSPECTOR}
    assert frank.check_password(NEW_PASSWORD)
    assert not frank.is_staff and not frank.is_superuser
    entry = AuditEntry.objects.get(action="user.create")
    assert entry.actor == alice and entry.object_id == str(frank.pk)
    assert entry.data == {"password_set": True, "roles": [Role.INSPECTOR]}
    assert verify_chain() is None


def test_a_department_of_another_district_is_refused(alice, weidong):
    with pytest.raises(OutOfScope) as exc:
        _create(alice, weidong)
    assert exc.value.code == "accounts.department_out_of_scope"
    assert not User.objects.filter(username="frank").exists()
    assert not AuditEntry.objects.exists()


@pytest.mark.parametrize("name", ["bob", "dave", "erin"])
def test_only_the_joint_office_manages_accounts(request, name, culture):
    actor = request.getfixturevalue(name)
    with pytest.raises(Forbidden) as exc:
        _create(actor, culture)
    assert exc.value.code == "accounts.forbidden"
    assert not User.objects.filter(username="frank").exists()


def test_a_weak_password_is_refused_in_chinese(alice, culture):
    with pytest.raises(InvalidInput) as exc:
        _create(alice, culture, password="12345")
    assert exc.value.code == "accounts.password_invalid"
    assert "密码" in exc.value.message
    assert not User.objects.filter(username="frank").exists()


def test_a_taken_user_name_is_refused(alice, culture, dave):
    with pytest.raises(InvalidInput) as exc:
        _create(alice, culture, username="dave")
    assert exc.value.code == "accounts.username_taken"


def test_an_unknown_role_is_refused(alice, culture):
    with pytest.raises(InvalidInput) as exc:
        _create(alice, culture, roles=["superuser"])
    assert exc.value.code == "accounts.role_unknown"


def test_roles_and_department_change_with_an_audit_row_each(alice, dave, police_dept):
    services.set_roles(alice, dave, [Role.INSPECTOR, Role.DEPARTMENT_ADMIN])
    services.set_department(alice, dave, police_dept)
    dave.refresh_from_db()
    dave._role_cache = None
    assert dave.roles() == {Role.INSPECTOR, Role.DEPARTMENT_ADMIN}
    assert dave.department == police_dept
    actions = list(AuditEntry.objects.order_by("seq").values_list("action", flat=True))
    assert actions == ["user.set_roles", "user.set_department"]


def test_a_password_reset_is_audited_without_the_password(alice, dave):
    services.reset_password(alice, dave, NEW_PASSWORD)
    dave.refresh_from_db()
    assert dave.check_password(NEW_PASSWORD)
    entry = AuditEntry.objects.get(action="user.password_reset")
    assert entry.actor == alice and entry.object_id == str(dave.pk)
    stored = " ".join(str(v) for v in AuditEntry.objects.values_list("data", "object_repr"))
    assert NEW_PASSWORD not in stored
    assert entry.before_digest == entry.after_digest  # the password is not in the snapshot


def test_deactivate_and_reactivate(alice, dave):
    services.deactivate_user(alice, dave)
    dave.refresh_from_db()
    assert dave.is_active is False
    services.reactivate_user(alice, dave)
    dave.refresh_from_db()
    assert dave.is_active is True
    actions = list(AuditEntry.objects.order_by("seq").values_list("action", flat=True))
    assert actions == ["user.deactivate", "user.reactivate"]


def test_an_admin_cannot_deactivate_their_own_account(alice):
    with pytest.raises(StateConflict):
        services.deactivate_user(alice, alice)


@pytest.mark.parametrize(
    "change",
    [
        lambda a, u: services.set_roles(a, u, [Role.JOINT_OFFICE_ADMIN]),
        lambda a, u: services.reset_password(a, u, NEW_PASSWORD),
        lambda a, u: services.deactivate_user(a, u),
    ],
    ids=["roles", "password", "deactivate"],
)
def test_the_other_districts_admin_cannot_change_our_accounts(wd_alice, dave, change):
    before = (dave.password, dave.is_active, set(dave.groups.values_list("name", flat=True)))
    with pytest.raises(OutOfScope) as exc:
        change(wd_alice, dave)
    assert exc.value.code == "accounts.user_out_of_scope"
    dave.refresh_from_db()
    after = (dave.password, dave.is_active, set(dave.groups.values_list("name", flat=True)))
    assert after == before
    assert not AuditEntry.objects.exists()


def test_the_other_districts_admin_does_not_see_our_accounts(wd_alice, dave):
    assert not User.objects.visible_to(wd_alice).filter(pk=dave.pk).exists()
    with pytest.raises(NotFound):
        services.get_user_for(wd_alice, dave.pk)


def test_nobody_but_a_superuser_changes_a_superuser(alice, root):
    old_hash = root.password
    with pytest.raises(Forbidden) as exc:
        services.reset_password(alice, root, NEW_PASSWORD)
    assert exc.value.code == "accounts.superuser_protected"
    with pytest.raises(Forbidden):
        services.deactivate_user(alice, root)
    root.refresh_from_db()
    assert root.password == old_hash and root.is_active


def test_a_superuser_may_change_another_superuser(root, culture):
    other = User.objects.create_superuser("root2", "r2@example.invalid", "correct-horse-8")
    services.reset_password(root, other, NEW_PASSWORD)
    other.refresh_from_db()
    assert other.check_password(NEW_PASSWORD)


def test_every_account_and_login_action_has_a_chinese_label():
    from shuangsuiji.accounts import admin_site, throttle
    from shuangsuiji.core.labels import ACTIONS

    codes = {
        services.CREATE,
        services.ROLES,
        services.DEPARTMENT,
        services.DEACTIVATE,
        services.REACTIVATE,
        services.PASSWORD_RESET,
        services.UNLOCK,
        services.THROTTLE_CLEARED,
        throttle.FAILURE,
        throttle.SUCCESS,
        throttle.LOCKOUT,
        throttle.ACCOUNT_LOCKED,
        admin_site.ADMIN_ADD,
        admin_site.ADMIN_CHANGE,
        admin_site.ADMIN_DELETE,
    }
    assert sorted(codes - set(ACTIONS)) == []
