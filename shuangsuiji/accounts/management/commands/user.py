"""``ssj user add USERNAME --role ROLE (--department CODE | --region CODE) --password-stdin``.

Creates an account through the user service (audited). With ``--region`` the account
belongs to that district's joint office (联席办, created by ``ssj setup``). The password is
read from standard input, never from the command line (where ``ps`` and the shell history
would show it).
"""

from __future__ import annotations

import sys

from django.core.management.base import BaseCommand

from shuangsuiji.accounts import services
from shuangsuiji.accounts.models import Role
from shuangsuiji.core.actors import actor_for
from shuangsuiji.core.errors import InvalidInput
from shuangsuiji.core.models import Department, Region

ROLE_HELP = "；".join(f"{value} {label}" for value, label in Role.choices)


def department_for(code: str | None, region_code: str | None) -> Department:
    """The department named by ``--department``, or the joint office of ``--region``."""
    if code:
        department = Department.objects.select_related("region").filter(code=code).first()
        if department is None:
            raise InvalidInput(
                f"没有编码为 {code} 的部门（ssj setup 会打印各部门的编码）。",
                code="accounts.department_unknown",
            )
        return department
    region = Region.objects.filter(code=region_code).first()
    if region is None:
        raise InvalidInput(
            f"行政区划 {region_code} 尚未开通，请先运行 ssj setup --region {region_code}。",
            code="accounts.region_unknown",
        )
    office = Department.objects.joint_office_of(region)
    if office is None:
        raise InvalidInput(
            f"{region.name}（{region.code}）还没有联席办，请先运行 ssj setup --region {region.code}。",
            code="accounts.joint_office_missing",
        )
    return office


def read_password(stream) -> str:
    line = stream.readline()
    return line[:-1] if line.endswith("\n") else line


class Command(BaseCommand):
    help = "管理工作人员账号"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True, title="子命令")
        add = sub.add_parser("add", help="新建账号（写入审计日志）", description="新建工作人员账号")
        add.add_argument("username", help="用户名")
        add.add_argument(
            "--role",
            required=True,
            action="append",
            choices=Role.values,
            help=f"角色，可重复：{ROLE_HELP}",
        )
        where = add.add_mutually_exclusive_group(required=True)
        where.add_argument("--department", help="所属部门的编码（如 410402-WGL）")
        where.add_argument("--region", help="行政区划代码：账号属于该区县的联席办（如 410402）")
        add.add_argument(
            "--password-stdin",
            action="store_true",
            required=True,
            help='从标准输入读取密码（一行），如 echo "$PW" | ssj user add …',
        )
        add.add_argument("--full-name", default="", help="姓名")
        add.add_argument("--as", dest="as_user", help="以该用户身份执行（记入审计日志）")

    def handle(self, *args, action=None, **options):
        if action == "add":
            self.add(**options)

    def add(self, *, username, role, department, region, full_name, as_user, **options):
        target = department_for(department, region)
        password = read_password(sys.stdin)
        user = services.create_user(
            actor_for(as_user),
            username=username,
            full_name=full_name,
            roles=role,
            department=target,
            password=password,
        )
        labels = "、".join(user.role_labels)
        self.stdout.write(f"已新建账号 {user.username}（{labels}，{target.name}）")
