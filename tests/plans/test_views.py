"""Plan, task and draw pages through HTTP: anonymous / wrong role / right role."""

import io

import pytest
from django.urls import reverse

from shuangsuiji.plans.mission import annex_xlsx
from shuangsuiji.plans.models import Draw, DrawStatus, Plan

from .fixtures import PLAN_OPTIONS

PASSWORD = "demo-2023-ssj"


@pytest.fixture
def office_client(client, office):
    client.force_login(office)
    return client


@pytest.fixture
def ga_client(client, demo):
    from shuangsuiji.accounts.models import User

    client.force_login(User.objects.get(username="ga_admin"))
    return client


def test_anonymous_visitors_are_sent_to_login(client, plan):
    response = client.get(reverse("plans:plan", args=[plan.pk]))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_department_admin_reads_plans_and_roster(ga_client, plan, task_a):
    assert ga_client.get(reverse("plans:index")).status_code == 200
    page = ga_client.get(reverse("plans:task", args=[task_a.pk])).content.decode()
    assert "检查对象名录预览" in page
    assert "冻结并公告" not in page


@pytest.mark.parametrize("name", ["plans:plan-create", "plans:plan-import"])
def test_department_admin_cannot_open_plan_editing(ga_client, demo, name):
    assert ga_client.get(reverse(name)).status_code == 403


def test_department_admin_cannot_announce(ga_client, task_a):
    response = ga_client.post(
        reverse("plans:announce", args=[task_a.pk]),
        {"code": "X-1", "beacon_kind": "lottery", "beacon_source": "掷骰"},
    )
    assert response.status_code == 403
    assert not Draw.objects.exists()


def test_department_admin_cannot_reveal(ga_client, announced):
    response = ga_client.post(
        reverse("plans:reveal", args=[announced.pk]), {"beacon": "1", "confirm": "on"}
    )
    assert response.status_code == 403
    announced.refresh_from_db()
    assert announced.status == DrawStatus.ANNOUNCED


def test_office_imports_annex_through_the_page(office_client):
    upload = io.BytesIO(annex_xlsx())
    upload.name = "附件1.xlsx"
    data = {k: v.isoformat() if hasattr(v, "isoformat") else v for k, v in PLAN_OPTIONS.items()}
    data.update(
        file=upload,
        region=1,
        industry="互联网上网服务营业场所",
        rounding="ceil-min1",
        team_mode="per-inspection",
        recent_days=0,
    )
    from shuangsuiji.core.models import Region

    data["region"] = Region.objects.get(code="410402").pk
    response = office_client.post(reverse("plans:plan-import"), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert not Plan.objects.exists()  # uploaded and waiting for the preview
    preview = office_client.get(response["Location"])
    assert "确认导入" in preview.content.decode()
    token = response["Location"].rstrip("/").rsplit("/", 1)[1]
    commit = office_client.post(reverse("plans:plan-import-commit", args=[token]))
    assert commit.status_code == 302
    plan = Plan.objects.get()
    assert [t.rates for t in plan.tasks.order_by("number")] == [{"A": 100}, {"B": 300}, {"C": 1000}]


def test_office_creates_a_task_through_the_form(office_client, plan):
    from shuangsuiji.core.models import Department, Region

    wgl = Department.objects.get(code="410402-WGL")
    ga = Department.objects.get(code="410402-GA")
    response = office_client.post(
        reverse("plans:task-create", args=[plan.pk]),
        {
            "number": 4,
            "code": "",
            "name": "2023 年度新华区 D 类互联网上网服务营业场所联合检查",
            "domain": "互联网上网服务营业场所联合检查",
            "items_text": "全部事项",
            "check_items": [i.pk for i in wgl.check_items.all()[:2]]
            + [i.pk for i in ga.check_items.all()[:1]],
            "scope_text": "新华区辖区内互联网上网服务营业场所",
            "region": Region.objects.get(code="410402").pk,
            "industry": "互联网上网服务营业场所",
            "rate_D": "50",
            "members": 2,
            "rounding": "ceil-min1",
            "initiating_department": wgl.pk,
            "cooperating_departments": [ga.pk],
            "team_mode": "per-task",
            "window_start": "2023-06-30",
            "window_end": "2023-12-30",
            "exclude_deregistered": "on",
            "recent_days": 30,
            "exclude_drawn_in_plan": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    task = plan.tasks.get(number=4)
    assert task.rates == {"D": 5000}
    assert task.members_per_department == {"410402-GA": 2}
    assert task.code == "2023-410402-04"
    assert task.check_items.count() == 3


def test_the_ceremony_runs_through_the_pages(office_client, task_a):
    response = office_client.post(
        reverse("plans:announce", args=[task_a.pk]),
        {
            "code": "2023-XH-WL-01",
            "beacon_kind": "lottery",
            "beacon_source": "福彩 3D 第 2023172 期",
        },
    )
    draw = Draw.objects.get()
    assert response["Location"] == reverse("plans:draw", args=[draw.pk])
    page = office_client.get(response["Location"]).content.decode()
    assert draw.announcement_digest in page
    assert "开奖：录入随机数" in page
    office_client.post(
        reverse("plans:reveal", args=[draw.pk]), {"beacon": "9319/2 5 8 10 12", "confirm": "on"}
    )
    draw.refresh_from_db()
    assert draw.status == DrawStatus.REVEALED
    page = office_client.get(reverse("plans:draw", args=[draw.pk])).content.decode()
    assert "检查（1 户" in page
    record = office_client.get(reverse("plans:record-json", args=[draw.pk]))
    assert record["Content-Type"].startswith("application/json")


def test_a_second_reveal_through_the_page_is_refused(office_client, revealed):
    before = revealed.record
    response = office_client.post(
        reverse("plans:reveal", args=[revealed.pk]), {"beacon": "1/2", "confirm": "on"}, follow=True
    )
    assert "不能再次开奖" in response.content.decode()
    revealed.refresh_from_db()
    assert revealed.record == before


def test_internal_inputs_are_for_office_and_auditors_only(client, ga_client, revealed):
    url = reverse("plans:inputs-csv", args=[revealed.pk, "conflicts"])
    assert ga_client.get(url).status_code == 403
    from shuangsuiji.accounts.models import User

    client.force_login(User.objects.get(username="auditor"))
    assert client.get(url).status_code == 200


def test_home_page_shows_the_plans_panel(office_client, announced):
    page = office_client.get(reverse("core:home")).content.decode()
    assert "待开奖的公告" in page
    assert announced.code in page
