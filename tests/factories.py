"""Test data built through the same models and services production uses."""

from __future__ import annotations

import datetime
import itertools

from django.contrib.auth.models import Group

from shuangsuiji import creditcode
from shuangsuiji.accounts.models import Role, User
from shuangsuiji.core.models import Department, Region
from shuangsuiji.registries.models import CheckItem, Entity, Inspector, RiskRating

_counter = itertools.count(1)


NAMES = {"410402": "新华区", "410403": "卫东区", "410400": "平顶山市", "410000": "河南省"}


def region(code: str = "410402", name: str | None = None) -> Region:
    name = name or NAMES.get(code, code)
    parents = {
        "410402": ("410400", "平顶山市"),
        "410403": ("410400", "平顶山市"),
        "410400": ("410000", "河南省"),
    }
    parent = None
    if code in parents:
        parent = region(*parents[code])
    return Region.objects.get_or_create(code=code, defaults={"name": name, "parent": parent})[0]


def department(
    code: str = "410402-WGL",
    name: str = "新华区文化广电和旅游局",
    short_name: str = "文广旅局",
    region_code: str = "410402",
) -> Department:
    return Department.objects.get_or_create(
        code=code,
        defaults={"name": name, "short_name": short_name, "region": region(region_code)},
    )[0]


def police(region_code: str = "410402") -> Department:
    return department("410402-GA", "新华公安分局", "公安分局", region_code)


def user(
    username: str,
    role: str | None = None,
    dept: Department | None = None,
    password: str = "correct-horse-battery",
) -> User:
    u = User.objects.create_user(
        username=username,
        password=password,
        full_name=username,
        department=dept if dept is not None else department(),
    )
    if role:
        u.groups.add(Group.objects.get_or_create(name=role)[0])
    return u


def credit_code(n: int | None = None, division: str = "410402") -> str:
    n = next(_counter) if n is None else n
    return creditcode.make_code(f"91{division}{n:08d}0")


def entity(
    *,
    risk_class: str = "A",
    name: str | None = None,
    code: str | None = None,
    status: str = "operating",
    region_code: str = "410402",
    rated_on: datetime.date = datetime.date(2023, 1, 1),
) -> Entity:
    code = code or credit_code()
    e = Entity.objects.create(
        credit_code=code,
        name=name or f"测试网吧{code[-6:]}",
        region=region(region_code),
        status=status,
        risk_class=risk_class,
    )
    RiskRating.objects.create(
        entity=e, risk_class=risk_class, effective_date=rated_on, source="测试"
    )
    return e


def inspector(
    dept: Department | None = None,
    *,
    cert: str | None = None,
    may_lead=True,
    valid_from=datetime.date(2020, 1, 1),
    valid_to=datetime.date(2030, 12, 31),
    name: str | None = None,
) -> Inspector:
    n = next(_counter)
    return Inspector.objects.create(
        name=name or f"执法员{n}",
        department=dept or department(),
        certificate_no=cert or f"CERT-{n:05d}",
        certificate_valid_from=valid_from,
        certificate_valid_to=valid_to,
        may_lead=may_lead,
    )


def check_item(dept: Department | None = None, code: str | None = None) -> CheckItem:
    n = next(_counter)
    return CheckItem.objects.create(
        department=dept or department(), code=code or f"X-{n}", title=f"检查事项{n}"
    )


ROLES = Role
