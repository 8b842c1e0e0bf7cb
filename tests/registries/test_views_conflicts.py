"""Conflict pages (回避关系): list with filters, declare, withdraw with a reason."""

from __future__ import annotations

import pytest
from django.urls import reverse

from shuangsuiji.audit.models import AuditEntry
from shuangsuiji.registries.models import Conflict
from tests import factories

pytestmark = pytest.mark.django_db


def _list():
    return reverse("registries:conflict-list")


def _declare():
    return reverse("registries:conflict-declare")


def _withdraw(c):
    return reverse("registries:conflict-withdraw", args=[c.pk])


def _last_action():
    return AuditEntry.objects.order_by("-seq").values_list("action", flat=True).first()


def _conflict(dept, entity_name="星海网咖", inspector_name=None):
    return Conflict.objects.create(
        inspector=factories.inspector(dept, name=inspector_name),
        entity=factories.entity(name=entity_name),
        reason="亲属经营",
    )


def test_it_redirects_anonymous_visitors_to_login(client, culture):
    c = _conflict(culture)
    for url in (_list(), _declare(), _withdraw(c)):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))


def test_it_lists_and_filters_conflicts(client, erin, culture, police_dept):
    a = _conflict(culture, "星海网咖", "文化执法员")
    b = _conflict(police_dept, "云端网吧", "公安民警")
    client.force_login(erin)
    response = client.get(_list())
    assert response.status_code == 200
    assert set(response.context["page"]) == {a, b}

    def rows(**params):
        return set(client.get(_list(), params).context["page"])

    assert rows(department=police_dept.pk) == {b}
    assert rows(inspector=a.inspector_id) == {a}
    assert rows(entity="云端") == {b}
    assert rows(entity=a.entity.credit_code) == {a}


def test_an_auditor_may_not_declare_or_withdraw(client, erin, culture):
    c = _conflict(culture)
    client.force_login(erin)
    assert client.get(_declare()).status_code == 403
    assert client.post(_withdraw(c), {"reason": "错误"}).status_code == 403
    assert Conflict.objects.filter(pk=c.pk).exists()


def test_the_declare_form_offers_only_inspectors_the_user_may_change(
    client, bob, culture, police_dept
):
    mine = factories.inspector(culture)
    theirs = factories.inspector(police_dept)
    e = factories.entity()
    client.force_login(bob)
    form = client.get(_declare()).context["form"]
    assert list(form.fields["inspector"].queryset) == [mine]
    response = client.post(_declare(), {"inspector": theirs.pk, "credit_code": e.credit_code})
    assert response.status_code == 200
    assert "inspector" in response.context["form"].errors
    assert not Conflict.objects.exists()


def test_a_department_admin_declares_a_conflict_by_credit_code(client, bob, culture):
    i = factories.inspector(culture)
    e = factories.entity()
    client.force_login(bob)
    before = AuditEntry.objects.count()
    response = client.post(
        _declare(),
        {"inspector": i.pk, "credit_code": e.credit_code.lower(), "reason": "配偶经营"},
    )
    assert response.status_code == 302
    c = Conflict.objects.get()
    assert (c.inspector, c.entity, c.reason) == (i, e, "配偶经营")
    assert AuditEntry.objects.count() == before + 1
    assert _last_action() == "conflict.declare"
    assert "配偶经营" in client.get(response["Location"]).content.decode()


def test_declaring_an_unknown_credit_code_is_an_error(client, bob, culture):
    i = factories.inspector(culture)
    client.force_login(bob)
    response = client.post(_declare(), {"inspector": i.pk, "credit_code": factories.credit_code()})
    assert "未找到" in response.context["form"].errors["credit_code"][0]


def test_declaring_a_duplicate_conflict_is_an_error(client, bob, culture):
    c = _conflict(culture)
    client.force_login(bob)
    response = client.post(
        _declare(), {"inspector": c.inspector_id, "credit_code": c.entity.credit_code}
    )
    assert response.status_code == 200
    assert "已存在" in str(response.context["form"].non_field_errors())
    assert Conflict.objects.count() == 1


def test_the_police_admin_may_not_withdraw_a_culture_conflict(client, carol, culture):
    c = _conflict(culture)
    client.force_login(carol)
    assert client.get(_withdraw(c)).status_code == 403
    assert client.post(_withdraw(c), {"reason": "不需要"}).status_code == 403
    assert Conflict.objects.filter(pk=c.pk).exists()


def test_withdrawing_requires_a_reason(client, bob, culture):
    c = _conflict(culture)
    client.force_login(bob)
    response = client.post(_withdraw(c), {"reason": "   "})
    assert response.status_code == 200
    assert "必须填写理由" in response.content.decode()
    assert Conflict.objects.filter(pk=c.pk).exists()


def test_the_culture_admin_withdraws_with_a_reason(client, bob, culture):
    c = _conflict(culture)
    client.force_login(bob)
    assert client.get(_withdraw(c)).status_code == 200
    before = AuditEntry.objects.count()
    response = client.post(_withdraw(c), {"reason": "亲属已转让店铺"})
    assert response.status_code == 302
    assert not Conflict.objects.filter(pk=c.pk).exists()
    assert AuditEntry.objects.count() == before + 1
    entry = AuditEntry.objects.order_by("-seq").first()
    assert entry.action == "conflict.withdraw"
    assert entry.data["reason"] == "亲属已转让店铺"
