"""统计报表 and 结果公示 pages: figures come from the published draws."""

from django.urls import reverse

from shuangsuiji.accounts.models import User
from shuangsuiji.plans.draws import freeze_announcement, reveal_draw
from tests.plans.fixtures import ANNOUNCED_AT


def test_the_progress_table_shows_base_sample_and_inspections_per_task(
    client, revealed, plan, office
):
    task_c = plan.tasks.get(number=3)
    draw_c = freeze_announcement(
        office,
        task_c,
        code="2023-XH-WL-03",
        beacon_source="福利彩票",
        beacon_kind="lottery",
        now=ANNOUNCED_AT,
    )
    reveal_draw(office, draw_c, beacon="9319 / 2 5 8 10 12")
    client.force_login(User.objects.get(username="auditor"))
    resp = client.get(reverse("reports:index"), {"year": 2023})
    assert resp.status_code == 200
    rows = {r.task.number: r for r in resp.context["reports"][0].rows}
    # Demo district: A 60 cafés (1 deregistered) at 1 %, C 15 at 10 %, ceil-min1.
    assert (rows[1].population, rows[1].sample_size, rows[1].inspections) == (59, 1, 1)
    assert (rows[3].population, rows[3].sample_size, rows[3].inspections) == (15, 2, 2)
    assert rows[2].draw is None and rows[2].sample_size == 0
    totals = resp.context["reports"][0].totals
    assert totals["population"] == 74 and totals["sample_size"] == 3
    assert totals["inspections"] == 3
    body = resp.content.decode()
    assert "2023-XH-WL-03" in body and "合计" in body


def test_another_year_shows_no_plan(client, revealed):
    client.force_login(User.objects.get(username="auditor"))
    resp = client.get(reverse("reports:index"), {"year": 2022})
    assert resp.context["reports"] == []
    assert "没有符合条件的抽查计划" in resp.content.decode()


def test_the_publication_page_links_every_public_draw(client, revealed):
    client.force_login(User.objects.get(username="ga_inspector"))
    resp = client.get(reverse("reports:publication"))
    body = resp.content.decode()
    assert resp.status_code == 200
    assert reverse("portal:draw", args=[revealed.code]) in body
    assert reverse("portal:record-json", args=[revealed.code]) in body


def test_both_pages_need_a_login(client, db):
    for name in ("reports:index", "reports:publication"):
        resp = client.get(reverse(name))
        assert resp.status_code == 302 and "/accounts/login/" in resp.url
