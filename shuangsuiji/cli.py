"""ssj：双随机、一公开 部门联合监管平台的命令行工具。

用法：ssj 命令 [选项]；ssj 命令 --help 查看该命令的全部选项。

  serve          运行平台（生产级服务器 granian）；--demo 同时加载演示区县
  setup          开通区县：--region 6位代码 建立行政区划、联席办和部门（可重复执行）
  draw           离线抽取工具：announce 公告 / reveal 开奖 / verify 核验 / substitute 替补（不需要数据库）
  import         从 xlsx/xls/csv 导入检查对象、执法检查人员、回避关系或抽查事项
  export         导出名录为 xlsx
  load-defaults  加载默认抽查事项清单
  plan           抽查计划：导入/导出附件 1、冻结公告、开奖
  audit          核验审计链
  demo           加载演示区县与演示账号（生产模式下拒绝执行）
  backup         备份数据库与文件
  restore        从备份恢复
  user           工作人员账号：add 新建（--role、--department 或 --region、--password-stdin）
  manage         任意 Django 管理命令

使用数据库的命令先自动完成数据库迁移（与 serve 相同），新的数据目录里也可直接运行，
并在标准错误输出上打印所用的数据目录（默认 ./var，相对于运行命令时的当前目录）。
出错时打印中文说明并以退出码 1 结束；设置 SSJ_DEBUG=1 可查看详细的调用栈。
"""

from __future__ import annotations

import argparse
import os
import sys
import traceback
from collections.abc import Callable

SHORTCUTS = {
    "setup": "setup",
    "import": "ssj_import",
    "export": "ssj_export",
    "load-defaults": "load_defaults",
    "plan": "plan",
    "audit": "audit",
    "demo": "load_demo",
    "backup": "backup",
    "restore": "restore",
    "user": "user",
}

# ``ssj manage`` subcommands that must not migrate first (they inspect or make migrations).
NO_MIGRATE = {"migrate", "makemigrations", "showmigrations", "sqlmigrate", "squashmigrations"}
NO_MIGRATE |= {"check", "help", "version", "--help", "-h", "--version"}

# Django's and argparse's own option help, in Chinese.
OPTION_HELP = {
    "help": "显示帮助并退出",
    "version": "显示版本号并退出",
    "verbosity": "输出详细程度：0 最少，1 正常，2 详细，3 非常详细",
    "settings": "Django 设置模块（默认 shuangsuiji.settings）",
    "pythonpath": "加入 Python 搜索路径的目录",
    "traceback": "出错时显示完整的调用栈",
    "no_color": "不使用彩色输出",
    "force_color": "强制使用彩色输出",
    "skip_checks": "跳过系统检查",
}


# argparse's own messages (it looks its global ``_`` up at call time), in Chinese.
ARGPARSE_ZH = {
    "usage: ": "用法：",
    "positional arguments": "位置参数",
    "options": "选项",
    "show this help message and exit": "显示帮助并退出",
    "unrecognized arguments: %s": "无法识别的参数：%s",
    "the following arguments are required: %s": "缺少必需的参数：%s",
    "one of the arguments %s is required": "参数 %s 必须提供其中一个",
    "argument %(argument_name)s: %(message)s": "参数 %(argument_name)s：%(message)s",
    "expected one argument": "需要一个值",
    "expected at most one argument": "最多只能有一个值",
    "expected at least one argument": "至少需要一个值",
    "not allowed with argument %s": "不能与参数 %s 同时使用",
    "invalid %(type)s value: %(value)r": "无效的 %(type)s 值：%(value)r",
    "invalid choice: %(value)r (choose from %(choices)s)": "无效的取值：%(value)r（可选：%(choices)s）",
    "%(prog)s: error: %(message)s\n": "%(prog)s：错误：%(message)s\n",
    "unknown parser %(parser_name)r (choices: %(choices)s)": "未知的子命令 %(parser_name)r（可选：%(choices)s）",
    "can't open '%(filename)s': %(error)s": "无法打开“%(filename)s”：%(error)s",
    "ambiguous option: %(option)s could match %(matches)s": "选项 %(option)s 有歧义，可能是 %(matches)s",
}


def chinese_argparse() -> None:
    """Make argparse speak Chinese for every parser built after this call."""
    if getattr(argparse, "_ssj_zh", False):
        return
    english = argparse._

    def translate(text: str) -> str:
        return ARGPARSE_ZH.get(text) or english(text)

    argparse._ = translate
    argparse._ssj_zh = True


class ChineseUsage:
    """Mixed into a parser's formatter class: "用法：" instead of "usage: "."""

    def add_usage(self, usage, actions, groups, prefix=None):
        return super().add_usage(usage, actions, groups, prefix or "用法：")


def localise_parser(parser: argparse.ArgumentParser) -> argparse.ArgumentParser:
    """Chinese section titles, usage prefix and help for the built-in options, recursively."""
    base = parser.formatter_class
    if not issubclass(base, ChineseUsage):
        parser.formatter_class = type(f"Chinese{base.__name__}", (ChineseUsage, base), {})
    for group in parser._action_groups:
        group.title = {"positional arguments": "位置参数", "options": "选项"}.get(
            group.title, group.title
        )
    for action in parser._actions:
        if action.dest in OPTION_HELP and (not action.help or action.help.isascii()):
            action.help = OPTION_HELP[action.dest]
        if isinstance(action, argparse._SubParsersAction):
            for sub in action.choices.values():
                localise_parser(sub)
    return parser


def _django_setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shuangsuiji.settings")
    import django

    django.setup()


def serve_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="ssj serve", description="运行平台（生产级服务器）")
    parser.add_argument("--demo", action="store_true", help="加载演示区县（新华区）与演示账号")
    parser.add_argument("--host", default="127.0.0.1", help="监听地址（默认 127.0.0.1）")
    parser.add_argument("--port", type=int, default=8000, help="监听端口（默认 8000）")
    parser.add_argument(
        "--workers",
        type=int,
        default=int(os.environ.get("SSJ_WORKERS", "2")),
        help="工作进程数（默认取 SSJ_WORKERS，否则 2）",
    )
    parser.add_argument(
        "--threads",
        type=int,
        default=int(os.environ.get("SSJ_THREADS", "4")),
        help="每个进程的线程数（默认取 SSJ_THREADS，否则 4）",
    )
    return localise_parser(parser)


def where() -> str:
    """The data folder and database in use, for the first line of every command."""
    from django.conf import settings

    db = settings.DATABASES["default"]
    if "sqlite" in db["ENGINE"]:
        store = f"SQLite {db['NAME']}"
    else:
        store = f"PostgreSQL {db.get('HOST') or 'localhost'}/{db.get('NAME')}"
    return f"数据目录：{settings.DATA_DIR}（数据库：{store}）"


def prepare_database() -> None:
    """Say which data folder is in use and apply pending migrations, as ``serve`` does."""
    from django.core.management import call_command

    print(where(), file=sys.stderr, flush=True)
    call_command("migrate", interactive=False, verbosity=0)
    from shuangsuiji.registries.middleware import refresh_once_a_day

    refresh_once_a_day()  # ratings dated in the future that came into force since


def serve(argv: list[str]) -> int:
    args = serve_parser().parse_args(argv)
    _django_setup()
    from django.core.management import call_command

    prepare_database()
    if args.demo:
        call_command("load_demo")
    url = f"http://{args.host}:{args.port}/"
    print(
        f"双随机平台已启动：{url}  （工作人员登录 {url}accounts/login/，公示门户 {url}portal/）",
        flush=True,
    )
    from granian.constants import Interfaces
    from granian.server import Server

    Server(
        "shuangsuiji.wsgi:application",
        address=args.host,
        port=args.port,
        interface=Interfaces.WSGI,
        workers=args.workers,
        blocking_threads=args.threads,
        log_access=False,
    ).serve()
    return 0


def command_parser(name: str) -> tuple[object, argparse.ArgumentParser]:
    """The management command behind ``ssj NAME`` and its parser, in Chinese."""
    from django.core.management import get_commands, load_command_class

    command_name = SHORTCUTS.get(name, name)
    command = load_command_class(get_commands()[command_name], command_name)
    command._called_from_command_line = True  # parse errors: usage and exit 2, as argparse does
    parser = command.create_parser("ssj", command_name)
    parser.prog = f"ssj {name}"
    return command, localise_parser(parser)


def run_command(name: str, argv: list[str]) -> int:
    """Run a management command in process, so its errors reach :func:`guarded`."""
    _django_setup()
    from django.db import connections

    command, parser = command_parser(name)
    options = vars(parser.parse_args(argv))
    args = options.pop("args", ())
    prepare_database()
    try:
        command.execute(*args, **options)
    finally:
        connections.close_all()
    return 0


def manage(argv: list[str]) -> int:
    """``ssj manage …``: any Django command, on a migrated database unless it is about
    migrations or help."""
    from django.core.management import execute_from_command_line

    _django_setup()
    if argv and argv[0] not in NO_MIGRATE and not {"-h", "--help"} & set(argv):
        prepare_database()
    execute_from_command_line(["ssj manage", *argv])
    return 0


def describe(exc: BaseException) -> tuple[str, str]:
    """(Chinese message, code) for an exception that ends a command."""
    from django.core.management import CommandError

    from shuangsuiji.core.error_handling import as_domain_error

    if isinstance(exc, CommandError):
        return str(exc), "command.error"
    error = as_domain_error(exc)
    if error is not None:
        return error.message, error.code
    return f"未预期的错误（{type(exc).__name__}）：{exc}", "server.error"


def guarded(run: Callable[[], int]) -> int:
    """Run a command; print any error as one Chinese line and return 1, never a traceback."""
    try:
        return int(run() or 0)
    except KeyboardInterrupt:
        print("已中断。", file=sys.stderr)
        return 130
    except SystemExit:
        raise
    except Exception as exc:  # noqa: BLE001 - this is the one place that turns errors into exit 1
        if os.environ.get("SSJ_DEBUG"):
            traceback.print_exc()
        message, code = describe(exc)
        print(f"错误：{message}（错误代码 {code}）", file=sys.stderr)
        return 1


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    chinese_argparse()
    if not argv or argv[0] in {"-h", "--help", "help"}:
        print(__doc__)
        return 0
    command, rest = argv[0], argv[1:]
    if command == "draw":
        from shuangsuiji.drawengine.cli import main as draw_main

        return guarded(lambda: draw_main(rest))
    if command == "serve":
        return guarded(lambda: serve(rest))
    if command == "manage":
        return guarded(lambda: manage(rest))
    if command in SHORTCUTS:
        return guarded(lambda: run_command(command, rest))
    print(f"未知命令：{command}\n", file=sys.stderr)
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
