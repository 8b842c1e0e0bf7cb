"""The inspection list and detail pages: who sees which inspection, and what is shown."""

from __future__ import annotations

import pytest
from django.urls import reverse

from shuangsuiji.accounts.models import Role, User
from shuangsuiji.inspections.models import Inspection, TeamRole
from shuangsuiji.plans.draws import change_inspector
from tests import factories

LIST = reverse("inspections:list")


@pytest.fixture
def inspection(revealed):
    return Inspection.objects.get(draw=revealed)


@pytest.fixture
def leader_user(inspection):
    """An inspector account linked to the team leader's Inspector record."""
    leader = inspection.leader().inspector
    user = factories.user("leader", Role.INSPECTOR, leader.department)
    leader.user = user
    leader.save(update_fields=["user"])
    return user


@pytest.fixture
def outsider_inspector(inspection):
    """A culture inspector account whose Inspector record is not on the team."""
    team = set(inspection.team.values_list("inspector_id", flat=True))
    culture = inspection.task.initiating_department
    record = culture.inspectors.exclude(pk__in=team).first()
    user = factories.user("outsider", Role.INSPECTOR, culture)
    record.user = user
    record.save(update_fields=["user"])
    return user


def _detail(inspection):
    return reverse("inspections:detail", args=[inspection.pk])


def test_anonymous_visitors_are_sent_to_login(client, inspection):
    for url in (LIST, _detail(inspection)):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))


def test_an_account_without_a_role_gets_403(client, inspection):
    client.force_login(factories.user("nobody", None, inspection.task.initiating_department))
    assert client.get(LIST).status_code == 403
    assert client.get(_detail(inspection)).status_code == 403


def test_the_team_leader_sees_the_inspection_in_the_list(client, inspection, leader_user):
    client.force_login(leader_user)
    response = client.get(LIST)
    assert response.status_code == 200
    assert list(response.context["page"]) == [inspection]
    assert inspection.entity.name in response.content.decode()


def test_an_inspector_not_on_the_team_sees_an_empty_list(client, inspection, outsider_inspector):
    client.force_login(outsider_inspector)
    assert list(client.get(LIST).context["page"]) == []


def test_an_inspector_not_on_the_team_gets_403_on_the_detail(
    client, inspection, outsider_inspector
):
    client.force_login(outsider_inspector)
    assert client.get(_detail(inspection)).status_code == 403


def test_the_detail_shows_entity_team_and_every_departments_items(client, inspection, leader_user):
    client.force_login(leader_user)
    response = client.get(_detail(inspection))
    assert response.status_code == 200
    html = response.content.decode()
    entity = inspection.entity
    for text in (entity.name, entity.credit_code, entity.address, entity.phone):
        assert text in html
    assert inspection.draw.code in html
    for member in inspection.current_team():
        assert member.inspector.certificate_no in html
    for item in inspection.task.check_items.all():
        assert item.title in html
    for department in inspection.task.departments():
        assert department.name in html
    for section in ("section-entity", "section-team", "section-items", "section-record"):
        assert f'id="{section}"' in html


def test_a_replaced_member_is_shown_with_the_reason(client, office, inspection):
    outgoing = inspection.current_team().get(role=TeamRole.MEMBER).inspector
    change_inspector(
        office, inspection, outgoing=outgoing.certificate_no, reason="transferred", note="调岗"
    )
    client.force_login(office)
    html = client.get(_detail(inspection)).content.decode()
    assert 'id="replaced-members"' in html
    assert outgoing.certificate_no in html
    assert "调岗" in html


def test_a_replaced_inspector_no_longer_sees_the_inspection(client, office, inspection):
    member = inspection.current_team().get(role=TeamRole.MEMBER).inspector
    user = factories.user("replaced", Role.INSPECTOR, member.department)
    member.user = user
    member.save(update_fields=["user"])
    client.force_login(user)
    assert client.get(_detail(inspection)).status_code == 200
    change_inspector(office, inspection, outgoing=member.certificate_no, reason="transferred")
    assert client.get(_detail(inspection)).status_code == 403


@pytest.mark.parametrize("username", ["wgl_admin", "ga_admin", "office", "auditor"])
def test_participating_admins_and_the_office_see_the_inspection(client, inspection, username):
    client.force_login(User.objects.get(username=username))
    assert list(client.get(LIST).context["page"]) == [inspection]
    assert client.get(_detail(inspection)).status_code == 200


def test_an_admin_of_a_department_outside_the_task_gets_403(client, inspection):
    other = factories.department("410402-SCJ", "新华区市场监督管理局", "市场监管局")
    client.force_login(factories.user("market", Role.DEPARTMENT_ADMIN, other))
    assert list(client.get(LIST).context["page"]) == []
    assert client.get(_detail(inspection)).status_code == 403


def test_another_districts_office_gets_404(client, inspection):
    weidong = factories.department("410403-WGL", "卫东区文化广电和旅游局", "文广旅局", "410403")
    client.force_login(factories.user("weidong", Role.JOINT_OFFICE_ADMIN, weidong))
    assert list(client.get(LIST).context["page"]) == []
    assert client.get(_detail(inspection)).status_code == 404


def test_the_list_filters_by_task_status_and_search(client, office, inspection):
    client.force_login(office)
    entity = inspection.entity

    def rows(**params):
        return list(client.get(LIST, params).context["page"])

    assert rows(task=inspection.task_id) == [inspection]
    assert rows(status="planned") == [inspection]
    assert rows(status="cancelled") == []
    assert rows(q=entity.name[-4:]) == [inspection]
    assert rows(q=entity.credit_code) == [inspection]
    assert rows(q="不存在的网吧") == []


def test_the_list_is_a_responsive_table(client, office, inspection):
    client.force_login(office)
    html = client.get(LIST).content.decode()
    assert 'class="list responsive"' in html
    assert 'data-label="检查对象"' in html


def test_the_navigation_points_at_the_inspection_list(client, office, inspection):
    client.force_login(office)
    nav = {i["key"]: i for i in client.get(LIST).context["nav_items"]}
    assert nav["inspections"]["url"] == LIST
    assert nav["inspections"]["active"]
