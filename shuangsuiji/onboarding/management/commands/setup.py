"""``ssj setup --region CODE [--department SHORT=NAME ...] [--as USER]``."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from shuangsuiji.core.actors import actor_for
from shuangsuiji.onboarding.divisions import SOURCE
from shuangsuiji.onboarding.services import parse_department, set_up_district


class Command(BaseCommand):
    help = (
        "开通一个区县：按全国行政区划代码表建立 省 › 市 › 区县、本区县联席办及各部门"
        "（可重复执行，已有的不变），并列出部门编码"
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--region", required=True, help="区县的 6 位行政区划代码（GB/T 2260），如 410402"
        )
        parser.add_argument(
            "--department",
            action="append",
            default=[],
            metavar="简称=全称",
            help="部门（可重复），如 文广旅局=新华区文化广电和旅游局；"
            "不填则使用网吧领域的默认两个部门（文广旅局、公安分局）",
        )
        parser.add_argument("--as", dest="username", help="以该用户身份执行（记入审计日志）")

    def handle(self, *args, region, department, username=None, **options):
        pairs = [parse_department(text) for text in department]
        result = set_up_district(actor_for(username, "开通区县"), region, pairs or None)
        district = result.district
        self.stdout.write(f"区县：{district.full_name()}（{district.code}）  代码表：{SOURCE}")
        new = set(result.created)
        self.stdout.write("部门编码：")
        for dept in [result.joint_office, *result.departments]:
            mark = "新建" if dept.code in new else "已有"
            self.stdout.write(f"  {dept.code:<16} {dept.name}（{dept.short_name}） {mark}")
        added_regions = [c for c in result.created if "-" not in c]
        if not result.created:
            self.stdout.write("无变化：该区县此前已设置。")
        elif added_regions:
            self.stdout.write(f"新建行政区划：{'、'.join(added_regions)}")
        self.stdout.write(
            "下一步：ssj load-defaults 加载默认抽查事项；ssj import entities 文件 导入检查对象。"
        )
