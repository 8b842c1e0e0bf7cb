"""``ssj import KIND FILE [--dry-run] [--as USER] [--region CODE] [--max-mb N]``.

KIND is entities, inspectors, conflicts or items. The file size limit is the upload
limit (``SSJ_MAX_UPLOAD_BYTES``) unless ``--max-mb`` raises it; the row limit and the
spreadsheet guards apply either way.

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
        parser.add_argument(
            "kind",
            choices=[k.value for k in Kind],
            help="导入的内容：entities 检查对象、inspectors 执法检查人员、conflicts 回避关系、items 抽查事项",
        )
        parser.add_argument("file", help="要导入的 .xlsx、.xls 或 .csv 文件")
        parser.add_argument("--dry-run", action="store_true", help="只校验并统计，不写入")
        parser.add_argument("--as", dest="username", help="以该用户身份导入（默认：系统）")
        parser.add_argument("--region", help="未填写行政区划的检查对象所用的 6 位行政区划代码")
        parser.add_argument(
            "--max-mb",
            type=float,
            help="文件大小上限（MB），默认与网页上传相同（SSJ_MAX_UPLOAD_BYTES，50 MB）",
        )

    def handle(self, *args, **options):
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"文件不存在：{path}")
        try:
            actor = actor_for(options["username"])
        except Exception as exc:  # noqa: BLE001 - unknown user
            raise CommandError(f"用户不存在：{options['username']}") from exc
        max_mb = options.get("max_mb")
        if max_mb is not None and max_mb <= 0:
            raise CommandError("--max-mb 必须大于 0")
        try:
            plan = import_file(
                actor,
                options["kind"],
                path,
                path.name,
                region_code=options["region"],
                dry_run=options["dry_run"],
                max_bytes=int(max_mb * 1048576) if max_mb else None,
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
