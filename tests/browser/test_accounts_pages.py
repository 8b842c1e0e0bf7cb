"""The joint office's account pages on a phone, in Chromium: create an account, lift a lock."""

import pytest
from django.urls import reverse

from shuangsuiji.accounts.models import AccountLock, User
from shuangsuiji.audit.models import AuditEntry
from tests import factories

from .conftest import login

pytestmark = pytest.mark.django_db(transaction=True)


def _console(tab):
    messages = []
    tab.on("console", lambda m: messages.append(m.text) if m.type in {"error", "warning"} else None)
    return messages


def _fits(tab) -> bool:
    return tab.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def test_on_a_phone_the_joint_office_admin_creates_an_account(phone, live_server, screenshots_dir):
    culture = factories.department()
    factories.user("alice", factories.ROLES.JOINT_OFFICE_ADMIN, culture)
    messages = _console(phone)
    login(phone, live_server, "alice")
    phone.goto(f"{live_server.url}{reverse('users:list')}")
    assert "账号管理" in phone.inner_text("h1") and _fits(phone)
    phone.click("text=新建账号")
    phone.fill("#id_username", "frank")
    phone.fill("#id_full_name", "弗兰克")
    phone.select_option("#id_department", str(culture.pk))
    phone.check("input[name=roles][value=inspector]")
    phone.fill("#id_password1", "Lantern-river-2026")
    phone.fill("#id_password2", "Lantern-river-2026")
    phone.click("main button[type=submit]")
    phone.wait_for_selector("text=已新建账号：frank")
    assert _fits(phone)
    phone.screenshot(path=str(screenshots_dir / "accounts-detail-phone.png"), full_page=True)
    assert User.objects.get(username="frank").department == culture
    assert not [m for m in messages if "Content Security Policy" in m or "Refused" in m]


def test_on_a_phone_the_joint_office_admin_lifts_a_lock(phone, live_server, screenshots_dir):
    culture = factories.department()
    factories.user("alice", factories.ROLES.JOINT_OFFICE_ADMIN, culture)
    dave = factories.user("dave", factories.ROLES.INSPECTOR, culture)
    from django.utils import timezone

    AccountLock.objects.create(username="dave", user=dave, locked_at=timezone.now(), addresses=10)
    messages = _console(phone)
    login(phone, live_server, "alice")
    phone.goto(f"{live_server.url}{reverse('users:locks')}")
    assert "dave" in phone.inner_text("main") and _fits(phone)
    phone.screenshot(path=str(screenshots_dir / "accounts-locks-phone.png"), full_page=True)
    phone.click("text=解除锁定")
    phone.wait_for_selector("text=已解除账号 dave 的锁定")
    assert not AccountLock.objects.active().exists()
    assert AuditEntry.objects.filter(action="login.account_unlocked").count() == 1
    assert not [m for m in messages if "Content Security Policy" in m or "Refused" in m]
