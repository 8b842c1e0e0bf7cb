import pytest
import time_machine
from django.urls import reverse

from shuangsuiji.audit.models import AuditEntry
from shuangsuiji.audit.services import verify_chain

PASSWORD = "correct-horse-battery"


def _login(client, username, password):
    return client.post(reverse("accounts:login"), {"username": username, "password": password})


def test_the_login_page_is_in_chinese(client, db):
    resp = client.get(reverse("accounts:login"))
    assert resp.status_code == 200
    assert "登录" in resp.content.decode()
    assert 'lang="zh-Hans"' in resp.content.decode()


def test_a_correct_login_reaches_the_workbench_and_is_audited(client, alice):
    resp = _login(client, "alice", PASSWORD)
    assert resp.status_code == 302 and resp.url == reverse("core:home")
    assert AuditEntry.objects.filter(action="login.success", actor=alice).count() == 1


def test_a_wrong_password_shows_a_chinese_error_and_is_audited(client, alice):
    resp = _login(client, "alice", "wrong")
    assert "用户名或密码不正确" in resp.content.decode()
    assert AuditEntry.objects.filter(action="login.failure", object_id="alice").count() == 1


@time_machine.travel("2026-03-02 09:00 +0800", tick=False)
def test_five_failures_lock_the_account_even_for_the_right_password(client, alice):
    for _ in range(5):
        _login(client, "alice", "wrong")
    assert AuditEntry.objects.filter(action="login.lockout").count() == 1
    resp = _login(client, "alice", PASSWORD)
    assert resp.status_code == 200
    assert "暂时锁定" in resp.content.decode()
    assert verify_chain() is None


def test_the_lock_lifts_after_the_window(client, alice):
    with time_machine.travel("2026-03-02 09:00 +0800", tick=False):
        for _ in range(5):
            _login(client, "alice", "wrong")
    with time_machine.travel("2026-03-02 09:16 +0800", tick=False):
        resp = _login(client, "alice", PASSWORD)
    assert resp.status_code == 302


def test_the_lock_is_per_user_name(client, alice, bob):
    for _ in range(5):
        _login(client, "alice", "wrong")
    assert _login(client, "bob", PASSWORD).status_code == 302


@pytest.mark.parametrize("path", ["/staff/", "/staff/system/", "/staff/audit/"])
def test_staff_pages_redirect_anonymous_visitors_to_login(client, db, path):
    resp = client.get(path)
    assert resp.status_code == 302
    assert resp.url.startswith(reverse("accounts:login"))


def test_an_account_without_role_is_refused_staff_pages(client, mallory):
    client.force_login(mallory)
    assert client.get("/staff/").status_code == 403


def test_security_headers_are_sent(client, db):
    resp = client.get(reverse("accounts:login"))
    assert "default-src 'self'" in resp.headers["Content-Security-Policy"]
    assert resp.headers["X-Frame-Options"] == "DENY"
    assert resp.headers["X-Content-Type-Options"] == "nosniff"


def test_the_audit_log_is_for_auditors_and_the_joint_office_only(client, erin, dave, alice):
    client.force_login(dave)
    assert client.get(reverse("audit:list")).status_code == 403
    client.force_login(erin)
    assert client.get(reverse("audit:list")).status_code == 200
    client.force_login(alice)
    assert client.get(reverse("audit:list")).status_code == 200
