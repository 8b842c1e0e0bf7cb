"""``set_up_district`` and ``ssj setup``: region chain, joint office, departments; re-runnable."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from shuangsuiji.audit.models import AuditEntry
from shuangsuiji.core.actors import SystemActor
from shuangsuiji.core.errors import InvalidInput
from shuangsuiji.core.models import Department, Region
from shuangsuiji.onboarding import divisions
from shuangsuiji.onboarding.defaults import load_default_items
from shuangsuiji.onboarding.services import set_up_district
from shuangsuiji.registries.models import CheckItem
from tests import factories

pytestmark = pytest.mark.django_db


def test_the_shipped_table_has_about_3200_codes_with_parents():
    table = divisions.table()
    assert 3100 < len(table) < 3300
    assert [d.name for d in divisions.chain("410402")] == ["河南省", "平顶山市", "新华区"]
    assert all(d.parent in table for d in table.values() if d.parent)


def test_setup_fills_henan_pingdingshan_xinhua_by_itself():
    result = set_up_district(SystemActor(), "410402")
    assert result.district.full_name() == "河南省平顶山市新华区"
    assert Region.objects.get(code="410400").parent.code == "410000"
    assert result.joint_office.is_joint_office
    assert Department.objects.joint_office_of("410402") == result.joint_office
    assert [d.code for d in result.departments] == ["410402-WGL", "410402-GA"]
    assert [d.name for d in result.departments] == ["新华区文化广电和旅游局", "新华公安分局"]
    assert set(result.created) == {"410000", "410400", "410402"} | {
        "410402-LXB",
        "410402-WGL",
        "410402-GA",
    }
    assert AuditEntry.objects.filter(action="region.create").count() == 3
    assert AuditEntry.objects.filter(action="department.create").count() == 3


def test_running_setup_twice_changes_nothing():
    set_up_district(SystemActor(), "410402")
    rows = AuditEntry.objects.count()
    again = set_up_district(SystemActor(), "410402")
    assert again.created == []
    assert AuditEntry.objects.count() == rows
    assert Department.objects.count() == 3


def test_an_unknown_code_is_refused_and_nothing_is_written():
    with pytest.raises(InvalidInput) as excinfo:
        set_up_district(SystemActor(), "419999")
    assert excinfo.value.code == "setup.unknown_region"
    assert "不在随附的全国行政区划代码表中" in excinfo.value.message
    assert not Region.objects.exists()


def test_a_province_is_not_a_district():
    with pytest.raises(InvalidInput) as excinfo:
        set_up_district(SystemActor(), "410000")
    assert excinfo.value.code == "setup.not_a_district"


def test_a_county_gets_a_county_police_bureau_and_a_directly_governed_city_hangs_on_the_province():
    result = set_up_district(SystemActor(), "410425")  # 郏县
    assert "郏县公安局" in [d.name for d in result.departments]
    jiyuan = set_up_district(SystemActor(), "419001")
    assert jiyuan.district.parent.code == "410000"


def test_the_same_district_name_elsewhere_gets_its_city_in_department_names():
    set_up_district(SystemActor(), "410402")
    other = set_up_district(SystemActor(), "130105")  # 石家庄市新华区
    assert other.by_key["culture"].name == "石家庄市新华区文化广电和旅游局"


def test_the_command_takes_departments_and_prints_their_codes():
    out = io.StringIO()
    call_command(
        "setup",
        "--region",
        "410402",
        "--department",
        "文广旅局=新华区文化广电和旅游局",
        "--department",
        "市场监管局=新华区市场监督管理局",
        stdout=out,
    )
    text = out.getvalue()
    assert "410402-LXB" in text and "410402-WGL" in text and "410402-01" in text
    assert Department.objects.get(code="410402-01").short_name == "市场监管局"
    assert not Department.objects.filter(code="410402-GA").exists()


def test_a_joint_office_admin_may_not_set_a_district_up():
    alice = factories.user("alice", factories.ROLES.JOINT_OFFICE_ADMIN, factories.department())
    with pytest.raises(Exception) as excinfo:
        set_up_district(alice, "130105")
    assert "权限" in str(excinfo.value)
    assert not Region.objects.filter(code="130105").exists()


def test_a_department_admin_may_not_set_a_district_up():
    bob = factories.user("bob", factories.ROLES.DEPARTMENT_ADMIN, factories.department())
    with pytest.raises(Exception) as excinfo:
        set_up_district(bob, "410402")
    assert "权限" in str(excinfo.value)


def test_load_defaults_only_loads_check_items_into_the_set_up_departments():
    set_up_district(SystemActor(), "410402")
    regions, departments = Region.objects.count(), Department.objects.count()
    created, kept = load_default_items(SystemActor())
    assert created == CheckItem.objects.count() > 20 and kept == 0
    assert (Region.objects.count(), Department.objects.count()) == (regions, departments)
    assert not CheckItem.objects.filter(department__is_joint_office=True).exists()
    assert load_default_items(SystemActor()) == (0, created)


def test_load_defaults_without_any_district_tells_to_run_setup():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="ssj setup"):
        call_command("load_defaults")
    assert not Region.objects.exists()
