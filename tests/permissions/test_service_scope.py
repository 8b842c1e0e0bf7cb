"""Services are the gate: a 新华区 (410402) account cannot reach 卫东区 (410403) or the
city region (410400) through any object or foreign key it hands to a service.

Each test first names the hole it reproduces (issue 8, item 1); the services now raise
``OutOfScope`` (a ``DomainError``, HTTP 403) and write nothing.
"""

from __future__ import annotations

import datetime

import pytest

from shuangsuiji.core import permission_matrix as m
from shuangsuiji.core.errors import DomainError, OutOfScope
from shuangsuiji.core.models import Department
from shuangsuiji.plans import services as plan_services
from shuangsuiji.plans.models import Plan, Task
from shuangsuiji.registries import services as reg_services
from tests import factories
from tests.permissions.snapshots import unchanged

OFFICE = m.JOINT_OFFICE_ADMIN


def _office(world):
    return world.users[OFFICE]


def _task_fields(world, **overrides):
    fields = {
        "number": 9,
        "name": "越界任务",
        "domain": "文化市场",
        "rates": {"A": 2500},
        "initiating_department": world["culture"],
    }
    fields.update(overrides)
    return fields


def _city(world):
    return factories.region("410400")


@pytest.mark.parametrize(
    "smuggled",
    ["region_weidong", "region_city", "initiating", "cooperating", "check_items"],
)
def test_a_task_cannot_take_another_districts_region_departments_or_items(world, smuggled):
    fields = _task_fields(world)
    relations = {}
    if smuggled == "region_weidong":
        fields["region"] = world["region_weidong"]
    elif smuggled == "region_city":
        fields["region"] = _city(world)
    elif smuggled == "initiating":
        fields["initiating_department"] = world["culture_weidong"]
    elif smuggled == "cooperating":
        relations["cooperating_departments"] = [world["police_weidong"]]
    else:
        relations["check_items"] = [world["item_weidong"]]
    with unchanged():
        with pytest.raises(OutOfScope):
            plan_services.create_task(_office(world), world["plan"], **fields, **relations)


@pytest.mark.parametrize("smuggled", ["region_weidong", "cooperating", "check_items"])
def test_a_task_cannot_be_changed_to_another_districts_region_or_relations(world, smuggled):
    office = _office(world)
    task = plan_services.create_task(office, world["plan"], **_task_fields(world))
    changes = {
        "region_weidong": {"region": world["region_weidong"]},
        "cooperating": {"cooperating_departments": [world["police_weidong"]]},
        "check_items": {"check_items": [world["item_weidong"]]},
    }[smuggled]
    with unchanged():
        with pytest.raises(OutOfScope):
            plan_services.update_task(office, task, **changes)


@pytest.mark.parametrize("where", ["weidong", "city"])
def test_a_plan_cannot_be_created_in_another_district_or_the_city(world, where):
    region = world["region_weidong"] if where == "weidong" else _city(world)
    with unchanged():
        with pytest.raises(OutOfScope) as caught:
            plan_services.create_plan(
                _office(world),
                year=2024,
                office="新华区联席办",
                title="越界计划",
                region=region,
                period_start=datetime.date(2024, 1, 1),
                period_end=datetime.date(2024, 12, 31),
            )
    assert caught.value.code == "plan.region_out_of_scope"


def test_a_plan_of_its_own_district_is_still_created(world):
    plan = plan_services.create_plan(
        _office(world),
        year=2024,
        office="新华区联席办",
        title="本区计划",
        region=world["region"],
        period_start=datetime.date(2024, 1, 1),
        period_end=datetime.date(2024, 12, 31),
    )
    assert Plan.objects.visible_to(_office(world)).filter(pk=plan.pk).exists()


def test_another_districts_plan_and_task_cannot_be_changed(world):
    office = _office(world)
    with unchanged():
        with pytest.raises(DomainError):
            plan_services.update_plan(office, world["plan_weidong"], title="改名")
        with pytest.raises(DomainError):
            plan_services.create_task(office, world["plan_weidong"], **_task_fields(world))
        with pytest.raises(DomainError):
            plan_services.update_task(office, world["task_weidong"], name="改名")


@pytest.mark.parametrize("role", [OFFICE, m.DEPT_ADMIN_OWNER])
def test_update_entity_refuses_another_districts_entity(world, role):
    entity = world["entity_weidong"]
    with unchanged():
        with pytest.raises(DomainError):
            reg_services.update_entity(
                world.users[role], entity, name="改名网吧", status="suspended"
            )
        with pytest.raises(DomainError):
            reg_services.add_risk_rating(
                world.users[role], entity, risk_class="D", effective_date=datetime.date(2024, 1, 1)
            )
    entity.refresh_from_db()
    assert entity.name != "改名网吧"


def test_an_entity_cannot_be_moved_or_created_into_another_district(world):
    office = _office(world)
    with unchanged():
        with pytest.raises(OutOfScope):
            reg_services.update_entity(office, world["entity"], region=world["region_weidong"])
        with pytest.raises(OutOfScope):
            reg_services.create_entity(
                office,
                credit_code=factories.credit_code(division="410403"),
                name="越界网吧",
                region=world["region_weidong"],
            )


def test_inspectors_items_and_conflicts_of_another_district_are_refused(world):
    office = _office(world)
    with unchanged():
        with pytest.raises(DomainError):
            reg_services.create_inspector(
                office, name="越界", department=world["culture_weidong"], certificate_no="X-1"
            )
        with pytest.raises(DomainError):
            reg_services.update_inspector(office, world["inspector_weidong"], title="组长")
        with pytest.raises(OutOfScope):
            reg_services.update_inspector(
                office, world["inspector"], check_items=[world["item_weidong"]]
            )
        with pytest.raises(DomainError):
            reg_services.create_check_item(
                office, department=world["culture_weidong"], code="X1", title="越界事项"
            )
        with pytest.raises(DomainError):
            reg_services.update_check_item(office, world["item_weidong"], title="改")
        with pytest.raises(OutOfScope):
            reg_services.declare_conflict(
                office, inspector=world["inspector"], entity=world["entity_weidong"]
            )
        with pytest.raises(DomainError):
            reg_services.withdraw_conflict(office, world["conflict_weidong"], reason="越界")
        with pytest.raises(DomainError):
            reg_services.add_unavailability(
                office,
                world["inspector_weidong"],
                start=datetime.date(2024, 3, 1),
                end=datetime.date(2024, 3, 2),
            )


def test_department_lookup_finds_only_the_users_own_district(world):
    office, w_office = _office(world), world.weidong_users[OFFICE]
    assert Department.lookup("文广旅局", office) == world["culture"]
    assert Department.lookup("文广旅局", w_office) == world["culture_weidong"]
    assert Department.lookup(world["culture_weidong"].code, office) is None


def test_the_annex_import_cannot_name_another_districts_department(world):
    rows = [
        {
            "序号": 1,
            "抽查名称": "A类 越界任务",
            "抽查领域": "文化市场",
            "发起部门": world["culture_weidong"].name,
            "配合部门": "",
            "抽查比例": "25%",
            "rate_bp": 2500,
        }
    ]
    with unchanged():
        with pytest.raises(DomainError) as caught:
            plan_services.import_annex(
                _office(world),
                rows,
                year=2024,
                office="新华区联席办",
                doc_number="",
                title="越界导入",
                region=world["region"],
                period_start=datetime.date(2024, 1, 1),
                period_end=datetime.date(2024, 12, 31),
            )
    assert "找不到部门" in str(caught.value)
    assert not Task.objects.filter(name="A类 越界任务").exists()
