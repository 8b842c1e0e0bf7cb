"""The beacon cannot be ground: one public value feeds one live draw."""

import pytest

from shuangsuiji.core.errors import StateConflict
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
