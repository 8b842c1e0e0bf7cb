"""``ssj user add``: through the user service, audited, Chinese errors with exit 1."""

from __future__ import annotations

import io

import pytest

from shuangsuiji import cli
from shuangsuiji.accounts.models import Role, User
from shuangsuiji.audit.models import AuditEntry
from shuangsuiji.core.models import Department
from tests import factories

PASSWORD = "Lantern-river-2026"

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _keep_the_test_connection(monkeypatch):
    """``ssj`` closes the connections when a command ends; the test transaction needs it."""
    from django.db import connections

    monkeypatch.setattr(connections, "close_all", lambda: None)


@pytest.fixture
def joint_office(db):
    region = factories.region("410402")
    return Department.objects.create(
        code="410402-LXB",
        name="新华区双随机一公开联席办",
        short_name="联席办",
        region=region,
        is_joint_office=True,
    )


def _run(monkeypatch, *argv, stdin=PASSWORD + "\n"):
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    return cli.main(["user", *argv])


def test_a_joint_office_admin_is_created_for_the_districts_joint_office(
    monkeypatch, capsys, joint_office, culture
):
    code = _run(
        monkeypatch,
        "add",
        "zhang",
        "--role",
        Role.JOINT_OFFICE_ADMIN,
        "--region",
        "410402",
        "--password-stdin",
        "--full-name",
        "张三",
    )
    assert code == 0
    user = User.objects.get(username="zhang")
    assert user.department == joint_office
    assert user.roles() == {Role.JOINT_OFFICE_ADMIN}
    assert user.check_password(PASSWORD)
    assert user.full_name == "张三"
    assert "已新建账号 zhang（联席办管理员" in capsys.readouterr().out
    entry = AuditEntry.objects.get(action="user.create")
    assert entry.actor is None and entry.actor_name.startswith("系统（命令行")
    assert PASSWORD not in str(entry.data)


def test_an_inspector_is_created_in_a_department_by_its_code(monkeypatch, culture):
    code = _run(
        monkeypatch,
        "add",
        "li",
        "--role",
        "inspector",
        "--department",
        culture.code,
        "--password-stdin",
    )
    assert code == 0
    assert User.objects.get(username="li").department == culture


def test_a_district_without_a_joint_office_is_a_chinese_error(monkeypatch, capsys, culture):
    code = _run(
        monkeypatch,
        "add",
        "zhang",
        "--role",
        "joint_office_admin",
        "--region",
        "410402",
        "--password-stdin",
    )
    err = capsys.readouterr().err
    assert code == 1
    assert "还没有联席办" in err and "ssj setup --region 410402" in err
    assert "Traceback" not in err
    assert not User.objects.filter(username="zhang").exists()


def test_an_unknown_region_is_a_chinese_error(monkeypatch, capsys, db):
    code = _run(
        monkeypatch,
        "add",
        "zhang",
        "--role",
        "auditor",
        "--region",
        "419999",
        "--password-stdin",
    )
    err = capsys.readouterr().err
    assert code == 1 and "尚未开通" in err and "Traceback" not in err


def test_a_weak_password_is_refused_with_exit_1(monkeypatch, capsys, culture):
    code = _run(
        monkeypatch,
        "add",
        "li",
        "--role",
        "inspector",
        "--department",
        culture.code,
        "--password-stdin",
        stdin="123\n",
    )
    err = capsys.readouterr().err
    assert code == 1 and "密码不符合要求" in err and "accounts.password_invalid" in err
    assert "至少需要 10 个字符" in err and "不能全是数字" in err
    assert "password" not in err.replace("accounts.password_invalid", "")
    assert not User.objects.filter(username="li").exists()


def test_a_taken_user_name_is_refused_with_exit_1(monkeypatch, capsys, culture, dave):
    code = _run(
        monkeypatch,
        "add",
        "dave",
        "--role",
        "inspector",
        "--department",
        culture.code,
        "--password-stdin",
    )
    assert code == 1 and "已被使用" in capsys.readouterr().err


def test_acting_as_another_districts_admin_is_refused(monkeypatch, capsys, culture):
    weidong = factories.department("410403-WGL", "卫东区文化广电和旅游局", "文广旅局", "410403")
    factories.user("wd_alice", Role.JOINT_OFFICE_ADMIN, weidong)
    code = _run(
        monkeypatch,
        "add",
        "li",
        "--role",
        "inspector",
        "--department",
        culture.code,
        "--password-stdin",
        "--as",
        "wd_alice",
    )
    err = capsys.readouterr().err
    assert code == 1 and "不在您所在行政区划的管理范围内" in err
    assert not User.objects.filter(username="li").exists()


def test_the_role_and_the_place_are_required(monkeypatch, capsys, culture):
    with pytest.raises(SystemExit) as exc:
        _run(monkeypatch, "add", "li", "--password-stdin", "--department", culture.code)
    assert exc.value.code == 2
    assert "--role" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        _run(monkeypatch, "add", "li", "--role", "inspector", "--password-stdin")
