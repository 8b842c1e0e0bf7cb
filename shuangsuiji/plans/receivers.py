"""Vetoes the draws hold over directory changes (connected in ``PlansConfig.ready``)."""

from __future__ import annotations

from shuangsuiji.core.errors import StateConflict
from shuangsuiji.registries.models import Entity, Inspector

from .frozen import is_frozen_unrevealed


def refuse_identifier_change_while_frozen(sender, instance, old, new, **kwargs) -> None:
    """A credit code or certificate number in a frozen, unrevealed draw stays as frozen."""
    if instance.pk is None:
        return
    if sender is Entity and is_frozen_unrevealed("entity", instance.pk):
        raise StateConflict(
            f"检查对象 {old} 在已公告、尚未开奖的抽取名录中，开奖前不能更改其统一社会信用代码",
            code="entity.credit_code_frozen",
        )
    if sender is Inspector and is_frozen_unrevealed("inspector", instance.pk):
        raise StateConflict(
            f"执法人员 {old} 在已公告、尚未开奖的抽取人员库中，开奖前不能更改其执法证号",
            code="inspector.certificate_frozen",
        )
