"""Region (行政区划) and department (部门) pages: read for staff, change for the joint office."""

from __future__ import annotations

import pytest
from django.urls import reverse

from shuangsuiji.audit.models import AuditEntry
from shuangsuiji.core.models import Department, Region
from tests import factories

pytestmark = pytest.mark.django_db


def _last_action():
    return AuditEntry.objects.order_by("-seq").values_list("action", flat=True).first()


def test_it_redirects_anonymous_visitors_to_login(client, culture):
    region = culture.region
    urls = [
        reverse("registries:region-list"),
        reverse("registries:region-create"),
        reverse("registries:region-detail", args=[region.pk]),
        reverse("registries:region-edit", args=[region.pk]),
        reverse("registries:department-list"),
        reverse("registries:department-create"),
        reverse("registries:department-detail", args=[culture.pk]),
        reverse("registries:department-edit", args=[culture.pk]),
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))


def test_staff_read_regions_and_departments(client, erin, culture):
    client.force_login(erin)
    body = client.get(reverse("registries:region-list")).content.decode()
    assert "新华区" in body and "410402" in body
    detail = client.get(reverse("registries:region-detail", args=[culture.region_id]))
    assert detail.status_code == 200
    assert culture.name in detail.content.decode()
    assert culture.name in client.get(reverse("registries:department-list")).content.decode()
    response = client.get(reverse("registries:department-detail", args=[culture.pk]))
    assert response.status_code == 200
    assert response.context["can_change"] is False


def test_department_admins_and_auditors_may_not_change_the_organisation(client, bob, erin, culture):
    for user in (bob, erin):
        client.force_login(user)
        assert client.get(reverse("registries:region-create")).status_code == 403
        response = client.post(
            reverse("registries:region-edit", args=[culture.region_id]),
            {"code": "410402", "name": "改名区"},
        )
        assert response.status_code == 403
        response = client.post(
            reverse("registries:department-edit", args=[culture.pk]),
            {"code": culture.code, "name": "改名局", "region": culture.region_id},
        )
        assert response.status_code == 403
    culture.refresh_from_db()
    assert culture.name == "新华区文化广电和旅游局"
    assert Region.objects.get(code="410402").name == "新华区"


def test_the_joint_office_creates_and_edits_regions(client, db):
    city = factories.region("410400")
    city_office = factories.department("410400-LXB", "平顶山市联席办", "市联席办", "410400")
    alice = factories.user("city_alice", factories.ROLES.JOINT_OFFICE_ADMIN, city_office)
    client.force_login(alice)
    before = AuditEntry.objects.count()
    response = client.post(
        reverse("registries:region-create"),
        {"code": "410403", "name": "卫东区", "parent": city.pk},
    )
    assert response.status_code == 302
    region = Region.objects.get(code="410403")
    assert region.parent == city
    assert _last_action() == "region.create"
    response = client.post(
        reverse("registries:region-edit", args=[region.pk]),
        {"code": "410403", "name": "卫东区（新）", "parent": city.pk},
    )
    assert response.status_code == 302
    region.refresh_from_db()
    assert region.name == "卫东区（新）"
    assert _last_action() == "region.update"
    assert AuditEntry.objects.count() == before + 2


def test_a_region_code_must_have_six_digits(client, alice):
    client.force_login(alice)
    response = client.post(reverse("registries:region-create"), {"code": "4104", "name": "错"})
    assert response.status_code == 200
    assert "6 位数字" in response.content.decode()


def test_the_joint_office_creates_and_edits_departments(client, alice, culture):
    client.force_login(alice)
    before = AuditEntry.objects.count()
    data = {
        "code": "410402-SCJ",
        "name": "新华区市场监督管理局",
        "short_name": "市场监管局",
        "region": culture.region_id,
        "active": "on",
    }
    response = client.post(reverse("registries:department-create"), data)
    assert response.status_code == 302
    dept = Department.objects.get(code="410402-SCJ")
    assert _last_action() == "department.create"
    data["short_name"] = "市监局"
    response = client.post(reverse("registries:department-edit", args=[dept.pk]), data)
    assert response.status_code == 302
    dept.refresh_from_db()
    assert dept.short_name == "市监局"
    assert _last_action() == "department.update"
    assert AuditEntry.objects.count() == before + 2
    body = client.get(reverse("registries:department-list")).content.decode()
    assert "新华区市场监督管理局" in body


def test_the_joint_office_edits_a_departments_aliases(client, alice, culture):
    client.force_login(alice)
    data = {
        "code": culture.code,
        "name": culture.name,
        "short_name": culture.short_name,
        "region": culture.region_id,
        "active": "on",
        "aliases": "区文化广电和旅游局\n区文广旅局",
    }
    response = client.post(reverse("registries:department-edit", args=[culture.pk]), data)
    assert response.status_code == 302
    culture.refresh_from_db()
    assert culture.alias_list == ["区文化广电和旅游局", "区文广旅局"]
    entry = AuditEntry.objects.order_by("-seq").first()
    assert entry.action == "department.update"
    assert entry.before_digest != entry.after_digest
    page = client.get(reverse("registries:department-detail", args=[culture.pk])).content.decode()
    assert "区文化广电和旅游局、区文广旅局" in page
    assert Department.lookup("区文广旅局", culture.region) == culture
    assert Department.lookup("区文广旅局") is None  # aliases count only within a region


def test_a_duplicate_department_name_is_rejected(client, alice, culture):
    client.force_login(alice)
    response = client.post(
        reverse("registries:department-create"),
        {"code": "X-1", "name": culture.name, "region": culture.region_id},
    )
    assert response.status_code == 200
    assert "name" in response.context["form"].errors


def test_a_district_joint_office_may_not_create_or_edit_another_district(client, alice):
    client.force_login(alice)
    city = factories.region("410400")
    response = client.post(
        reverse("registries:region-create"),
        {"code": "410403", "name": "卫东区", "parent": city.pk},
    )
    assert response.status_code == 200
    assert "超出您所在行政区划的管理范围" in response.content.decode()
    assert not Region.objects.filter(code="410403").exists()
    other = Region.objects.create(code="410403", name="卫东区", parent=city)
    response = client.post(
        reverse("registries:region-edit", args=[other.pk]),
        {"code": "410403", "name": "改名", "parent": city.pk},
    )
    assert response.status_code == 404


def test_an_account_without_department_sees_no_region(db):
    user = factories.user("nodept", factories.ROLES.JOINT_OFFICE_ADMIN)
    user.department = None
    user.save()
    factories.entity()
    from shuangsuiji.registries.models import Entity

    assert Entity.objects.visible_to(user).count() == 0
