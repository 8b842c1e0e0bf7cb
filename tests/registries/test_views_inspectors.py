"""Inspector pages: list, detail, create, edit and unavailable periods."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.urls import reverse

from shuangsuiji.audit.models import AuditEntry
from shuangsuiji.registries.models import Inspector, Unavailability
from tests import factories

pytestmark = pytest.mark.django_db


def _list():
    return reverse("registries:inspector-list")


def _create():
    return reverse("registries:inspector-create")


def _detail(i):
    return reverse("registries:inspector-detail", args=[i.pk])


def _edit(i):
    return reverse("registries:inspector-edit", args=[i.pk])


def _add_period(i):
    return reverse("registries:inspector-unavailable-add", args=[i.pk])


def _remove_period(i, p):
    return reverse("registries:inspector-unavailable-remove", args=[i.pk, p.pk])


def _form_data(dept, **overrides):
    data = {
        "name": "王五",
        "department": dept.pk,
        "certificate_no": "WG-2024-001",
        "certificate_valid_from": "2022-01-01",
        "certificate_valid_to": "2027-12-31",
        "title": "科员",
        "phone": "0375-0000123",
        "may_lead": "on",
        "active": "on",
    }
    data.update(overrides)
    return data


def _last_action():
    return AuditEntry.objects.order_by("-seq").values_list("action", flat=True).first()


def test_it_redirects_anonymous_visitors_to_login(client, culture):
    i = factories.inspector(culture)
    for url in (_list(), _create(), _detail(i), _edit(i)):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))
    assert client.post(_add_period(i), {}).status_code == 302


def test_it_lists_inspectors_with_search(client, erin, culture):
    factories.inspector(culture, name="张执法", cert="WG-0001")
    factories.inspector(culture, name="李执法", cert="WG-0002")
    client.force_login(erin)
    response = client.get(_list())
    assert response.status_code == 200
    assert "张执法" in response.content.decode()
    names = lambda **p: {i.name for i in client.get(_list(), p).context["page"]}  # noqa: E731
    assert names(q="张") == {"张执法"}
    assert names(q="0002") == {"李执法"}


@time_machine.travel(datetime.datetime(2024, 5, 1, 10, 0, tzinfo=datetime.UTC))
def test_it_filters_by_department_lead_active_and_certificate(client, erin, culture, police_dept):
    lead = factories.inspector(culture, name="组长", may_lead=True)
    member = factories.inspector(culture, name="组员", may_lead=False)
    expired = factories.inspector(culture, name="过期", valid_to=datetime.date(2023, 12, 31))
    cop = factories.inspector(police_dept, name="民警")
    Inspector.objects.filter(pk=member.pk).update(active=False)
    client.force_login(erin)

    def names(**params):
        return {i.name for i in client.get(_list(), params).context["page"]}

    assert names(department=police_dept.pk) == {cop.name}
    assert names(department=culture.pk, may_lead="0") == {member.name}
    assert names(active="0") == {member.name}
    assert names(certified="0") == {expired.name}
    assert names(certified="1") == {lead.name, member.name, cop.name}


def test_it_shows_the_detail_with_phone_periods_conflicts_and_items(client, erin, culture):
    i = factories.inspector(culture, name="赵六")
    Inspector.objects.filter(pk=i.pk).update(phone="0375-0000999")
    item = factories.check_item(culture)
    i.check_items.add(item)
    Unavailability.objects.create(
        inspector=i, start=datetime.date(2024, 7, 1), end=datetime.date(2024, 7, 10), reason="休假"
    )
    e = factories.entity(name="星海网咖")
    from shuangsuiji.registries.models import Conflict

    Conflict.objects.create(inspector=i, entity=e, reason="曾任职")
    client.force_login(erin)
    response = client.get(_detail(i))
    body = response.content.decode()
    assert response.status_code == 200
    for text in ("0375-0000999", "休假", "星海网咖", "曾任职", item.title):
        assert text in body
    assert response.context["can_change"] is False
    assert _edit(i) not in body


def test_it_forbids_creating_inspectors_to_auditors_and_inspectors(client, erin, dave, culture):
    for user in (erin, dave):
        client.force_login(user)
        assert client.get(_create()).status_code == 403
        assert client.post(_create(), _form_data(culture)).status_code == 403
    assert not Inspector.objects.filter(certificate_no="WG-2024-001").exists()


def test_a_department_admin_creates_inspectors_only_for_their_department(
    client, bob, culture, police_dept
):
    client.force_login(bob)
    form = client.get(_create()).context["form"]
    assert list(form.fields["department"].queryset) == [culture]
    response = client.post(_create(), _form_data(police_dept))
    assert response.status_code == 200
    assert "department" in response.context["form"].errors
    before = AuditEntry.objects.count()
    response = client.post(_create(), _form_data(culture))
    i = Inspector.objects.get(certificate_no="WG-2024-001")
    assert response.status_code == 302
    assert response["Location"] == _detail(i)
    assert i.department == culture and i.may_lead and not i.is_expert
    assert AuditEntry.objects.count() == before + 1
    assert _last_action() == "inspector.create"


def test_the_police_admin_may_not_edit_a_culture_inspector(client, carol, culture):
    i = factories.inspector(culture, name="原名")
    client.force_login(carol)
    assert client.get(_edit(i)).status_code == 403
    assert client.post(_edit(i), _form_data(culture, name="改名")).status_code == 403
    i.refresh_from_db()
    assert i.name == "原名"


def test_an_auditor_may_not_edit_inspectors(client, erin, culture):
    i = factories.inspector(culture)
    client.force_login(erin)
    assert client.post(_edit(i), _form_data(culture)).status_code == 403


def test_the_culture_admin_edits_their_inspector(client, bob, culture):
    i = factories.inspector(culture, name="原名")
    item = factories.check_item(culture)
    client.force_login(bob)
    assert client.get(_edit(i)).status_code == 200
    before = AuditEntry.objects.count()
    data = _form_data(culture, name="改名", certificate_no=i.certificate_no)
    data["check_items"] = [item.pk]
    response = client.post(_edit(i), data)
    assert response.status_code == 302
    i.refresh_from_db()
    assert i.name == "改名"
    assert list(i.check_items.all()) == [item]
    assert AuditEntry.objects.count() == before + 1
    assert _last_action() == "inspector.update"
    assert "改名" in client.get(_detail(i)).content.decode()


def test_it_rejects_a_certificate_end_before_its_start(client, bob, culture):
    client.force_login(bob)
    data = _form_data(culture, certificate_valid_to="2020-01-01")
    response = client.post(_create(), data)
    assert "certificate_valid_to" in response.context["form"].errors


def test_it_adds_and_removes_unavailable_periods(client, bob, culture):
    i = factories.inspector(culture)
    client.force_login(bob)
    before = AuditEntry.objects.count()
    response = client.post(
        _add_period(i), {"start": "2024-07-01", "end": "2024-07-05", "reason": "培训"}
    )
    assert response.status_code == 302
    period = i.unavailable_periods.get()
    assert period.reason == "培训"
    assert _last_action() == "inspector.unavailable"
    response = client.post(_remove_period(i, period))
    assert response.status_code == 302
    assert not i.unavailable_periods.exists()
    assert _last_action() == "inspector.available"
    assert AuditEntry.objects.count() == before + 2


def test_it_rejects_a_period_ending_before_it_starts(client, bob, culture):
    i = factories.inspector(culture)
    client.force_login(bob)
    response = client.post(_add_period(i), {"start": "2024-07-05", "end": "2024-07-01"})
    assert response.status_code == 400
    assert "结束日期不能早于开始日期" in response.content.decode()
    assert not i.unavailable_periods.exists()


def test_other_departments_may_not_touch_unavailable_periods(client, carol, erin, culture):
    i = factories.inspector(culture)
    period = Unavailability.objects.create(
        inspector=i, start=datetime.date(2024, 1, 1), end=datetime.date(2024, 1, 2)
    )
    for user in (carol, erin):
        client.force_login(user)
        data = {"start": "2024-07-01", "end": "2024-07-05"}
        assert client.post(_add_period(i), data).status_code == 403
        assert client.post(_remove_period(i, period)).status_code == 403
    assert i.unavailable_periods.count() == 1
