"""The ``ssj`` command.

- ``ssj serve [--demo] [--host H] [--port P] [--workers N]``: migrate, optionally load the
  demo district, then serve with granian (a production server that also runs on Windows).
- ``ssj draw announce|reveal|verify …``: the offline draw tool (no database needed).
- ``ssj manage …``: any Django management command.
- ``ssj import|export|load-defaults|plan|audit|backup|restore …``: shortcuts for the platform's commands.
"""

from __future__ import annotations

import argparse
import os
import sys

SHORTCUTS = {
    "import": "ssj_import",
    "export": "ssj_export",
    "load-defaults": "load_defaults",
    "plan": "plan",
    "audit": "audit",
    "demo": "load_demo",
    "backup": "backup",
    "restore": "restore",
}


def _django_setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shuangsuiji.settings")
    import django

    django.setup()


def serve(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="ssj serve", description="运行平台（生产级服务器）")
    parser.add_argument("--demo", action="store_true", help="加载演示区县（新华区）与演示账号")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--workers", type=int, default=int(os.environ.get("SSJ_WORKERS", "2")))
    parser.add_argument("--threads", type=int, default=int(os.environ.get("SSJ_THREADS", "4")))
    args = parser.parse_args(argv)
    _django_setup()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
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


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] in {"-h", "--help", "help"}:
        print(__doc__)
        return 0
    command, rest = argv[0], argv[1:]
    if command == "draw":
        from shuangsuiji.drawengine.cli import main as draw_main

        return draw_main(rest)
    if command == "serve":
        return serve(rest)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shuangsuiji.settings")
    from django.core.management import execute_from_command_line

    if command == "manage":
        execute_from_command_line(["ssj manage", *rest])
        return 0
    if command in SHORTCUTS:
        execute_from_command_line(["ssj", SHORTCUTS[command], *rest])
        return 0
    print(f"未知命令：{command}\n", file=sys.stderr)
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
