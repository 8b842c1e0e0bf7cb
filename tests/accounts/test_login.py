import pytest
import time_machine
from django.urls import reverse

from shuangsuiji.audit.models import AuditEntry
from shuangsuiji.audit.services import verify_chain

PASSWORD = "correct-horse-battery"
ATTACKER = "203.0.113.9"
VICTIM = "198.51.100.7"


def _login(client, username, password, ip="127.0.0.1", **extra):
    return client.post(
        reverse("accounts:login"),
        {"username": username, "password": password},
        REMOTE_ADDR=ip,
        **extra,
    )


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
def test_five_failures_from_one_address_hold_off_that_address_even_with_the_right_password(
    client, alice
):
    for _ in range(5):
        _login(client, "alice", "wrong", ATTACKER)
    assert AuditEntry.objects.filter(action="login.lockout", object_id="alice").count() == 1
    lockout = AuditEntry.objects.get(action="login.lockout")
    assert lockout.data["ip"] == ATTACKER
    resp = _login(client, "alice", PASSWORD, ATTACKER)
    assert resp.status_code == 429
    assert "暂时锁定" in resp.content.decode()
    assert "15 分钟" in resp.content.decode()
    assert verify_chain() is None


@time_machine.travel("2026-03-02 09:00 +0800", tick=False)
def test_five_bad_passwords_from_an_attacker_address_do_not_lock_the_victim_out(client, alice):
    for _ in range(5):
        _login(client, "alice", "wrong", ATTACKER)
    assert _login(client, "alice", PASSWORD, ATTACKER).status_code == 429
    resp = _login(client, "alice", PASSWORD, VICTIM)
    assert resp.status_code == 302 and resp.url == reverse("core:home")


@time_machine.travel("2026-03-02 09:00 +0800", tick=False)
def test_failures_of_one_user_behind_a_shared_proxy_do_not_lock_the_others(client, alice, bob):
    proxy = "10.0.0.1"
    for _ in range(20):
        _login(client, "bob", "wrong", proxy)
    assert _login(client, "bob", PASSWORD, proxy).status_code == 429
    resp = _login(client, "alice", PASSWORD, proxy)
    assert resp.status_code == 302


def test_the_client_address_comes_from_the_trusted_proxy_header(client, alice, settings):
    settings.SSJ_TRUSTED_PROXY_HEADER = "X-Forwarded-For"
    # The client wrote a fake first entry; the proxy appended the address it saw.
    _login(client, "alice", "wrong", "10.0.0.1", HTTP_X_FORWARDED_FOR=f"1.2.3.4, {VICTIM}")
    entry = AuditEntry.objects.get(action="login.failure")
    assert entry.data["ip"] == VICTIM


@time_machine.travel("2026-03-02 09:00 +0800", tick=False)
def test_behind_a_trusted_proxy_an_attackers_failures_do_not_lock_the_victim(
    client, alice, settings
):
    settings.SSJ_TRUSTED_PROXY_HEADER = "X-Real-IP"
    for _ in range(6):
        _login(client, "alice", "wrong", "10.0.0.1", HTTP_X_REAL_IP=ATTACKER)
    assert _login(client, "alice", PASSWORD, "10.0.0.1", HTTP_X_REAL_IP=ATTACKER).status_code == 429
    resp = _login(client, "alice", PASSWORD, "10.0.0.1", HTTP_X_REAL_IP=VICTIM)
    assert resp.status_code == 302


def test_without_a_configured_header_a_forwarded_address_is_ignored(client, alice):
    _login(client, "alice", "wrong", "10.0.0.1", HTTP_X_FORWARDED_FOR=VICTIM)
    assert AuditEntry.objects.get(action="login.failure").data["ip"] == "10.0.0.1"


def test_the_lock_lifts_after_the_cool_off(client, alice):
    with time_machine.travel("2026-03-02 09:00 +0800", tick=False):
        for _ in range(5):
            _login(client, "alice", "wrong")
        assert _login(client, "alice", PASSWORD).status_code == 429
    with time_machine.travel("2026-03-02 09:16 +0800", tick=False):
        resp = _login(client, "alice", PASSWORD)
    assert resp.status_code == 302


def test_cool_offs_grow_with_each_batch_of_failures(client, alice):
    with time_machine.travel("2026-03-02 09:00 +0800", tick=False):
        for _ in range(5):
            _login(client, "alice", "wrong", ATTACKER)
    with time_machine.travel("2026-03-02 09:16 +0800", tick=False):
        for _ in range(5):
            _login(client, "alice", "wrong", ATTACKER)
        assert "30 分钟" in _login(client, "alice", "wrong", ATTACKER).content.decode()
    # The failure at 09:16 during the lock counts: the pair waits until 09:46 at least.
    with time_machine.travel("2026-03-02 09:40 +0800", tick=False):
        assert _login(client, "alice", PASSWORD, ATTACKER).status_code == 429
    with time_machine.travel("2026-03-02 11:00 +0800", tick=False):
        assert _login(client, "alice", PASSWORD, ATTACKER).status_code == 302
    assert AuditEntry.objects.filter(action="login.lockout").count() == 2


def test_the_throttle_is_per_user_name(client, alice, bob):
    for _ in range(5):
        _login(client, "alice", "wrong")
    assert _login(client, "bob", PASSWORD).status_code == 302


def test_a_user_name_in_other_letters_counts_as_the_same_account(client, alice):
    for name in ("alice", "Alice", "ALICE", "aLice", "alicE"):
        _login(client, name, "wrong", ATTACKER)
    assert _login(client, "alice", PASSWORD, ATTACKER).status_code == 429


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
