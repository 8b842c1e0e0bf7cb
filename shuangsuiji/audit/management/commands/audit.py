from __future__ import annotations

import sys

from django.core.management.base import BaseCommand

from shuangsuiji.audit.models import AuditEntry
from shuangsuiji.audit.services import verify_chain


class Command(BaseCommand):
    help = "审计日志：verify 核验哈希链；head 打印当前链头。"

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["verify", "head"])

    def handle(self, *args, action, **options):
        if action == "head":
            last = AuditEntry.objects.order_by("-seq").first()
            if last is None:
                self.stdout.write("审计日志为空")
            else:
                self.stdout.write(f"{last.seq} {last.at.isoformat()} {last.entry_hash}")
            return
        problem = verify_chain()
        count = AuditEntry.objects.count()
        if problem:
            self.stderr.write(f"审计链断裂：{problem}")
            sys.exit(1)
        self.stdout.write(f"OK 审计链完整，共 {count} 条记录")
