"""Nothing silently left out: every entity of the region is in the roster, excluded with a
reason, or out of scope by a named filter; the counts are frozen with the announcement."""

from __future__ import annotations

import csv
import datetime

import pytest
from django.urls import reverse

from shuangsuiji.core.actors import SystemActor
from shuangsuiji.onboarding.demo import demo_credit_codes
from shuangsuiji.plans import services
from shuangsuiji.plans.draws import freeze_announcement, reveal_draw
from shuangsuiji.plans.roster import INSPECTIONS_NOTE, compute_roster
from shuangsuiji.registries import services as registries
from shuangsuiji.registries.importing import import_file
from shuangsuiji.registries.models import Entity

from .fixtures import ANNOUNCED_AT

DAY = datetime.date(2023, 6, 20)


@pytest.fixture
def cafes_without_industry(demo, tmp_path):
    """Ten cafés imported from a file whose 行业 cells are empty (the official template)."""
    path = tmp_path / "roster.csv"
    codes = demo_credit_codes(134)[124:]  # the demo uses the first 124
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["统一社会信用代码", "名称", "风险等级", "行业", "风险等级生效日期"])
        for n, code in enumerate(codes):
            writer.writerow([code, f"新华区补录网吧{n + 1}", "A", "", "2023-01-01"])
    plan = import_file(SystemActor(), "entities", path, path.name)
    assert plan.committed, plan.errors
    return plan


def test_importing_entities_without_industry_warns(cafes_without_industry):
    (warning,) = [w for w in cafes_without_industry.warnings if w.column == "行业"]
    assert warning.message.startswith("10 行行业为空")


def test_the_preview_counts_every_entity_of_the_region(cafes_without_industry, task_a):
    roster = compute_roster(task_a, DAY)
    assert roster.total == Entity.objects.filter(region__code="410402").count() == 134
    counts = {label: n for _, label, n in roster.counts()}
    assert counts == {
        "进入抽查名录": 59,
        "排除：已注销": 1,
        "不在范围：未填写行业": 10,
        "不在范围：风险等级不在本任务抽查范围": 64,  # B 45, C 15, D 4 in a task of class A
    }
    assert len(roster.industry_empty) == 10


def test_the_preview_page_warns_about_entities_without_industry(
    client, office, cafes_without_industry, task_a
):
    client.force_login(office)
    page = client.get(reverse("plans:task", args=[task_a.pk])).content.decode()
    assert "有 10 户检查对象未填写行业" in page
    assert "不在范围：未填写行业" in page
    assert "新华区补录网吧1" in page


def test_the_announcement_freezes_the_counts_per_reason(cafes_without_industry, office, task_a):
    draw = freeze_announcement(
        office, task_a, code="ACC-1", beacon_source="骰子", beacon_kind="lottery", now=ANNOUNCED_AT
    )
    accounting = draw.announcement["accounting"]
    assert accounting["total"] == 134
    assert accounting["in_roster"] == 59
    assert accounting["excluded"]["deregistered"]["count"] == 1
    empty = accounting["out_of_scope"]["industry-empty"]
    assert empty["count"] == 10 and len(empty["ids"]) == 10
    assert draw.announcement["roster_rules"]["rating_day"] == "2023-06-20"
    assert draw.announcement["roster_rules"]["rating_basis"] == "freeze-date"
    parts = accounting["in_roster"] + sum(x["count"] for x in accounting["excluded"].values())
    parts += sum(x["count"] for x in accounting["out_of_scope"].values())
    assert parts == accounting["total"]


def test_the_public_draw_page_shows_the_frozen_counts(
    client, cafes_without_industry, office, task_a
):
    freeze_announcement(
        office, task_a, code="ACC-P", beacon_source="骰子", beacon_kind="lottery", now=ANNOUNCED_AT
    )
    Entity.objects.filter(industry="").update(
        industry="互联网上网服务营业场所"
    )  # live rows move on
    page = client.get(reverse("portal:draw", args=["ACC-P"])).content.decode()
    assert "本区划全部 134 户" in page
    assert "<td>不在范围：未填写行业</td><td>10</td>" in page


def test_classes_can_be_taken_on_the_plans_start_and_that_day_is_frozen(office, task_a):
    entity = Entity.objects.filter(region__code="410402", risk_class="B").first()
    registries.add_risk_rating(
        office, entity, risk_class="A", effective_date=datetime.date(2023, 6, 25)
    )
    assert compute_roster(task_a, DAY).strata["A"].population == 59
    services.update_task(office, task_a, rating_basis="plan-start")
    roster = compute_roster(task_a, DAY)
    assert roster.rating_day == datetime.date(2023, 6, 30)
    assert entity in roster.strata["A"].entities
    draw = freeze_announcement(
        office, task_a, code="ACC-2", beacon_source="骰子", beacon_kind="lottery", now=ANNOUNCED_AT
    )
    assert draw.announcement["roster_rules"]["rating_day"] == "2023-06-30"
    assert draw.announcement["accounting"]["rating_basis"] == "plan-start"


def test_at_most_n_inspections_per_department_per_year_excludes_with_the_count(office, plan):
    task_a, task_b = plan.tasks.get(number=1), plan.tasks.get(number=2)
    services.update_task(office, task_a, rates={"A": 100, "B": 300})
    draw = freeze_announcement(
        office, task_a, code="Y-1", beacon_source="骰子", beacon_kind="lottery"
    )
    draw = reveal_draw(office, draw, beacon="42")
    drawn_b = {e["id"] for e in draw.record["strata"]["B"]["selected"]}
    services.update_task(office, task_b, exclude_drawn_in_plan=False)
    assert not drawn_b & {x.entity.credit_code for x in compute_roster(task_b, DAY).excluded}
    services.update_task(office, task_b, max_inspections_per_year=1)
    roster = compute_roster(task_b, DAY)
    capped = {x.entity.credit_code: x for x in roster.excluded if x.reason == "yearly-limit"}
    assert set(capped) == drawn_b
    assert "2023 年已检查 1 次（上限 1 次）" in next(iter(capped.values())).detail
    assert roster.notes == [INSPECTIONS_NOTE]


def test_the_preview_says_inspections_carried_out_are_not_recorded_yet(client, office, task_a):
    services.update_task(office, task_a, recent_days=30)
    client.force_login(office)
    page = client.get(reverse("plans:task", args=[task_a.pk])).content.decode()
    assert "系统尚未记录检查的实际实施情况" in page


def test_ssj_plan_preview_prints_the_counts_per_reason(cafes_without_industry, task_a):
    import io

    from django.core.management import call_command

    out = io.StringIO()
    call_command("plan", "preview", task_a.code, "--date", "2023-06-20", stdout=out)
    text = out.getvalue()
    assert "全部 134 户" in text
    assert "进入抽查名录：59" in text and "排除：已注销：1" in text
    assert "不在范围：未填写行业：10" in text
    assert "警告：10 户未填写行业" in text
