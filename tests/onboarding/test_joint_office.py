"""The joint office (联席办) of a district: one Department flagged ``is_joint_office``."""

from __future__ import annotations

import pytest

from shuangsuiji.core import services
from shuangsuiji.core.actors import SystemActor
from shuangsuiji.core.errors import message_of
from shuangsuiji.core.models import Department
from tests import factories

pytestmark = pytest.mark.django_db


def test_the_joint_office_of_a_district_is_found_by_its_region_code():
    district = factories.region()
    office = services.create_department(
        SystemActor(), code="410402-LXB", name="新华区联席办", region=district, is_joint_office=True
    )
    factories.department()
    assert Department.objects.joint_office_of("410402") == office
    assert Department.objects.joint_office_of(district) == office
    assert Department.objects.joint_office_of("410403") is None


def test_a_second_joint_office_in_the_same_district_is_refused():
    district = factories.region()
    services.create_department(
        SystemActor(), code="410402-LXB", name="新华区联席办", region=district, is_joint_office=True
    )
    with pytest.raises(Exception) as excinfo:
        services.create_department(
            SystemActor(),
            code="410402-LXB2",
            name="另一个联席办",
            region=district,
            is_joint_office=True,
        )
    assert "已有联席办" in message_of(excinfo.value)
