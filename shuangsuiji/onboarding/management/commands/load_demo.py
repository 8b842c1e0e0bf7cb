from django.conf import settings
from django.core.management.base import BaseCommand

from shuangsuiji.core.actors import actor_for
from shuangsuiji.core.errors import Forbidden
from shuangsuiji.onboarding.demo import account_lines, load_demo


class Command(BaseCommand):
    help = "加载演示区县：平顶山市新华区（410402）的合成网吧、执法人员、回避关系和演示账号（可重复执行）"

    def handle(self, *args, **options):
        if settings.PRODUCTION:
            # The demo accounts have published passwords.
            raise Forbidden(
                "生产模式（已设置 SSJ_SECRET_KEY 和 SSJ_ALLOWED_HOSTS）下不能加载演示数据和演示账号。",
                code="demo.production",
            )
        counts = load_demo(actor_for(None, "演示数据"))
        self.stdout.write(
            f"演示数据：检查对象 {counts['entities']} 家，执法检查人员 {counts['inspectors']} 名，"
            f"回避关系 {counts['conflicts']} 条"
        )
        self.stdout.write("演示账号（仅供演示，请勿用于生产）：")
        for line in account_lines():
            self.stdout.write(line)
