"""The eligible roster: scope, exclusions with reasons, sample sizes by the rounding rule."""

import datetime

import pytest

from shuangsuiji.plans import services
from shuangsuiji.plans.draws import freeze_announcement, reveal_draw
from shuangsuiji.plans.roster import compute_roster
from shuangsuiji.registries.models import Entity

DAY = datetime.date(2023, 6, 20)


def test_demo_roster_excludes_deregistered_cafes_with_reason(task_a):
    roster = compute_roster(task_a, DAY)
    assert roster.strata["A"].population == 59
    assert roster.strata["A"].sample_size == 1  # 1% of 59, ceil with minimum one
    (excluded,) = roster.excluded
    assert excluded.reason == "deregistered"
    assert excluded.reason_label == "已注销"
    assert Entity.objects.get(pk=excluded.entity.pk).status == "deregistered"


@pytest.mark.parametrize(("number", "population", "size"), [(1, 59, 1), (2, 44, 2), (3, 15, 2)])
def test_sample_sizes_follow_the_published_rounding(plan, number, population, size):
    roster = compute_roster(plan.tasks.get(number=number), DAY)
    (stratum,) = roster.strata.values()
    assert (stratum.population, stratum.sample_size) == (population, size)


def test_other_rounding_rules(office, plan):
    task = plan.tasks.get(number=2)
    services.update_task(office, task, rounding="round-half-up")
    assert compute_roster(task, DAY).strata["B"].sample_size == 1  # 44 × 3% = 1.32
    services.update_task(office, task, rounding="ceil")
    assert compute_roster(task, DAY).strata["B"].sample_size == 2


def test_suspended_entities_are_excluded_when_the_task_says_so(office, plan):
    task = plan.tasks.get(number=1)
    assert not any(x.reason == "suspended" for x in compute_roster(task, DAY).excluded)
    services.update_task(office, task, exclude_suspended=True)
    reasons = {x.reason for x in compute_roster(task, DAY).excluded}
    assert reasons == {"deregistered", "suspended"}


def test_entities_selected_in_another_task_of_the_plan_are_excluded(office, plan):
    task_a = plan.tasks.get(number=1)
    services.update_task(office, task_a, rates={"A": 100, "B": 300})
    draw = freeze_announcement(
        office, task_a, code="A-1", beacon_source="骰子", beacon_kind="lottery"
    )
    draw = reveal_draw(office, draw, beacon="42")
    drawn_b = [e["id"] for e in draw.record["strata"]["B"]["selected"]]
    roster = compute_roster(plan.tasks.get(number=2), DAY)
    excluded = {x.entity.credit_code: x for x in roster.excluded}
    for code in drawn_b:
        assert excluded[code].reason == "drawn-in-plan"
        assert task_a.code in excluded[code].detail


def test_drawn_in_plan_rule_can_be_switched_off(office, plan):
    task_a = plan.tasks.get(number=1)
    services.update_task(office, task_a, rates={"A": 100, "B": 300})
    reveal_draw(
        office,
        freeze_announcement(
            office, task_a, code="A-1", beacon_source="骰子", beacon_kind="lottery"
        ),
        beacon="42",
    )
    task_b = plan.tasks.get(number=2)
    services.update_task(office, task_b, exclude_drawn_in_plan=False)
    assert compute_roster(task_b, DAY).strata["B"].population == 44


def test_entities_inspected_recently_by_the_same_department_are_excluded(office, plan):
    task_a = plan.tasks.get(number=1)
    reveal_draw(
        office,
        freeze_announcement(
            office, task_a, code="A-1", beacon_source="骰子", beacon_kind="lottery"
        ),
        beacon="7",
    )
    drawn = task_a.inspections.get().entity
    later = services.create_task(
        office,
        plan,
        number=9,
        name="2024 年 A 类复查",
        domain="复查",
        items_text="其他事项",
        rates={"A": 100},
        initiating_department=task_a.initiating_department,
        cooperating_departments=list(task_a.cooperating_departments.all()),
        window_start=datetime.date(2024, 3, 1),
        window_end=datetime.date(2024, 6, 30),
        recent_days=90,
    )
    assert drawn not in compute_roster(later, DAY).strata["A"].entities  # window ends 12-30
    services.update_task(office, later, recent_days=30)
    assert drawn in compute_roster(later, DAY).strata["A"].entities
