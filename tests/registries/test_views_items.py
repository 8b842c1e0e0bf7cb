"""Check-item pages (抽查事项清单): list, create, edit."""

from __future__ import annotations

import pytest
from django.urls import reverse

from shuangsuiji.audit.models import AuditEntry
from shuangsuiji.registries.models import CheckItem
from tests import factories

pytestmark = pytest.mark.django_db


def _list():
    return reverse("registries:checkitem-list")


def _create():
    return reverse("registries:checkitem-create")


def _edit(item):
    return reverse("registries:checkitem-edit", args=[item.pk])


def _data(dept, **overrides):
    data = {
        "department": dept.pk,
        "code": "WG-01",
        "title": "是否按规定核对、登记上网消费者有效身份证件",
        "legal_basis": "《互联网上网服务营业场所管理条例》第二十三条",
        "method": "现场检查",
        "active": "on",
    }
    data.update(overrides)
    return data


def _last_action():
    return AuditEntry.objects.order_by("-seq").values_list("action", flat=True).first()


def test_it_redirects_anonymous_visitors_to_login(client, culture):
    item = factories.check_item(culture)
    for url in (_list(), _create(), _edit(item)):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))


def test_it_lists_items_grouped_and_filtered_by_department_and_active(
    client, erin, culture, police_dept
):
    a = factories.check_item(culture)
    b = factories.check_item(police_dept)
    off = factories.check_item(culture)
    CheckItem.objects.filter(pk=off.pk).update(active=False)
    client.force_login(erin)
    response = client.get(_list())
    body = response.content.decode()
    assert response.status_code == 200
    assert culture.name in body and police_dept.name in body

    def rows(**params):
        return set(client.get(_list(), params).context["page"])

    assert rows(department=police_dept.pk) == {b}
    assert rows(active="1", department=culture.pk) == {a}
    assert rows(active="0") == {off}


def test_auditors_may_not_create_or_edit_items(client, erin, culture):
    item = factories.check_item(culture)
    client.force_login(erin)
    assert client.get(_create()).status_code == 403
    assert client.post(_create(), _data(culture)).status_code == 403
    assert client.post(_edit(item), _data(culture)).status_code == 403


def test_a_department_admin_creates_items_for_their_department(client, bob, culture):
    client.force_login(bob)
    before = AuditEntry.objects.count()
    response = client.post(_create(), _data(culture))
    assert response.status_code == 302
    item = CheckItem.objects.get(code="WG-01")
    assert item.department == culture
    assert AuditEntry.objects.count() == before + 1
    assert _last_action() == "checkitem.create"
    assert "WG-01" in client.get(_list()).content.decode()


def test_a_department_admin_may_not_create_items_for_another_department(client, carol, culture):
    client.force_login(carol)
    response = client.post(_create(), _data(culture))
    assert response.status_code == 200
    assert "department" in response.context["form"].errors
    assert not CheckItem.objects.exists()


def test_the_police_admin_may_not_edit_a_culture_item(client, carol, culture):
    item = factories.check_item(culture)
    client.force_login(carol)
    assert client.get(_edit(item)).status_code == 403
    assert client.post(_edit(item), _data(culture, title="改")).status_code == 403


def test_the_culture_admin_edits_their_item(client, bob, culture):
    item = factories.check_item(culture, code="WG-09")
    client.force_login(bob)
    assert client.get(_edit(item)).status_code == 200
    before = AuditEntry.objects.count()
    response = client.post(_edit(item), _data(culture, code="WG-09", title="新的检查内容"))
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.title == "新的检查内容"
    assert AuditEntry.objects.count() == before + 1
    assert _last_action() == "checkitem.update"


def test_a_duplicate_code_in_the_same_department_is_rejected(client, bob, culture):
    factories.check_item(culture, code="WG-01")
    client.force_login(bob)
    response = client.post(_create(), _data(culture))
    assert "code" in response.context["form"].errors
