from __future__ import annotations

import datetime
import sys

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from shuangsuiji.audit.models import AuditEntry
from shuangsuiji.audit.services import verify_chain


class Command(BaseCommand):
    help = "审计日志：verify 核验哈希链；head 打印链头（--date 某日结束时的链头，可用于每日公布）。"

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["verify", "head"])
        parser.add_argument("--date", help="YYYY-MM-DD：打印该日（北京时间）结束时的链头")

    def handle(self, *args, action, date=None, **options):
        if action == "head":
            qs = AuditEntry.objects.order_by("-seq")
            if date:
                try:
                    day = datetime.date.fromisoformat(date)
                except ValueError as exc:
                    raise CommandError(f"日期格式应为 YYYY-MM-DD：{date}") from exc
                end = timezone.make_aware(datetime.datetime.combine(day, datetime.time.max))
                qs = qs.filter(at__lte=end)
            last = qs.first()
            if last is None:
                self.stdout.write("审计日志为空")
            else:
                at = timezone.localtime(last.at).isoformat()
                self.stdout.write(f"{last.seq} {at} {last.entry_hash}")
            return
        problem = verify_chain()
        count = AuditEntry.objects.count()
        if problem:
            self.stderr.write(f"审计链断裂：{problem}")
            sys.exit(1)
        self.stdout.write(f"OK 审计链完整，共 {count} 条记录")
