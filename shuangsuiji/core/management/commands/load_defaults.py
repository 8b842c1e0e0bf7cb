from django.core.management.base import BaseCommand

from shuangsuiji.core.actors import actor_for
from shuangsuiji.core.defaults import load_default_items


class Command(BaseCommand):
    help = "加载网吧（互联网上网服务营业场所）默认抽查事项清单（可重复执行，不覆盖已修改的事项）"

    def add_arguments(self, parser):
        parser.add_argument("--as", dest="username", help="以该用户身份执行（记入审计日志）")

    def handle(self, *args, username=None, **options):
        created, kept = load_default_items(actor_for(username))
        self.stdout.write(f"默认抽查事项：新增 {created} 项，已存在 {kept} 项")
