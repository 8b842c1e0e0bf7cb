"""Entity pages: list (search, filters, pagination), detail, create, edit, rate."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.urls import reverse

from shuangsuiji.audit.models import AuditEntry
from shuangsuiji.core.models import Region
from shuangsuiji.registries.models import Entity, RiskRating
from tests import factories

pytestmark = pytest.mark.django_db


def _list():
    return reverse("registries:entity-list")


def _create():
    return reverse("registries:entity-create")


def _detail(e):
    return reverse("registries:entity-detail", args=[e.pk])


def _edit(e):
    return reverse("registries:entity-edit", args=[e.pk])


def _rate(e):
    return reverse("registries:entity-rate", args=[e.pk])


def _form_data(**overrides):
    data = {
        "credit_code": factories.credit_code(),
        "name": "星海网咖",
        "address": "中兴路 1 号",
        "license_no": "",
        "legal_rep": "张三",
        "phone": "0375-0000001",
        "industry": "互联网上网服务营业场所",
        "status": "operating",
        "region": factories.region().pk,
    }
    data.update(overrides)
    return data


def _actions():
    return list(AuditEntry.objects.order_by("seq").values_list("action", flat=True))


# --- anonymous -----------------------------------------------------------------------


def test_it_redirects_anonymous_visitors_to_login(client):
    e = factories.entity()
    for url in (_list(), _create(), _detail(e), _edit(e)):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))
    response = client.post(_rate(e), {"risk_class": "B", "effective_date": "2024-01-01"})
    assert response.status_code == 302


# --- list ----------------------------------------------------------------------------


def test_it_lists_entities_for_every_staff_role(client, erin):
    factories.entity(name="星海网咖")
    client.force_login(erin)
    response = client.get(_list())
    assert response.status_code == 200
    assert "星海网咖" in response.content.decode()
    assert 'class="list responsive"' in response.content.decode()


def test_it_paginates_fifty_per_page(client, erin):
    region = factories.region()
    Entity.objects.bulk_create(
        Entity(credit_code=factories.credit_code(i), name=f"网吧{i:03d}", region=region)
        for i in range(1, 121)
    )
    client.force_login(erin)
    page1 = client.get(_list())
    assert len(page1.context["page"].object_list) == 50
    assert page1.context["page"].paginator.count == 120
    page3 = client.get(_list(), {"page": 3})
    assert len(page3.context["page"].object_list) == 20
    codes = [e.credit_code for e in page3.context["page"].object_list]
    assert codes == sorted(codes)


def test_it_searches_by_partial_name_and_partial_credit_code(client, erin):
    a = factories.entity(name="星海网咖")
    b = factories.entity(name="云端网吧")
    client.force_login(erin)
    by_name = client.get(_list(), {"q": "星海"}).context["page"].object_list
    assert list(by_name) == [a]
    by_code = client.get(_list(), {"q": b.credit_code[-8:].lower()}).context["page"].object_list
    assert list(by_code) == [b]
    by_full_code = client.get(_list(), {"q": a.credit_code}).context["page"].object_list
    assert list(by_full_code) == [a]


def test_it_filters_by_risk_class_status_region_and_industry(client):
    a = factories.entity(risk_class="A")
    d = factories.entity(risk_class="D")
    closed = factories.entity(risk_class="A", status="deregistered")
    other_region = Region.objects.create(
        code="410403", name="卫东区", parent=factories.region("410400")
    )
    elsewhere = factories.entity(region_code="410403", risk_class="B")
    Entity.objects.filter(pk=d.pk).update(industry="娱乐场所")
    city = factories.department("410400-WGL", "平顶山市文广旅局", "市文广旅局", "410400")
    client.force_login(factories.user("cindy", factories.ROLES.AUDITOR, city))

    def rows(**params):
        return set(client.get(_list(), params).context["page"].object_list)

    assert rows(risk_class="D") == {d}
    assert rows(status="deregistered") == {closed}
    assert rows(region=other_region.pk) == {elsewhere}
    assert rows(region=factories.region("410400").pk) == {a, d, closed, elsewhere}
    assert rows(industry="娱乐场所") == {d}
    assert rows(risk_class="A", status="operating") == {a}


def test_it_hides_entities_outside_the_users_region(client):
    region = Region.objects.create(code="410403", name="卫东区", parent=factories.region("410400"))
    from shuangsuiji.core.models import Department

    dept = Department.objects.create(code="410403-WGL", name="卫东区文广旅局", region=region)
    outsider = factories.user("olga", factories.ROLES.DEPARTMENT_ADMIN, dept)
    e = factories.entity(name="新华区网吧")
    client.force_login(outsider)
    assert "新华区网吧" not in client.get(_list()).content.decode()
    assert client.get(_detail(e)).status_code == 404
    assert client.get(_edit(e)).status_code == 404


def test_it_escapes_entity_names_on_list_and_detail(client, erin):
    e = factories.entity(name="<script>alert(1)</script>")
    client.force_login(erin)
    for url in (_list(), _detail(e)):
        body = client.get(url).content.decode()
        assert "<script>alert(1)</script>" not in body
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body


# --- detail --------------------------------------------------------------------------


def test_it_shows_rating_history_newest_first_with_conflicts_and_row_history(client, alice, erin):
    from shuangsuiji.registries import services

    e = factories.entity(risk_class="A", rated_on=datetime.date(2022, 1, 1))
    RiskRating.objects.create(entity=e, risk_class="C", effective_date=datetime.date(2024, 6, 1))
    services.update_entity(alice, e, address="建设路 9 号")
    inspector = factories.inspector(name="李四")
    services.declare_conflict(alice, inspector=inspector, entity=e, reason="亲属关系")
    client.force_login(erin)
    response = client.get(_detail(e))
    assert response.status_code == 200
    ratings = list(response.context["ratings"])
    assert [r.effective_date for r in ratings] == [
        datetime.date(2024, 6, 1),
        datetime.date(2022, 1, 1),
    ]
    body = response.content.decode()
    assert "李四" in body and "亲属关系" in body
    assert "建设路 9 号" in body
    history = response.context["history"]
    assert history[0]["type"] == "修改"
    assert any("地址" in c for c in history[0]["changes"])
    # An auditor sees no edit controls.
    assert response.context["rating_form"] is None
    assert _edit(e) not in body


# --- create --------------------------------------------------------------------------


def test_it_forbids_creating_entities_to_auditors_and_inspectors(client, erin, dave):
    for user in (erin, dave):
        client.force_login(user)
        assert client.get(_create()).status_code == 403
        assert client.post(_create(), _form_data()).status_code == 403
    assert Entity.objects.count() == 0


def test_it_creates_an_entity_with_an_initial_rating(client, bob):
    client.force_login(bob)
    assert client.get(_create()).status_code == 200
    data = _form_data(risk_class="B", rating_date="2023-03-01", rating_source="年度评定")
    before = AuditEntry.objects.count()
    response = client.post(_create(), data)
    e = Entity.objects.get(credit_code=data["credit_code"])
    assert response.status_code == 302
    assert response["Location"] == _detail(e)
    assert e.risk_class == "B"
    assert e.ratings.get().source == "年度评定"
    assert AuditEntry.objects.count() == before + 2
    assert _actions()[-2:] == ["entity.create", "entity.rate"]
    assert "星海网咖" in client.get(response["Location"]).content.decode()


def test_it_rejects_an_invalid_credit_code_in_chinese(client, alice):
    client.force_login(alice)
    before = AuditEntry.objects.count()
    response = client.post(_create(), _form_data(credit_code="91410402MA00000000"))
    assert response.status_code == 200
    errors = response.context["form"].errors["credit_code"]
    assert any("校验" in e or "代码" in e for e in errors), errors
    assert Entity.objects.count() == 0
    assert AuditEntry.objects.count() == before


def test_it_rejects_a_duplicate_credit_code(client, alice):
    e = factories.entity()
    client.force_login(alice)
    response = client.post(_create(), _form_data(credit_code=e.credit_code))
    assert "该统一社会信用代码已登记" in response.context["form"].errors["credit_code"]


def test_it_offers_only_regions_in_the_users_scope(client):
    factories.region()
    Region.objects.create(code="420100", name="武汉市")
    from shuangsuiji.core.models import Department

    dept = factories.department()
    admin = factories.user("zed", factories.ROLES.DEPARTMENT_ADMIN, dept)
    client.force_login(admin)
    regions = client.get(_create()).context["form"].fields["region"].queryset
    assert set(regions.values_list("code", flat=True)) == {"410402"}
    outside = Region.objects.get(code="420100")
    response = client.post(_create(), _form_data(region=outside.pk))
    assert "region" in response.context["form"].errors
    assert Department.objects.count() == 1


# --- edit ----------------------------------------------------------------------------


def test_it_forbids_editing_to_auditors(client, erin):
    e = factories.entity(name="旧名")
    client.force_login(erin)
    assert client.get(_edit(e)).status_code == 403
    data = _form_data(credit_code=e.credit_code, name="新名")
    assert client.post(_edit(e), data).status_code == 403
    e.refresh_from_db()
    assert e.name == "旧名"


def test_it_edits_an_entity_and_writes_an_audit_row(client, bob):
    e = factories.entity(name="旧名")
    client.force_login(bob)
    assert client.get(_edit(e)).context["form"].initial["name"] == "旧名"
    before = AuditEntry.objects.count()
    response = client.post(_edit(e), _form_data(credit_code=e.credit_code, name="新名"))
    assert response.status_code == 302
    e.refresh_from_db()
    assert e.name == "新名"
    assert AuditEntry.objects.count() == before + 1
    assert _actions()[-1] == "entity.update"
    assert "新名" in client.get(_detail(e)).content.decode()


# --- rate ----------------------------------------------------------------------------


def test_it_forbids_rating_to_auditors(client, erin):
    e = factories.entity(risk_class="A")
    client.force_login(erin)
    response = client.post(_rate(e), {"risk_class": "D", "effective_date": "2024-01-01"})
    assert response.status_code == 403
    assert e.ratings.count() == 1


def test_it_refuses_get_on_the_rate_endpoint(client, alice):
    e = factories.entity()
    client.force_login(alice)
    assert client.get(_rate(e)).status_code == 405


@time_machine.travel(datetime.datetime(2024, 5, 1, 10, 0, tzinfo=datetime.UTC))
def test_it_adds_a_rating_and_updates_the_current_class(client, alice):
    e = factories.entity(risk_class="A", rated_on=datetime.date(2023, 1, 1))
    client.force_login(alice)
    before = AuditEntry.objects.count()
    response = client.post(
        _rate(e), {"risk_class": "C", "effective_date": "2024-04-01", "source": "投诉"}
    )
    assert response.status_code == 302
    e.refresh_from_db()
    assert e.risk_class == "C"
    assert e.ratings.count() == 2
    assert AuditEntry.objects.count() == before + 1
    assert _actions()[-1] == "entity.rate"


def test_it_shows_rating_form_errors(client, alice):
    e = factories.entity()
    client.force_login(alice)
    response = client.post(_rate(e), {"risk_class": "Z", "effective_date": ""})
    assert response.status_code == 400
    assert response.context["rating_form"].errors
    assert e.ratings.count() == 1
