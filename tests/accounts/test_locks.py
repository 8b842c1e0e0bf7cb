"""A hard account lock only after failures from many addresses, lifted on the staff page."""

from __future__ import annotations

import time_machine
from django.urls import reverse

from shuangsuiji.accounts.models import AccountLock
from shuangsuiji.audit.models import AuditEntry
from shuangsuiji.audit.services import verify_chain

PASSWORD = "correct-horse-battery"


def _login(client, username, password, ip):
    return client.post(
        reverse("accounts:login"), {"username": username, "password": password}, REMOTE_ADDR=ip
    )


def _fail_from_many(client, username, count):
    for n in range(1, count + 1):
        _login(client, username, "wrong", f"203.0.113.{n}")


@time_machine.travel("2026-03-02 09:00 +0800", tick=False)
def test_failures_from_nine_addresses_do_not_lock_the_account(client, dave):
    _fail_from_many(client, "dave", 9)
    assert not AccountLock.objects.exists()
    assert _login(client, "dave", PASSWORD, "198.51.100.7").status_code == 302


@time_machine.travel("2026-03-02 09:00 +0800", tick=False)
def test_failures_from_ten_addresses_lock_the_account_everywhere(client, dave):
    _fail_from_many(client, "dave", 10)
    lock = AccountLock.objects.get()
    assert lock.user == dave and lock.addresses == 10 and lock.lifted_at is None
    entry = AuditEntry.objects.get(action="login.account_locked")
    assert entry.object_id == "dave" and entry.data["addresses"] == 10
    resp = _login(client, "dave", PASSWORD, "198.51.100.7")
    assert resp.status_code == 429
    assert "已被锁定" in resp.content.decode()
    assert "联席办管理员" in resp.content.decode()
    assert AuditEntry.objects.filter(action="login.account_locked").count() == 1
    assert verify_chain() is None


@time_machine.travel("2026-03-02 09:00 +0800", tick=False)
def test_the_joint_office_admin_lifts_the_lock_in_the_ui_with_an_audit_row(client, dave, alice):
    _fail_from_many(client, "dave", 10)
    lock = AccountLock.objects.get()
    admin = client.__class__()
    admin.force_login(alice)
    page = admin.get(reverse("users:locks"))
    assert page.status_code == 200 and "dave" in page.content.decode()
    resp = admin.post(reverse("users:lock-lift", args=[lock.pk]))
    assert resp.status_code == 302
    lock.refresh_from_db()
    assert lock.lifted_at is not None and lock.lifted_by == alice
    entry = AuditEntry.objects.get(action="login.account_unlocked")
    assert entry.actor == alice and entry.data["username"] == "dave"
    assert _login(client, "dave", PASSWORD, "198.51.100.7").status_code == 302
    assert verify_chain() is None


@time_machine.travel("2026-03-02 09:00 +0800", tick=False)
def test_after_a_lift_earlier_failures_do_not_lock_again(client, dave, alice):
    from shuangsuiji.accounts import services

    _fail_from_many(client, "dave", 10)
    services.unlock_account(alice, AccountLock.objects.get())
    _login(client, "dave", "wrong", "198.51.100.99")
    assert not AccountLock.objects.active().exists()


@time_machine.travel("2026-03-02 09:00 +0800", tick=False)
def test_the_other_districts_admin_cannot_lift_our_lock(client, dave, wd_alice):
    _fail_from_many(client, "dave", 10)
    lock = AccountLock.objects.get()
    client.force_login(wd_alice)
    assert "dave" not in client.get(reverse("users:locks")).content.decode()
    before = AuditEntry.objects.count()
    assert client.post(reverse("users:lock-lift", args=[lock.pk])).status_code == 404
    lock.refresh_from_db()
    assert lock.lifted_at is None
    assert AuditEntry.objects.count() == before


@time_machine.travel("2026-03-02 09:00 +0800", tick=False)
def test_a_department_admin_cannot_lift_a_lock(client, dave, bob):
    _fail_from_many(client, "dave", 10)
    lock = AccountLock.objects.get()
    client.force_login(bob)
    assert client.post(reverse("users:lock-lift", args=[lock.pk])).status_code == 403
    lock.refresh_from_db()
    assert lock.lifted_at is None


@time_machine.travel("2026-03-02 09:00 +0800", tick=False)
def test_the_joint_office_admin_clears_one_address_throttle_with_an_audit_row(client, dave, alice):
    for _ in range(5):
        _login(client, "dave", "wrong", "198.51.100.7")
    assert _login(client, "dave", PASSWORD, "198.51.100.7").status_code == 429
    admin = client.__class__()
    admin.force_login(alice)
    assert "198.51.100.7" in admin.get(reverse("users:locks")).content.decode()
    resp = admin.post(reverse("users:throttle-clear"), {"username": "dave", "ip": "198.51.100.7"})
    assert resp.status_code == 302
    entry = AuditEntry.objects.get(action="login.throttle_cleared")
    assert entry.actor == alice and entry.data["ip"] == "198.51.100.7"
    assert _login(client, "dave", PASSWORD, "198.51.100.7").status_code == 302
