"""Imports stay inside the importing account's district (issue 8, item 1).

Reproduced holes: a 新华区 import "新增 1，更新 1" renamed a 卫东区 entity and set class D;
inspector and conflict imports updated 卫东区 rows; the conflict preview printed a
卫东区 entity's name. Now each such row is an error, the import writes nothing, and no
other district's name appears in the preview.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from shuangsuiji.core import permission_matrix as m
from shuangsuiji.registries.importing import import_file, preview_import
from tests.permissions.snapshots import unchanged
from tests.registries.test_import_support import write_csv

OFFICE = m.JOINT_OFFICE_ADMIN


def _refused(world, kind, path, role=OFFICE):
    user = world.users[role]
    with unchanged():
        plan = import_file(user, kind, path, path.name)
    assert not plan.committed
    return plan


def test_an_entity_import_cannot_update_another_districts_entity(world, tmp_path):
    theirs, mine = world["entity_weidong"], world["entity"]
    rows = [
        [mine.credit_code, mine.name, "B", "", "在营"],
        [theirs.credit_code, "改名网吧", "D", "", "在营"],
    ]
    path = write_csv(
        tmp_path / "e.csv", ["统一社会信用代码", "名称", "风险等级", "地址", "状态"], rows
    )
    plan = _refused(world, "entities", path)
    assert [(e.row, e.column) for e in plan.errors] == [(3, "统一社会信用代码")]
    assert theirs.name not in str(plan.errors)
    theirs.refresh_from_db()
    assert theirs.name != "改名网吧" and theirs.risk_class != "D"


def test_an_entity_import_cannot_place_rows_in_another_district(world, tmp_path):
    from tests import factories

    rows = [[factories.credit_code(division="410403"), "越界网吧", "A", "", "在营", "410403"]]
    header = ["统一社会信用代码", "名称", "风险等级", "地址", "状态", "行政区划"]
    plan = _refused(world, "entities", write_csv(tmp_path / "e.csv", header, rows))
    assert "行政区划" in {e.column for e in plan.errors}


def test_an_entity_import_refuses_a_default_region_of_another_district(world, tmp_path):
    from tests import factories

    rows = [[factories.credit_code(), "新网吧", "A"]]
    path = write_csv(tmp_path / "e.csv", ["统一社会信用代码", "名称", "风险等级"], rows)
    with unchanged():
        plan = import_file(world.users[OFFICE], "entities", path, path.name, region_code="410403")
    assert not plan.committed and plan.errors


@pytest.mark.parametrize("role", [OFFICE, m.DEPT_ADMIN_OWNER])
def test_an_inspector_import_cannot_update_another_districts_inspector(world, tmp_path, role):
    theirs = world["inspector_weidong"]
    rows = [["改名", "文广旅局", theirs.certificate_no]]
    path = write_csv(tmp_path / "i.csv", ["姓名", "部门", "执法证号"], rows)
    plan = _refused(world, "inspectors", path, role)
    assert plan.errors
    assert theirs.department.name not in str(plan.errors)
    theirs.refresh_from_db()
    assert theirs.name != "改名"


def test_an_inspector_import_cannot_name_another_districts_department(world, tmp_path):
    rows = [["越界", world["culture_weidong"].name, "NEW-0001"]]
    path = write_csv(tmp_path / "i.csv", ["姓名", "部门", "执法证号"], rows)
    plan = _refused(world, "inspectors", path)
    assert {e.column for e in plan.errors} == {"部门"}


def test_a_conflict_import_cannot_reach_another_districts_entity_or_inspector(world, tmp_path):
    entity_theirs, inspector_theirs = world["entity_weidong"], world["inspector_weidong"]
    rows = [
        [world["inspector"].certificate_no, entity_theirs.credit_code, "近亲属"],
        [inspector_theirs.certificate_no, world["entity"].credit_code, "近亲属"],
    ]
    path = write_csv(tmp_path / "c.csv", ["执法证号", "统一社会信用代码", "回避事由"], rows)
    plan = _refused(world, "conflicts", path)
    assert sorted(e.row for e in plan.errors) == [2, 3]
    preview = preview_import(world.users[OFFICE], "conflicts", path, path.name)
    shown = " ".join(r.summary for r in preview.rows) + str(preview.errors)
    assert entity_theirs.name not in shown
    assert inspector_theirs.name not in shown


def test_the_conflict_preview_page_never_prints_another_districts_names(client, world, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    entity_theirs = world["entity_weidong"]
    rows = [[world["inspector"].certificate_no, entity_theirs.credit_code, "近亲属"]]
    path = write_csv(tmp_path / "c.csv", ["执法证号", "统一社会信用代码", "回避事由"], rows)
    client.force_login(world.users[OFFICE])
    upload = SimpleUploadedFile("c.csv", path.read_bytes(), content_type="text/csv")
    response = client.post(reverse("registries:import-start", args=["conflicts"]), {"file": upload})
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert entity_theirs.credit_code in page  # the row is reported…
    assert entity_theirs.name not in page  # …without naming another district's entity
