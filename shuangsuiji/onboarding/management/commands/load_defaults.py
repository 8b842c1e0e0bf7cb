from django.core.management.base import BaseCommand, CommandError

from shuangsuiji.core.actors import actor_for
from shuangsuiji.core.models import Department
from shuangsuiji.onboarding.defaults import load_default_items


class Command(BaseCommand):
    help = (
        "为已设置的部门加载网吧（互联网上网服务营业场所）默认抽查事项清单"
        "（只加载事项，不新建区划或部门；可重复执行，不覆盖已修改的事项）"
    )

    def add_arguments(self, parser):
        parser.add_argument("--as", dest="username", help="以该用户身份执行（记入审计日志）")

    def handle(self, *args, username=None, **options):
        if not Department.objects.filter(is_joint_office=False).exists():
            raise CommandError(
                "尚未设置任何区县的部门：请先运行 ssj setup --region 6位行政区划代码"
            )
        created, kept = load_default_items(actor_for(username))
        self.stdout.write(f"默认抽查事项：新增 {created} 项，已存在 {kept} 项")
