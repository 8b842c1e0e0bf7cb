"""The beacon cannot be ground: one public value feeds one live draw."""

import datetime

import pytest
from django.urls import reverse

from shuangsuiji.core.errors import StateConflict
from shuangsuiji.drawengine import verify_record
from shuangsuiji.plans import engine
from shuangsuiji.plans.draws import freeze_announcement, reveal_draw, void_draw
from shuangsuiji.plans.models import Draw

from .fixtures import ANNOUNCED_AT

SOURCE = "福利彩票 3D 第 2023172 期开奖号码（2023-07-01 开奖）"


def _announce(office, task, code, source=SOURCE):
    return freeze_announcement(
        office, task, code=code, beacon_source=source, beacon_kind="lottery", now=ANNOUNCED_AT
    )


def test_a_beacon_source_cannot_serve_two_live_announcements(office, plan, announced):
    other = plan.tasks.get(number=2)
    with pytest.raises(StateConflict, match="已用于抽取") as exc:
        _announce(office, other, "OTHER-1")
    assert exc.value.code == "draw.beacon_source_reused"
    assert not Draw.objects.filter(code="OTHER-1").exists()


def test_the_source_of_a_draw_voided_after_its_beacon_stays_used(office, task_a, revealed):
    void_draw(office, revealed, reason="数据有误")
    with pytest.raises(StateConflict, match="已用于抽取"):
        _announce(office, task_a, "AGAIN-1")


def test_the_source_of_a_draw_voided_before_its_beacon_is_free_again(office, task_a, announced):
    void_draw(office, announced, reason="名录有误，开奖前作废")
    draw = _announce(office, task_a, "AGAIN-1")
    assert reveal_draw(office, draw, beacon="1/2").record is not None


NOT_BEFORE = datetime.datetime(2023, 7, 1, 21, 30, tzinfo=ANNOUNCED_AT.tzinfo)


def _announce_timed(office, task):
    return freeze_announcement(
        office,
        task,
        code="TIMED-1",
        beacon_source=SOURCE,
        beacon_kind="lottery",
        beacon_not_before=NOT_BEFORE,
        now=ANNOUNCED_AT,
    )


def test_the_announcement_states_the_earliest_reveal_time(client, office, task_a):
    draw = _announce_timed(office, task_a)
    assert draw.announcement["beacon_not_before"] == "2023-07-01T21:30:00+08:00"
    page = client.get(reverse("portal:draw", args=[draw.code])).content.decode()
    assert "2023-07-01T21:30:00+08:00" in page


def test_a_reveal_before_the_beacon_time_is_refused(office, task_a):
    draw = _announce_timed(office, task_a)
    with pytest.raises(StateConflict, match="此前不能开奖") as exc:
        reveal_draw(office, draw, beacon="1/2", now=NOT_BEFORE - datetime.timedelta(minutes=1))
    assert exc.value.code == "draw.beacon_too_early"
    draw.refresh_from_db()
    assert draw.record is None


def test_a_reveal_after_the_beacon_time_verifies(office, task_a):
    draw = _announce_timed(office, task_a)
    draw = reveal_draw(office, draw, beacon="1/2", now=NOT_BEFORE + datetime.timedelta(hours=1))
    pool, conflicts = engine.frozen_inputs(draw)
    verify_record(draw.record, pool=pool, conflicts=conflicts)
    assert draw.record["revealed_at"] == "2023-07-01T22:30:00+08:00"
