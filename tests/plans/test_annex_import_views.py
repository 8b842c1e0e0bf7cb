"""Annex 1 import like the directory imports (issue 11 item 7): upload → preview with
every problem by row and column → commit; the file waits in the database."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from shuangsuiji.accounts.models import User
from shuangsuiji.core import services as org
from shuangsuiji.core.models import Department, Region
from shuangsuiji.plans import annex
from shuangsuiji.plans.mission import ROWS, annex_xlsx
from shuangsuiji.plans.models import Plan
from shuangsuiji.registries.models import PendingUpload

from .fixtures import PLAN_OPTIONS


def _form(data: bytes, name: str = "附件1.xlsx") -> dict:
    return {
        "file": SimpleUploadedFile(name, data),
        "region": str(Region.objects.get(code="410402").pk),
        "rounding": "ceil-min1",
        "team_mode": "per-inspection",
        "recent_days": "0",
        "industry": "互联网上网服务营业场所",
        **{k: str(v) for k, v in PLAN_OPTIONS.items()},
    }


def _upload(client, user, data: bytes) -> str:
    client.force_login(user)
    response = client.post(reverse("plans:plan-import"), _form(data))
    assert response.status_code == 302, response.content.decode()[:2000]
    return response["Location"].rstrip("/").rsplit("/", 1)[1]


def _mission_rows(initiating: str = "区文化广电和旅游局") -> list[list]:
    return [[*row[:5], initiating, "新华公安分局", row[7]] for row in ROWS]


def test_every_problem_is_listed_by_row_and_column_and_nothing_is_written(client, office):
    rows = _mission_rows()
    rows[0][5] = "不存在的局"  # sheet row 3
    rows[1][7] = "百分之三"  # sheet row 4
    rows[2][0] = 1  # sheet row 5: 序号 1 again
    token = _upload(client, office, annex_xlsx(rows))
    html = client.get(reverse("plans:plan-import-preview", args=[token])).content.decode()
    assert "<td>第 3 行</td><td>发起部门</td><td>找不到部门“不存在的局”" in html
    assert "<td>第 4 行</td><td>抽查比例</td><td>抽查比例“百分之三”无法识别" in html
    assert "<td>第 5 行</td><td>序号</td><td>序号 1 与第 3 行重复</td>" in html
    assert "确认导入" not in html
    response = client.post(reverse("plans:plan-import-commit", args=[token]))
    assert response.status_code == 400
    assert not Plan.objects.exists()


def test_the_mission_documents_department_names_import_through_aliases(
    client, office, settings, tmp_path
):
    token = _upload(client, office, annex_xlsx(_mission_rows()))
    assert PendingUpload.objects.get(token=token).owner == office
    settings.DATA_DIR = tmp_path / "another-app-server"  # the file is not on local disk
    html = client.get(reverse("plans:plan-import-preview", args=[token])).content.decode()
    assert "<td>新华区文化广电和旅游局</td><td>新华公安分局</td><td>A 类 1%</td>" in html
    response = client.post(reverse("plans:plan-import-commit", args=[token]))
    assert response.status_code == 302
    plan = Plan.objects.get()
    assert [t.initiating_department.code for t in plan.tasks.order_by("number")] == [
        "410402-WGL"
    ] * 3
    assert not PendingUpload.objects.filter(token=token).exists()


def test_an_alias_added_on_the_department_is_used_by_the_next_import(client, office):
    police = Department.objects.get(code="410402-GA")
    org.update_department(office, police, aliases="新华分局\n区公安局")
    rows = [[*row[:5], "新华区文化广电和旅游局", "区公安局", row[7]] for row in ROWS]
    token = _upload(client, office, annex_xlsx(rows))
    assert client.post(reverse("plans:plan-import-commit", args=[token])).status_code == 302
    task = Plan.objects.get().tasks.get(number=1)
    assert list(task.cooperating_departments.values_list("code", flat=True)) == ["410402-GA"]


def test_an_alias_of_another_districts_department_is_not_used(client, office):
    city = Region.objects.get(code="410400")
    other = Region.objects.create(code="410403", name="卫东区", parent=city)
    Department.objects.create(
        code="410403-WGL", name="卫东区文化广电和旅游局", region=other, aliases="区文广局"
    )
    rows = [[*row[:5], "区文广局", "新华公安分局", row[7]] for row in ROWS]
    token = _upload(client, office, annex_xlsx(rows))
    html = client.get(reverse("plans:plan-import-preview", args=[token])).content.decode()
    assert "找不到部门“区文广局”" in html


def test_an_alias_may_not_name_another_department_of_the_region(office):
    from django.core.exceptions import ValidationError

    police = Department.objects.get(code="410402-GA")
    with pytest.raises(ValidationError, match="已用于同一区划"):
        org.update_department(office, police, aliases="区文化广电和旅游局")


def test_the_sample_annex_downloads_and_parses_back(client, office):
    client.force_login(office)
    response = client.get(reverse("plans:plan-import-sample"))
    assert response.status_code == 200
    rows = annex.read_xlsx(io.BytesIO(response.content))
    assert [r["抽查名称"] for r in rows] == [row[1] for row in ROWS]


def test_the_import_page_preselects_the_users_own_district(client, office):
    client.force_login(office)
    html = client.get(reverse("plans:plan-import")).content.decode()
    pk = office.department.region_id
    assert f'<option value="{pk}" selected>' in html
    assert "下载附件 1 示例" in html


def test_another_users_upload_cannot_be_previewed_or_committed(client, office, demo):
    token = _upload(client, office, annex_xlsx(_mission_rows()))
    other = User.objects.create_user("office2", password="x" * 12, department=office.department)
    other.groups.set(office.groups.all())
    client.force_login(other)
    assert client.get(reverse("plans:plan-import-preview", args=[token])).status_code == 404
    assert client.post(reverse("plans:plan-import-commit", args=[token])).status_code == 404
    assert not Plan.objects.exists()


def test_a_department_admin_may_not_import_a_plan(client, demo):
    client.force_login(User.objects.get(username="wgl_admin"))
    assert client.get(reverse("plans:plan-import")).status_code == 403
    response = client.post(reverse("plans:plan-import"), _form(annex_xlsx()))
    assert response.status_code == 403
    assert not PendingUpload.objects.exists()


def test_anonymous_visitors_are_sent_to_the_login_page(client, db):
    response = client.get(reverse("plans:plan-import"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
