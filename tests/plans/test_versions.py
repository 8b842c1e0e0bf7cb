"""Every published version of a draw record stays on the portal, with its time."""

import json

import pytest
from django.urls import reverse

from shuangsuiji.core.errors import StateConflict
from shuangsuiji.drawengine import check_extends, verify_record
from shuangsuiji.inspections.models import Inspection, TeamRole
from shuangsuiji.plans import versions
from shuangsuiji.plans.draws import change_inspector
from shuangsuiji.plans.substitutions import substitute_entity

from .test_draws import set_status


def test_each_change_publishes_a_new_version_and_the_old_ones_stay(client, office, revealed):
    code = revealed.record["strata"]["A"]["selected"][0]["id"]
    set_status(office, code, "deregistered")
    substitute_entity(office, revealed, entity=code, reason="deregistered-before-window")
    inspection = Inspection.objects.filter(draw=revealed, status="planned").first()
    member = inspection.current_team().get(role=TeamRole.MEMBER)
    change_inspector(
        office, inspection, outgoing=member.inspector.certificate_no, reason="sick-leave"
    )
    assert list(revealed.versions.values_list("number", flat=True)) == [1, 2, 3]
    page = client.get(reverse("portal:draw", args=[revealed.code])).content.decode()
    assert "第 1 版" in page and "第 3 版" in page
    records = []
    for number in (1, 2, 3):
        url = reverse("portal:record-version-json", args=[revealed.code, number])
        records.append(json.loads(client.get(url).content))
    for record in records:
        verify_record(record)
    assert records[0]["strata"]["A"]["substitutions"] == []
    assert len(records[1]["strata"]["A"]["substitutions"]) == 1
    assert len(records[2]["inspector_changes"]) == 1
    for old, new in zip(records, records[1:]):
        check_extends(old, new)


def test_a_version_that_rewrites_the_selection_is_refused(office, revealed):
    record = dict(revealed.record)
    stratum = dict(record["strata"]["A"])
    stratum["selected"] = list(reversed(stratum["selected"])) + [{"id": "X", "ticket": "0.1"}]
    record["strata"] = {**record["strata"], "A": stratum}
    revealed.record = record
    with pytest.raises(StateConflict):
        versions.publish(revealed, "改写")
    assert revealed.versions.count() == 1
