"""Fixtures for plans and draws: the demo district and the mission's Annex 1."""

from __future__ import annotations

import datetime
import io

import pytest

from shuangsuiji.core.actors import SystemActor
from shuangsuiji.core.models import Region
from shuangsuiji.onboarding.demo import load_demo
from shuangsuiji.plans.mission import annex_xlsx

PLAN_OPTIONS = {
    "year": 2023,
    "office": "平顶山市新华区部门联合“双随机、一公开”监管工作联席会议办公室",
    "doc_number": "平新双随机办〔2023〕16号",
    "title": "平顶山市新华区文化广电和旅游局 2023 年度部门联合抽查计划",
    "period_start": datetime.date(2023, 6, 30),
    "period_end": datetime.date(2023, 12, 30),
}
ANNOUNCED_AT = datetime.datetime(
    2023, 6, 20, 9, 0, tzinfo=datetime.timezone(datetime.timedelta(hours=8))
)
BEACON = "9319./2.5.8.10.12./"


@pytest.fixture
def demo(db):
    return load_demo(SystemActor("测试"))


@pytest.fixture
def office(demo):
    from shuangsuiji.accounts.models import User

    return User.objects.get(username="office")


@pytest.fixture
def plan(office):
    from shuangsuiji.plans import annex, services

    rows = annex.read_xlsx(io.BytesIO(annex_xlsx()))
    return services.import_annex(
        office, rows, region=Region.objects.get(code="410402"), **PLAN_OPTIONS
    )


@pytest.fixture
def task_a(plan):
    return plan.tasks.get(number=1)


@pytest.fixture
def announced(office, task_a):
    from shuangsuiji.plans.draws import freeze_announcement

    return freeze_announcement(
        office,
        task_a,
        code="2023-XH-WL-01",
        beacon_source="福利彩票 3D 第 2023172 期开奖号码（2023-07-01 开奖）",
        beacon_kind="lottery",
        now=ANNOUNCED_AT,
    )


@pytest.fixture
def revealed(office, announced):
    from shuangsuiji.plans.draws import reveal_draw

    return reveal_draw(office, announced, beacon="9319 / 12 2 5 8 10")


def commit_all(draw, now=None):
    """Every participating department commits a fresh secret (as the command line does);
    returns ``{department code: secret}`` for :func:`reveal_all`."""
    from shuangsuiji.drawengine import commitment_of, new_secret
    from shuangsuiji.plans.commitments import commit_secret

    secrets = {}
    for row in draw.commitments.select_related("department").order_by("position"):
        secrets[row.department.code] = new_secret()
        commit_secret(
            SystemActor("测试"),
            draw,
            commitment_of(secrets[row.department.code]),
            department=row.department.code,
            now=now,
        )
    draw.refresh_from_db()
    return secrets


def reveal_all(draw, secrets, now=None):
    from shuangsuiji.plans.commitments import reveal_secret

    for dept, secret in secrets.items():
        reveal_secret(SystemActor("测试"), draw, secret, department=dept, now=now)
    draw.refresh_from_db()
    return draw
