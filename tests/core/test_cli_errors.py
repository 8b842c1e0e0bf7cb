"""Commands print the Chinese message of an error and exit 1, never a traceback; the demo
is refused in production mode."""

from __future__ import annotations

import pytest
from django.core.management import CommandError
from django.db import IntegrityError, OperationalError

from shuangsuiji import cli
from shuangsuiji.accounts.models import User
from shuangsuiji.core.errors import StateConflict
from shuangsuiji.registries.models import Entity


def _raise(exc):
    def run():
        raise exc

    return run


@pytest.mark.parametrize(
    ("exc", "text", "code"),
    [
        (StateConflict("抽取已冻结，不能修改。", code="draw.frozen"), "抽取已冻结", "draw.frozen"),
        (OperationalError("database is locked"), "请稍后重试", "database.busy"),
        (Entity.DoesNotExist("Entity matching query does not exist."), "没有找到", "not_found"),
        (CommandError("文件不存在：x.csv"), "文件不存在：x.csv", "command.error"),
        (IntegrityError("UNIQUE constraint failed"), "数据冲突", "database.conflict"),
        (KeyError("slot"), "未预期的错误（KeyError）", "server.error"),
    ],
)
def test_an_error_in_a_command_prints_one_chinese_line_and_exits_1(capsys, exc, text, code):
    assert cli.guarded(_raise(exc)) == 1
    err = capsys.readouterr().err
    assert err.startswith("错误：") and text in err and code in err
    assert "Traceback" not in err
    assert len(err.strip().splitlines()) == 1


def test_a_successful_command_exits_0():
    assert cli.guarded(lambda: None) == 0


@pytest.mark.django_db(transaction=True)  # the command closes its connections when it ends
def test_ssj_demo_is_refused_in_production_mode(settings, capsys):
    settings.PRODUCTION = True
    assert cli.main(["demo"]) == 1
    err = capsys.readouterr().err
    assert "生产模式" in err and "demo.production" in err
    assert not User.objects.filter(username__startswith="demo").exists()
    assert not Entity.objects.exists()


@pytest.mark.django_db
def test_ssj_serve_demo_is_refused_in_production_mode_before_serving(settings, capsys):
    settings.PRODUCTION = True
    assert cli.main(["serve", "--demo", "--port", "1"]) == 1
    captured = capsys.readouterr()
    assert "生产模式" in captured.err
    assert "已启动" not in captured.out
    assert not Entity.objects.exists()


def test_a_usage_error_is_explained_in_chinese(capsys):
    with pytest.raises(SystemExit) as exit_info:
        cli.main(["import", "entities"])
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert "用法：ssj import" in err and "缺少必需的参数" in err
