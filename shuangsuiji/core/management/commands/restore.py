import sys

from django.core.management.base import BaseCommand

from shuangsuiji.core.backup import BackupError, restore_backup


class Command(BaseCommand):
    help = "从 ssj backup 生成的文件恢复整个数据库（先停止服务；全部成功或全部不写入）"

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--yes", action="store_true", help="确认覆盖当前数据库的全部数据")

    def handle(self, *args, file, yes=False, **options):
        if not yes:
            self.stderr.write("恢复会覆盖当前数据库的全部数据；确认请加 --yes")
            sys.exit(2)
        try:
            manifest = restore_backup(file)
        except BackupError as exc:
            self.stderr.write(f"恢复失败，数据库未改变：{exc}")
            sys.exit(1)
        rows = sum(m["rows"] for m in manifest["models"].values())
        self.stdout.write(f"已恢复 {rows} 行（备份时间 {manifest['created_at']}），审计链核验通过")
