"""``ssj export entities|inspectors|conflicts|items FILE.xlsx [--as USER]``."""

from __future__ import annotations

from pathlib import Path

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError

from shuangsuiji.core.actors import actor_for
from shuangsuiji.registries.exporting import export_xlsx
from shuangsuiji.registries.importing import Kind


class Command(BaseCommand):
    help = "把检查对象、执法检查人员、回避关系或抽查事项导出为 xlsx（与导入模板同一表头）"

    def add_arguments(self, parser):
        parser.add_argument(
            "kind",
            choices=[k.value for k in Kind],
            help="导出的内容：entities 检查对象、inspectors 执法检查人员、conflicts 回避关系、items 抽查事项",
        )
        parser.add_argument("file", help="写出的 .xlsx 文件")
        parser.add_argument("--as", dest="username", help="以该用户身份导出（默认：系统）")

    def handle(self, *args, **options):
        path = Path(options["file"])
        if path.suffix.lower() != ".xlsx":
            raise CommandError("导出文件名应以 .xlsx 结尾")
        try:
            actor = actor_for(options["username"])
        except Exception as exc:  # noqa: BLE001 - unknown user
            raise CommandError(f"用户不存在：{options['username']}") from exc
        try:
            count, _ = export_xlsx(actor, options["kind"], path)
        except PermissionDenied as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"已导出 {count} 条记录到 {path}")
