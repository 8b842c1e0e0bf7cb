"""Accounts of a second district (卫东区 410403) and a superuser, for scope tests."""

from __future__ import annotations

import pytest

from shuangsuiji.accounts.models import Role, User
from tests import factories


@pytest.fixture
def weidong(db):
    return factories.department("410403-WGL", "卫东区文化广电和旅游局", "文广旅局", "410403")


@pytest.fixture
def wd_alice(weidong):
    """Joint-office admin of the other district (卫东区)."""
    return factories.user("wd_alice", Role.JOINT_OFFICE_ADMIN, weidong)


@pytest.fixture
def wd_dave(weidong):
    """Inspector of the other district."""
    return factories.user("wd_dave", Role.INSPECTOR, weidong)


@pytest.fixture
def root(culture):
    """A superuser who happens to sit in the culture bureau of 新华区."""
    user = User.objects.create_superuser("root", "root@example.invalid", "correct-horse-9")
    user.department = culture
    user.save(update_fields=["department"])
    return user
