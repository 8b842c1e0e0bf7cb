from __future__ import annotations

import datetime
import json
import sys

from django.core.management.base import BaseCommand
from django.utils import timezone

from shuangsuiji.audit.models import AuditEntry
from shuangsuiji.audit.services import (
    check_chain,
    heads_document,
    load_heads,
    parse_heads,
    stored_heads,
)
from shuangsuiji.core.errors import DomainError


class Command(BaseCommand):
    help = (
        "审计日志：verify 核验哈希链（并核对已公布的每日链头及 --head/--heads 给出的链头）；"
        "head 打印链头（--date 某日结束时的链头）；heads 以 JSON 打印已公布的每日链头。"
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "action",
            choices=["verify", "head", "heads"],
            help="verify 核验整条审计链；head 打印链头；heads 列出每日链头",
        )
        parser.add_argument("--date", help="YYYY-MM-DD：打印该日（北京时间）结束时的链头")
        parser.add_argument(
            "--head",
            action="append",
            default=[],
            metavar="SEQ:HASH",
            help="已知的链头（可重复）：链必须包含第 SEQ 条且其哈希为 HASH",
        )
        parser.add_argument(
            "--heads",
            action="append",
            default=[],
            metavar="FILE_OR_URL",
            help="门户公布的链头 JSON（/portal/audit/heads.json 的副本或其网址，可重复）",
        )

    def handle(self, *args, action, date=None, head=(), heads=(), **options):
        try:
            if action == "head":
                return self._head(date)
            if action == "heads":
                self.stdout.write(json.dumps(heads_document(), ensure_ascii=False, indent=1))
                return
            self._verify(head, heads)
        except DomainError as exc:
            self.stderr.write(exc.message)
            sys.exit(1)

    def _head(self, date: str | None) -> None:
        qs = AuditEntry.objects.order_by("-seq")
        if date:
            try:
                day = datetime.date.fromisoformat(date)
            except ValueError:
                self.stderr.write(f"日期格式应为 YYYY-MM-DD：{date}")
                sys.exit(1)
            end = timezone.make_aware(datetime.datetime.combine(day, datetime.time.max))
            qs = qs.filter(at__lte=end)
        last = qs.first()
        if last is None:
            self.stdout.write("审计日志为空")
        else:
            at = timezone.localtime(last.at).isoformat()
            self.stdout.write(f"{last.seq} {at} {last.entry_hash}")

    def _verify(self, head_texts, head_sources) -> None:
        given = parse_heads(head_texts)
        for source in head_sources:
            given += load_heads(source)
        published = len(stored_heads())
        problem = check_chain(given)
        if problem:
            self.stderr.write(f"审计链核验失败（第 {problem.seq} 条）：{problem.message}")
            sys.exit(1)
        count = AuditEntry.objects.count()
        self.stdout.write(
            f"OK 审计链完整，共 {count} 条记录；已核对本系统公布的 {published} 个每日链头"
            f"和另给出的 {len(given)} 个链头"
        )
