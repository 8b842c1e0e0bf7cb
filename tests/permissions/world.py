"""The fixture world for the permission matrix: two districts, each with a culture and a
police department, entities, inspectors, conflicts, items and a revealed draw.

新华区 410402: plan with a joint task (文广旅局 initiates, 公安分局 cooperates) and a
culture-only task, both revealed, one inspection each. 文广旅局 has a single inspector who
may lead, so both teams have the same leader: the ``inspector_on_team`` account.
卫东区 410403: the same on a smaller scale, used for the other-district cases.
Everything is built through the services production uses (plans, draws).
"""

from __future__ import annotations

import datetime

from django.core.files.uploadedfile import SimpleUploadedFile

from shuangsuiji.accounts.models import Role
from shuangsuiji.core import permission_matrix as m
from shuangsuiji.inspections.models import Inspection, TeamMember
from shuangsuiji.plans import services as plan_services
from shuangsuiji.plans.draws import freeze_announcement, reveal_draw
from shuangsuiji.registries.importing import Kind
from shuangsuiji.registries.importing.reports import template_xlsx
from shuangsuiji.registries.importing.uploads import store_upload
from shuangsuiji.registries.models import Conflict
from tests import factories

ANNOUNCED_AT = datetime.datetime(
    2023, 6, 20, 9, 0, tzinfo=datetime.timezone(datetime.timedelta(hours=8))
)
BEACON = "9319 / 12 2 5 8 10"
DISTRICTS = {"410402": "新华区", "410403": "卫东区"}


class World(dict):
    """Objects by key, the users by role, and their stored uploads."""

    def __init__(self):
        super().__init__()
        self.users: dict[str, object] = {}
        self.weidong_users: dict[str, object] = {}
        self.uploads: dict[object, str] = {}

    def kwargs(self, args: dict[str, str], user) -> dict:
        out = {}
        for name, source in args.items():
            if source.startswith("="):
                out[name] = source[1:]
            elif source == "upload:own":
                out[name] = self.uploads.get(getattr(user, "pk", None), "0" * 32)
            elif source == "upload:other":
                out[name] = self.uploads[self.weidong_users[m.JOINT_OFFICE_ADMIN].pk]
            elif "." in source:
                key, attr = source.split(".", 1)
                out[name] = getattr(self[key], attr)
            else:
                out[name] = self[source].pk
        return out


def _district(world: World, code: str, suffix: str) -> tuple:
    name = DISTRICTS[code]
    culture = factories.department(f"{code}-WGL", f"{name}文化广电和旅游局", "文广旅局", code)
    police = factories.department(f"{code}-GA", f"{name}公安分局", "公安分局", code)
    entities = [
        factories.entity(region_code=code, name=f"{name}测试网吧{n}", code=None)
        for n in range(1, 5)
    ]
    leader = factories.inspector(culture, name=f"{name}文组长", may_lead=True)
    others = [factories.inspector(culture, name=f"{name}文{n}", may_lead=False) for n in (2, 3)]
    police_inspectors = [
        factories.inspector(police, name=f"{name}公{n}", may_lead=False) for n in (1, 2, 3)
    ]
    conflict = Conflict.objects.create(
        inspector=others[1],
        entity=entities[3],
        reason=f"{name}近亲属经营",
        declared_on=ANNOUNCED_AT.date(),
    )
    period = others[0].unavailable_periods.create(
        start=datetime.date(2024, 1, 1), end=datetime.date(2024, 1, 31), reason="培训"
    )
    items = [factories.check_item(culture), factories.check_item(police)]
    world.update(
        {
            f"culture{suffix}": culture,
            f"police{suffix}": police,
            f"region{suffix}": culture.region,
            f"entity{suffix}": entities[0],
            f"inspector{suffix}": others[0],
            f"inspector_culture{suffix}": others[0],
            f"period_culture{suffix}": period,
            f"conflict{suffix}": conflict,
            f"conflict_culture{suffix}": conflict,
            f"item{suffix}": items[0],
            f"item_culture{suffix}": items[0],
            f"police_inspector{suffix}": police_inspectors[0],
        }
    )
    return culture, police, leader, others, items


def _draw(office, task, code: str):
    draw = freeze_announcement(
        office,
        task,
        code=code,
        beacon_source=f"福利彩票 3D 第 2023172 期开奖号码（2023-07-01 开奖，{code}）",
        beacon_kind="lottery",
        now=ANNOUNCED_AT,
    )
    return reveal_draw(office, draw, beacon=BEACON)


def _plan(office, code: str, culture, police, items, *, solo: bool):
    plan = plan_services.create_plan(
        office,
        year=2023,
        office=f"{DISTRICTS[code]}联席办",
        doc_number=f"{code}〔2023〕1号",
        title=f"{DISTRICTS[code]} 2023 年度部门联合抽查计划",
        region=culture.region,
        period_start=datetime.date(2023, 6, 30),
        period_end=datetime.date(2023, 12, 30),
    )
    common = {"domain": "文化市场", "rates": {"A": 2500}, "initiating_department": culture}
    joint = plan_services.create_task(
        office,
        plan,
        number=1,
        name="互联网上网服务营业场所联合检查",
        cooperating_departments=[police],
        check_items=items,
        **common,
    )
    tasks = [joint]
    if solo:
        tasks.append(
            plan_services.create_task(
                office, plan, number=2, name="文广旅局单独检查", check_items=items[:1], **common
            )
        )
    return plan, tasks


def _upload(user) -> str:
    content = template_xlsx(Kind.ITEMS)
    stored = store_upload(user, "items", SimpleUploadedFile("items.xlsx", content))
    return stored.token


def _link(inspector, user) -> None:
    inspector.user = user
    inspector.save(update_fields=["user"])


def build_world() -> World:
    world = World()
    culture, police, leader, others, items = _district(world, "410402", "")
    w_culture, w_police, w_leader, w_others, w_items = _district(world, "410403", "_weidong")

    users = {
        m.INSPECTOR_ON_TEAM: factories.user("dave", Role.INSPECTOR, culture),
        m.INSPECTOR_OFF_TEAM: factories.user("ivan", Role.INSPECTOR, culture),
        m.DEPT_ADMIN_OWNER: factories.user("bob", Role.DEPARTMENT_ADMIN, culture),
        m.DEPT_ADMIN_OTHER: factories.user("carol", Role.DEPARTMENT_ADMIN, police),
        m.JOINT_OFFICE_ADMIN: factories.user("alice", Role.JOINT_OFFICE_ADMIN, culture),
        m.AUDITOR: factories.user("erin", Role.AUDITOR, culture),
    }
    _link(leader, users[m.INSPECTOR_ON_TEAM])
    weidong = {
        m.INSPECTOR_ON_TEAM: factories.user("wd_dave", Role.INSPECTOR, w_culture),
        m.DEPT_ADMIN_OWNER: factories.user("wd_bob", Role.DEPARTMENT_ADMIN, w_culture),
        m.JOINT_OFFICE_ADMIN: factories.user("wd_alice", Role.JOINT_OFFICE_ADMIN, w_culture),
        m.AUDITOR: factories.user("wd_erin", Role.AUDITOR, w_culture),
    }
    _link(w_leader, weidong[m.INSPECTOR_ON_TEAM])
    for role, counterpart in m.COUNTERPARTS.items():
        users[role] = weidong[counterpart]  # the matrix's other-district roles
    world.users, world.weidong_users = users, weidong

    office = users[m.JOINT_OFFICE_ADMIN]
    plan, (joint, solo) = _plan(office, "410402", culture, police, items, solo=True)
    draw_joint = _draw(office, joint, "2023-XH-01")
    draw_solo = _draw(office, solo, "2023-XH-02")
    w_office = weidong[m.JOINT_OFFICE_ADMIN]
    w_plan, (w_task,) = _plan(w_office, "410403", w_culture, w_police, w_items, solo=False)
    w_draw = _draw(w_office, w_task, "2023-WD-01")
    drawn = TeamMember.objects.filter(inspection__draw__in=[draw_joint, draw_solo])
    free = [i for i in others if not drawn.filter(inspector=i).exists()]
    _link(free[0], users[m.INSPECTOR_OFF_TEAM])
    world.update(
        {
            "plan": plan,
            "task_joint": joint,
            "task_solo": solo,
            "draw_joint": draw_joint,
            "draw_solo": draw_solo,
            "inspection_joint": Inspection.objects.get(draw=draw_joint),
            "inspection_solo": Inspection.objects.get(draw=draw_solo),
            "plan_weidong": w_plan,
            "task_weidong": w_task,
            "draw_weidong": w_draw,
            "inspection_weidong": Inspection.objects.get(draw=w_draw),
        }
    )
    world.update(_accounts(users, weidong))
    for user in {u.pk: u for u in [*users.values(), *weidong.values()]}.values():
        world.uploads[user.pk] = _upload(user)
    return world


def _accounts(users, weidong) -> dict:
    """Accounts and hard login locks of each district (the account pages)."""
    from shuangsuiji.accounts.models import AccountLock

    own, other = users[m.INSPECTOR_OFF_TEAM], weidong[m.INSPECTOR_ON_TEAM]

    def lock(user):
        return AccountLock.objects.create(
            username=user.username, user=user, locked_at=ANNOUNCED_AT, addresses=10
        )

    return {
        "account": own,
        "account_weidong": other,
        "lock": lock(own),
        "lock_weidong": lock(other),
    }
