"""Demo district: 新华区 (410402) of 平顶山市 with synthetic internet cafés.

Everything here is synthetic: names are made from word lists, legal representatives and
inspectors are labelled 演示, phone numbers use the non-existent 0375-0000xxx range.
Loading is idempotent: a second run changes nothing.
"""

from __future__ import annotations

import datetime
import random

from django.contrib.auth.models import Group
from django.db import transaction

from shuangsuiji import creditcode
from shuangsuiji.accounts.models import Role, User
from shuangsuiji.audit.services import record
from shuangsuiji.core.models import Department, Region
from shuangsuiji.registries import services
from shuangsuiji.registries.models import Conflict, Entity, Inspector, RiskRating

from .defaults import load_default_items
from .services import set_up_district

DISTRICT = "410402"

CLASS_COUNTS = (("A", 60), ("B", 45), ("C", 15), ("D", 4))
PREFIXES = (
    "星海",
    "云端",
    "极速",
    "蓝鲸",
    "天启",
    "启航",
    "银河",
    "风暴",
    "竞技",
    "青柠",
    "网悦",
    "飞翔",
    "锦程",
    "鹰城",
    "酷玩",
    "光速",
    "悦享",
    "新纪元",
    "紫荆",
    "宏图",
)
SUFFIXES = ("网咖", "网吧", "电竞馆", "网络会所", "电竞网咖")
STREETS = (
    "中兴路",
    "建设路",
    "矿工路",
    "光明路",
    "湛河路",
    "曙光街",
    "开源路",
    "西市场街",
    "焦店路",
    "新华路",
)
ORG_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
DEMO_PASSWORD = "demo-2023-ssj"  # noqa: S105 - printed demo logins, documented
ACCOUNTS = (
    # username, full name, department key, role, linked inspector certificate
    ("office", "演示联席办管理员", "joint_office", Role.JOINT_OFFICE_ADMIN, None),
    ("wgl_admin", "演示文广旅局管理员", "culture", Role.DEPARTMENT_ADMIN, None),
    ("ga_admin", "演示公安分局管理员", "police", Role.DEPARTMENT_ADMIN, None),
    ("wgl_inspector", "演示执法员文01", "culture", Role.INSPECTOR, "WG-DEMO-001"),
    ("ga_inspector", "演示执法员公01", "police", Role.INSPECTOR, "GA-DEMO-001"),
    ("auditor", "演示审计员", "culture", Role.AUDITOR, None),
)


def _org_code(rng: random.Random) -> str:
    weights = (3, 7, 9, 10, 5, 8, 4, 2)
    alphabet36 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    while True:
        body = "".join(rng.choice(ORG_ALPHABET) for _ in range(8))
        value = 11 - sum(alphabet36.index(c) * w for c, w in zip(body, weights)) % 11
        check = "0" if value == 11 else "X" if value == 10 else str(value)
        return body + check


def demo_credit_codes(count: int, seed: int = 410402) -> list[str]:
    rng = random.Random(seed)
    codes: list[str] = []
    seen = set()
    while len(codes) < count:
        body = rng.choice(("91", "92")) + "410402" + _org_code(rng)
        code = creditcode.make_code(body)
        if code not in seen:
            seen.add(code)
            codes.append(code)
    return codes


def is_loaded() -> bool:
    return (
        Entity.objects.filter(region__code="410402").exists()
        and User.objects.filter(username="office").exists()
    )


@transaction.atomic
def ensure_mission_organisation(actor) -> dict[str, Department]:
    """新华区 (410402) set up with its joint office and the mission's two departments."""
    setup = set_up_district(actor, DISTRICT)
    return {**setup.by_key, "joint_office": setup.joint_office}


@transaction.atomic
def load_demo(actor) -> dict:
    """Load the demo district once; return what exists afterwards."""
    departments = ensure_mission_organisation(actor)
    load_default_items(actor)
    if not Entity.objects.filter(region__code="410402").exists():
        _load_entities(actor)
    if not Inspector.objects.filter(certificate_no__endswith="DEMO-001").exists():
        _load_inspectors(actor, departments)
    _load_accounts(actor, departments)
    return {
        "entities": Entity.objects.filter(region__code="410402").count(),
        "inspectors": Inspector.objects.count(),
        "conflicts": Conflict.objects.count(),
    }


def _load_entities(actor) -> None:
    district = Region.objects.get(code="410402")
    rng = random.Random(2023)
    total = sum(n for _, n in CLASS_COUNTS)
    codes = demo_credit_codes(total)
    names: set[str] = set()
    i = 0
    for risk_class, count in CLASS_COUNTS:
        for _ in range(count):
            while True:
                name = f"平顶山市新华区{rng.choice(PREFIXES)}{rng.choice(SUFFIXES)}"
                if name not in names:
                    break
                name = f"{name[:-2]}{rng.randint(2, 9)}号店"
                if name not in names:
                    break
            names.add(name)
            status = "operating"
            if i in (7, 77):
                status = "deregistered"
            elif i == 50:
                status = "suspended"
            entity = Entity.objects.create(
                credit_code=codes[i],
                name=name,
                region=district,
                address=f"平顶山市新华区{rng.choice(STREETS)}{rng.randint(1, 300)}号",
                license_no=f"41040260{i + 1:04d}（演示）",
                legal_rep=f"演示法人{i + 1:03d}",
                phone=f"0375-0000{i + 1:03d}",
                industry="互联网上网服务营业场所",
                status=status,
            )
            RiskRating.objects.create(
                entity=entity,
                risk_class=risk_class,
                effective_date=datetime.date(2023, 1, 1),
                source="2023 年度信用风险分类（演示数据）",
            )
            i += 1
    services.refresh_risk_class()
    record(actor, "demo.entities", data={"count": total})


def _load_inspectors(actor, departments) -> None:
    valid_from, valid_to = datetime.date(2021, 1, 1), datetime.date(2027, 12, 31)
    specs = [("culture", "WG", "文", 8, 5), ("police", "GA", "公", 10, 3)]
    created = []
    for key, prefix, short, count, leaders in specs:
        for n in range(1, count + 1):
            inspector = Inspector.objects.create(
                name=f"演示执法员{short}{n:02d}",
                department=departments[key],
                certificate_no=f"{prefix}-DEMO-{n:03d}",
                certificate_valid_from=valid_from,
                certificate_valid_to=valid_to if n != count else datetime.date(2023, 8, 31),
                title="执法队员" if n > leaders else "中队长",
                phone=f"0375-0000{900 + n:03d}",
                may_lead=n <= leaders,
                active=True,
            )
            created.append(inspector)
    by_cert = {i.certificate_no: i for i in created}
    entities = list(Entity.objects.filter(region__code="410402").order_by("credit_code")[:4])
    pairs = [
        ("WG-DEMO-002", 0, "近亲属经营"),
        ("GA-DEMO-003", 1, "曾在该场所兼职"),
        ("GA-DEMO-004", 2, "与经营者存在经济往来"),
        ("WG-DEMO-003", 3, "本人申请回避"),
    ]
    for cert, idx, reason in pairs:
        Conflict.objects.create(
            inspector=by_cert[cert],
            entity=entities[idx],
            reason=reason,
            declared_on=datetime.date(2023, 3, 1),
        )
    by_cert["GA-DEMO-005"].unavailable_periods.create(
        start=datetime.date(2023, 7, 1), end=datetime.date(2023, 8, 15), reason="脱产培训"
    )
    record(actor, "demo.inspectors", data={"count": len(created), "conflicts": len(pairs)})


def _load_accounts(actor, departments) -> None:
    for username, full_name, key, role, cert in ACCOUNTS:
        user, created = User.objects.get_or_create(
            username=username,
            defaults={"full_name": full_name, "department": departments[key]},
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save()
            user.groups.add(Group.objects.get_or_create(name=role)[0])
            if cert:
                Inspector.objects.filter(certificate_no=cert, user__isnull=True).update(user=user)
            record(actor, "user.create", user, data={"role": role, "demo": True})


def account_lines() -> list[str]:
    return [
        f"  {Role(role).label:<12} 用户名 {username:<14} 密码 {DEMO_PASSWORD}"
        for username, _, _, role, _ in ACCOUNTS
    ]
