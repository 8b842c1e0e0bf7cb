"""``ssj import entities|inspectors|conflicts|items FILE [--dry-run] [--as USER] [--region CODE]``.

Exit 0 with a summary when every row is valid (and written, unless --dry-run); exit 1
with the error report (row, column, message) and nothing written otherwise.
"""

from __future__ import annotations

import sys
from pathlib import Path

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError

from shuangsuiji.core.actors import actor_for
from shuangsuiji.registries.importing import Kind, import_file


class Command(BaseCommand):
    help = "从 .xlsx、.xls 或 .csv 文件导入检查对象、执法检查人员、回避关系或抽查事项（全部成功或全部不写入）"

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=[k.value for k in Kind])
        parser.add_argument("file")
        parser.add_argument("--dry-run", action="store_true", help="只校验并统计，不写入")
        parser.add_argument("--as", dest="username", help="以该用户身份导入（默认：系统）")
        parser.add_argument("--region", help="未填写行政区划的检查对象所用的 6 位行政区划代码")

    def handle(self, *args, **options):
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"文件不存在：{path}")
        try:
            actor = actor_for(options["username"])
        except Exception as exc:  # noqa: BLE001 - unknown user
            raise CommandError(f"用户不存在：{options['username']}") from exc
        try:
            plan = import_file(
                actor,
                options["kind"],
                path,
                path.name,
                region_code=options["region"],
                dry_run=options["dry_run"],
            )
        except PermissionDenied as exc:
            raise CommandError(str(exc)) from exc
        for issue in sorted(plan.warnings, key=lambda i: i.row):
            self.stderr.write(f"提示：{_where(issue)}：{issue.message}")
        if not plan.ok:
            self.stderr.write(f"{path.name}：发现 {len(plan.errors)} 处错误，未写入任何数据。")
            for issue in plan.sorted_errors():
                self.stderr.write(f"{_where(issue)}：{issue.message}")
            sys.exit(1)
        counts = plan.counts
        verb = "校验通过（--dry-run，未写入）" if options["dry_run"] else "导入完成"
        self.stdout.write(
            f"{plan.kind.label}{verb}：共 {plan.total_rows} 行，新增 {counts['created']}，"
            f"更新 {counts['updated']}，不变 {counts['unchanged']}"
        )


def _where(issue) -> str:
    return f"第 {issue.row} 行［{issue.column}］" if issue.row else f"［{issue.column}］"
