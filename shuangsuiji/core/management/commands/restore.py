import sys

from django.core.management.base import BaseCommand

from shuangsuiji.core.backup import BackupError, restore_backup
from shuangsuiji.core.errors import DomainError


class Command(BaseCommand):
    help = (
        "从 ssj backup 生成的文件恢复整个数据库（先停止服务；全部成功或全部不写入）。"
        "恢复后的审计链必须包含本系统已公布的每日链头以及 --head/--heads 给出的链头。"
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="要恢复的备份文件（.zip）")
        parser.add_argument("--yes", action="store_true", help="确认覆盖当前数据库的全部数据")
        parser.add_argument(
            "--head", action="append", default=[], metavar="SEQ:HASH", help="已知链头（可重复）"
        )
        parser.add_argument(
            "--heads",
            action="append",
            default=[],
            metavar="FILE_OR_URL",
            help="门户公布的链头 JSON 副本或其网址（恢复到空数据库时尤其应给出）",
        )
        parser.add_argument(
            "--allow-rewind",
            action="store_true",
            help="允许恢复到比已公布链头更早的备份：链的回退写入审计日志并在公示门户公布",
        )

    def handle(self, *args, file, yes=False, head=(), heads=(), allow_rewind=False, **options):
        from shuangsuiji.audit.services import load_heads, parse_heads

        if not yes:
            self.stderr.write("恢复会覆盖当前数据库的全部数据；确认请加 --yes")
            sys.exit(2)
        try:
            known = parse_heads(head)
            for source in heads:
                known += load_heads(source)
            manifest = restore_backup(file, heads=known, allow_rewind=allow_rewind)
        except (BackupError, DomainError) as exc:
            self.stderr.write(f"恢复失败，数据库未改变：{exc}")
            sys.exit(1)
        rows = sum(m["rows"] for m in manifest["models"].values())
        self.stdout.write(f"已恢复 {rows} 行（备份时间 {manifest['created_at']}），审计链核验通过")
        if manifest.get("rewound_from"):
            lost = manifest["rewound_from"]
            kept = (manifest["audit_head"] or {}).get("seq", 0)
            self.stdout.write(
                f"注意：审计链已回退到第 {kept} 条，第 {kept + 1}–{lost['seq']} 条记录"
                f"（{lost['source']}）已不存在；回退已写入审计日志并在公示门户公布"
            )
