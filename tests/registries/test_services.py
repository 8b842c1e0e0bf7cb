"""Directory and organisation services: rating history, permissions, audit rows."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from shuangsuiji.audit.models import AuditEntry
from shuangsuiji.core import services as core_services
from shuangsuiji.core.models import Region
from shuangsuiji.registries import services
from shuangsuiji.registries.models import Conflict, Entity
from tests import factories

pytestmark = pytest.mark.django_db

TODAY = datetime.datetime(2024, 5, 1, 10, 0, tzinfo=datetime.UTC)


@time_machine.travel(TODAY)
def test_add_risk_rating_keeps_history_and_sets_the_latest_effective_class(alice):
    e = factories.entity(risk_class="A", rated_on=datetime.date(2023, 1, 1))
    services.add_risk_rating(
        alice, e, risk_class="C", effective_date=datetime.date(2024, 3, 1), source="投诉"
    )
    e.refresh_from_db()
    assert e.risk_class == "C"
    assert list(e.ratings.order_by("effective_date").values_list("risk_class", flat=True)) == [
        "A",
        "C",
    ]
    # A late-entered older rating does not override the newer one.
    services.add_risk_rating(alice, e, risk_class="B", effective_date=datetime.date(2023, 6, 1))
    e.refresh_from_db()
    assert e.risk_class == "C"
    assert e.ratings.count() == 3


@time_machine.travel(TODAY)
def test_a_future_dated_rating_does_not_change_todays_class(alice):
    e = factories.entity(risk_class="A", rated_on=datetime.date(2023, 1, 1))
    services.add_risk_rating(alice, e, risk_class="D", effective_date=datetime.date(2024, 7, 1))
    e.refresh_from_db()
    assert e.risk_class == "A"
    assert e.ratings.count() == 2
    assert e.current_rating(datetime.date(2024, 7, 1)).risk_class == "D"


@time_machine.travel(TODAY)
def test_add_risk_rating_rejects_unknown_classes(alice):
    e = factories.entity()
    with pytest.raises(ValidationError):
        services.add_risk_rating(alice, e, risk_class="Z", effective_date=datetime.date(2024, 1, 1))
    assert e.ratings.count() == 1


def test_add_risk_rating_writes_an_audit_row(alice):
    e = factories.entity()
    before = AuditEntry.objects.count()
    services.add_risk_rating(alice, e, risk_class="B", effective_date=datetime.date(2024, 1, 1))
    entry = AuditEntry.objects.order_by("-seq").first()
    assert AuditEntry.objects.count() == before + 1
    assert entry.action == "entity.rate"
    assert entry.data["risk_class"] == "B"


def test_services_enforce_permissions_without_views(erin, dave, carol, culture):
    e = factories.entity(name="原名")
    inspector = factories.inspector(culture)
    item = factories.check_item(culture)
    for user in (erin, dave):
        with pytest.raises(PermissionDenied):
            services.update_entity(user, e, name="改名")
        with pytest.raises(PermissionDenied):
            services.add_risk_rating(
                user, e, risk_class="D", effective_date=datetime.date(2024, 1, 1)
            )
        with pytest.raises(PermissionDenied):
            services.create_entity(
                user, credit_code=factories.credit_code(), name="x", region=factories.region()
            )
    # The police admin may not touch the culture bureau's records.
    with pytest.raises(PermissionDenied):
        services.update_inspector(carol, inspector, name="改名")
    with pytest.raises(PermissionDenied):
        services.declare_conflict(carol, inspector=inspector, entity=e)
    with pytest.raises(PermissionDenied):
        services.update_check_item(carol, item, title="改")
    with pytest.raises(PermissionDenied):
        services.add_unavailability(
            carol, inspector, start=datetime.date(2024, 1, 1), end=datetime.date(2024, 1, 2)
        )
    e.refresh_from_db()
    assert e.name == "原名" and e.ratings.count() == 1
    assert not Conflict.objects.exists()


def test_a_department_admin_may_not_move_an_inspector_to_another_department(
    bob, culture, police_dept
):
    inspector = factories.inspector(culture)
    with pytest.raises(PermissionDenied):
        services.update_inspector(bob, inspector, department=police_dept)
    inspector.refresh_from_db()
    assert inspector.department == culture


def test_withdrawing_a_conflict_needs_a_reason(bob, culture):
    c = Conflict.objects.create(inspector=factories.inspector(culture), entity=factories.entity())
    with pytest.raises(ValidationError):
        services.withdraw_conflict(bob, c, reason=" ")
    assert Conflict.objects.filter(pk=c.pk).exists()


# --- organisation (core.services) ----------------------------------------------------


def test_only_the_joint_office_changes_regions_and_departments(bob, erin, culture):
    for user in (bob, erin):
        with pytest.raises(PermissionDenied):
            core_services.create_region(user, code="410403", name="卫东区")
        with pytest.raises(PermissionDenied):
            core_services.update_department(user, culture, name="改名")
    assert not Region.objects.filter(code="410403").exists()


@pytest.fixture
def city_office(db):
    """Joint-office admin of the city (410400): districts are inside their scope."""
    dept = factories.department("410400-LXB", "平顶山市联席办", "市联席办", "410400")
    return factories.user("city_alice", factories.ROLES.JOINT_OFFICE_ADMIN, dept)


def test_the_joint_office_creates_a_region_and_department_with_audit_rows(city_office):
    alice = city_office
    before = AuditEntry.objects.count()
    region = core_services.create_region(alice, code="410403", name="卫东区")
    dept = core_services.create_department(
        alice, code="410403-WGL", name="卫东区文广旅局", region=region
    )
    core_services.update_department(alice, dept, short_name="文广旅局")
    actions = list(AuditEntry.objects.order_by("seq").values_list("action", flat=True)[before:])
    assert actions == ["region.create", "department.create", "department.update"]
    dept.refresh_from_db()
    assert dept.short_name == "文广旅局"


def test_a_region_cannot_become_its_own_ancestor(db):
    province = factories.region("410000", "河南省")
    city = factories.region("410400", "平顶山市")
    dept = factories.department("410000-LXB", "河南省联席办", "省联席办", "410000")
    admin = factories.user("province", factories.ROLES.JOINT_OFFICE_ADMIN, dept)
    with pytest.raises(ValidationError):
        core_services.update_region(admin, province, parent=city)
    province.refresh_from_db()
    assert province.parent is None


def test_organisation_services_validate_fields(alice):
    with pytest.raises(ValidationError):
        core_services.create_region(alice, code="410402", name="")
    assert Entity.objects.count() == 0


def test_a_district_office_may_not_change_a_region_outside_its_scope(alice):
    province = factories.region("410000", "河南省")
    with pytest.raises(PermissionDenied):
        core_services.update_region(alice, province, name="改名")
    with pytest.raises(PermissionDenied):
        core_services.create_region(alice, code="410403", name="卫东区")
