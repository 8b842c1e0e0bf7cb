"""Shared fixtures: named users for each role (alice/bob/carol/dave/erin/mallory)."""

from __future__ import annotations

import os
import shutil

import pytest

from tests import factories


def pytest_report_header(config):
    from django.conf import settings

    return f"database: {settings.DATABASES['default']['ENGINE']}"


@pytest.fixture
def culture(db):
    return factories.department()


@pytest.fixture
def police_dept(db):
    return factories.police()


@pytest.fixture
def alice(db, culture):
    """Joint-office admin (联席办管理员)."""
    return factories.user("alice", factories.ROLES.JOINT_OFFICE_ADMIN, culture)


@pytest.fixture
def bob(db, culture):
    """Department admin of the culture bureau (文广旅局)."""
    return factories.user("bob", factories.ROLES.DEPARTMENT_ADMIN, culture)


@pytest.fixture
def carol(db, police_dept):
    """Department admin of the police branch (公安分局)."""
    return factories.user("carol", factories.ROLES.DEPARTMENT_ADMIN, police_dept)


@pytest.fixture
def dave(db, culture):
    """Inspector of the culture bureau."""
    return factories.user("dave", factories.ROLES.INSPECTOR, culture)


@pytest.fixture
def erin(db, culture):
    """Auditor (read-only)."""
    return factories.user("erin", factories.ROLES.AUDITOR, culture)


@pytest.fixture
def mallory(db, culture):
    """Logged-in account without any role."""
    return factories.user("mallory", None, culture)


def _chromium_path() -> str | None:
    for candidate in (
        os.environ.get("SSJ_CHROMIUM"),
        "/usr/bin/chromium",
        shutil.which("chromium"),
    ):
        if candidate and os.path.exists(candidate):
            return candidate
    return None


@pytest.fixture(scope="session")
def chromium_executable():
    path = _chromium_path()
    required = os.environ.get("SSJ_REQUIRE_BROWSER") == "1"
    if path is None and required:
        pytest.fail("SSJ_REQUIRE_BROWSER=1 but Chromium (/usr/bin/chromium) is not installed")
    if path is None:
        pytest.skip("未安装 Chromium（/usr/bin/chromium）：浏览器测试跳过；.ci/run 会安装它")
    try:
        import playwright  # noqa: F401
    except ImportError:
        if required:
            pytest.fail("SSJ_REQUIRE_BROWSER=1 but the playwright package is not installed")
        pytest.skip("未安装 playwright Python 包：浏览器测试跳过")
    return path
