"""Selection binds to what was frozen: codes, certificates and names as announced."""

import pytest
from django.urls import reverse

from shuangsuiji.audit.models import AuditEntry
from shuangsuiji.core.errors import InvalidInput, StateConflict
from shuangsuiji.inspections.models import Inspection
from shuangsuiji.plans.draws import reveal_draw
from shuangsuiji.plans.models import Plan
from shuangsuiji.registries import services as registries
from shuangsuiji.registries.models import Entity, Inspector
from tests.factories import credit_code

from .fixtures import BEACON


def _stratum_a(draw) -> list[Entity]:
    codes = draw.announcement["strata"]["A"]["ids"]
    return [Entity.objects.get(credit_code=c) for c in codes[:2]]


def test_a_code_swap_behind_the_services_back_does_not_redirect_the_inspection(office, announced):
    # The attack of the issue: two entities swap codes after the freeze.
    codes = [c for s in announced.announcement["strata"].values() for c in s["ids"]]
    pk_at_freeze = dict(
        Entity.objects.filter(credit_code__in=codes).values_list("credit_code", "pk")
    )
    first, second = _stratum_a(announced)
    a, b = first.credit_code, second.credit_code
    Entity.objects.filter(pk=first.pk).update(credit_code="TEMP")
    Entity.objects.filter(pk=second.pk).update(credit_code=a)
    Entity.objects.filter(pk=first.pk).update(credit_code=b)
    draw = reveal_draw(office, announced, beacon=BEACON)
    for stratum in draw.record["strata"].values():
        for entry in stratum["selected"]:
            inspection = Inspection.objects.get(draw=draw, ticket=entry["ticket"])
            assert inspection.entity_id == pk_at_freeze[entry["id"]]


def test_a_selected_code_changed_to_an_unused_one_still_reveals(office, announced):
    for entity in Entity.objects.filter(
        credit_code__in=[c for s in announced.announcement["strata"].values() for c in s["ids"]]
    ):
        Entity.objects.filter(pk=entity.pk).update(credit_code=credit_code())
    draw = reveal_draw(office, announced, beacon=BEACON)
    assert Inspection.objects.filter(draw=draw).count() == sum(
        len(s["selected"]) for s in draw.record["strata"].values()
    )


def test_a_pooled_certificate_changed_behind_the_services_back_still_reveals(office, announced):
    for row in announced.pool_snapshot:
        Inspector.objects.filter(certificate_no=row["id"]).update(certificate_no=row["id"] + "-NEW")
    draw = reveal_draw(office, announced, beacon=BEACON)
    inspection = Inspection.objects.filter(draw=draw).first()
    assert inspection.current_team().count() >= 2


def test_the_credit_code_of_a_frozen_entity_cannot_be_corrected_before_the_reveal(
    office, announced
):
    entity, _ = _stratum_a(announced)
    with pytest.raises(StateConflict, match="开奖前不能更改") as exc:
        registries.correct_credit_code(
            office, entity, credit_code=credit_code(), reason="登记时录错"
        )
    assert exc.value.code == "entity.credit_code_frozen"
    entity.refresh_from_db()
    assert entity.credit_code == announced.announcement["strata"]["A"]["ids"][0]


def test_the_certificate_of_a_pooled_inspector_cannot_change_before_the_reveal(office, announced):
    inspector = Inspector.objects.get(certificate_no=announced.pool_snapshot[0]["id"])
    with pytest.raises(StateConflict, match="开奖前不能更改其执法证号"):
        registries.update_inspector(office, inspector, certificate_no="CHANGED-1")
    inspector.refresh_from_db()
    assert inspector.certificate_no == announced.pool_snapshot[0]["id"]


def test_an_ordinary_edit_cannot_change_a_credit_code(office, demo):
    entity = Entity.objects.first()
    with pytest.raises(InvalidInput) as exc:
        registries.update_entity(office, entity, credit_code=credit_code(), name="新名称")
    assert exc.value.code == "entity.credit_code_needs_correction"
    entity.refresh_from_db()
    assert entity.name != "新名称"


def test_a_correction_after_the_reveal_is_audited_with_its_reason(office, revealed):
    inspection = Inspection.objects.filter(draw=revealed).select_related("entity").first()
    new_code = credit_code()
    registries.correct_credit_code(
        office, inspection.entity, credit_code=new_code, reason="营业执照换发，代码录错"
    )
    entry = AuditEntry.objects.get(action="entity.correct_credit_code")
    assert entry.data["new"] == new_code and entry.data["reason"] == "营业执照换发，代码录错"
    inspection.refresh_from_db()
    assert inspection.entity.credit_code == new_code  # same row, still the drawn café


def test_a_correction_needs_a_reason(office, demo):
    entity = Entity.objects.first()
    with pytest.raises(InvalidInput, match="理由"):
        registries.correct_credit_code(office, entity, credit_code=credit_code(), reason=" ")


def test_the_portal_shows_plan_task_and_names_as_frozen(client, office, revealed):
    selected = revealed.record["strata"]["A"]["selected"][0]["id"]
    entity = Entity.objects.get(credit_code=selected)
    frozen_name = entity.name
    registries.update_entity(office, entity, name="改名后的网吧")
    Plan.objects.filter(pk=revealed.task.plan_id).update(
        title="改过的计划", doc_number="改过的文号"
    )
    revealed.task.__class__.objects.filter(pk=revealed.task_id).update(name="改过的任务")
    page = client.get(reverse("portal:draw", args=[revealed.code])).content.decode()
    assert frozen_name in page
    assert "改名后的网吧" not in page
    assert "改过的计划" not in page and "改过的文号" not in page and "改过的任务" not in page
    assert "平新双随机办〔2023〕16号" in page
    listing = client.get(reverse("portal:index")).content.decode()
    assert "改过的计划" not in listing and "改过的任务" not in listing


def test_the_correction_page_refuses_a_frozen_entity_and_changes_nothing(client, office, announced):
    entity, _ = _stratum_a(announced)
    client.force_login(office)
    url = reverse("registries:entity-correct-code", args=[entity.pk])
    response = client.post(url, {"credit_code": credit_code(), "reason": "录错"})
    assert response.status_code == 400
    assert "开奖前不能更改" in response.content.decode()
    entity.refresh_from_db()
    assert entity.credit_code == announced.announcement["strata"]["A"]["ids"][0]


def test_the_correction_page_corrects_an_unfrozen_code(client, office, demo):
    entity = Entity.objects.first()
    client.force_login(office)
    new_code = credit_code()
    url = reverse("registries:entity-correct-code", args=[entity.pk])
    response = client.post(url, {"credit_code": new_code, "reason": "录错"})
    assert response.status_code == 302
    entity.refresh_from_db()
    assert entity.credit_code == new_code
