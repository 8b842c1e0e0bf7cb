"""The audit viewer and its export show each office and auditor the rows of their own
region only (issue 8, item 1: every district's rows were shown to everyone).

Rows carry the region they concern (the object's, else the actor's); rows written before
that are placed by the acting account's region; superusers and the command line see all.
"""

from __future__ import annotations

import io

import pytest
from django.db import transaction
from django.urls import reverse
from openpyxl import load_workbook

from shuangsuiji.audit.models import AuditEntry
from shuangsuiji.audit.services import record, verify_chain
from shuangsuiji.core import permission_matrix as m
from shuangsuiji.core.actors import SystemActor
from tests import factories

VIEWERS = (m.JOINT_OFFICE_ADMIN, m.AUDITOR)


def _export_reprs(client) -> set[str]:
    response = client.get(reverse("audit:export"))
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content), read_only=True).active
    rows = list(sheet.iter_rows(values_only=True))
    column = rows[0].index("对象")
    return {row[column] for row in rows[1:]}


@pytest.mark.parametrize("role", VIEWERS)
def test_the_viewer_shows_only_the_users_district(client, world, role):
    client.force_login(world.users[role])
    html = client.get(reverse("audit:list"), {"q": "抽查计划"}).content.decode()
    assert world["plan"].title in html
    assert world["plan_weidong"].title not in html


@pytest.mark.parametrize("role", VIEWERS)
def test_the_export_holds_only_the_users_district(client, world, role):
    client.force_login(world.weidong_users[role])
    reprs = _export_reprs(client)
    assert world["plan_weidong"].title in reprs
    assert world["plan"].title not in reprs
    assert str(world["draw_joint"]) not in reprs


def test_every_row_of_the_world_carries_its_region(world):
    regions = set(AuditEntry.objects.values_list("region_code", flat=True))
    assert regions == {"410402", "410403"}
    plan_rows = AuditEntry.objects.filter(action="plan.create")
    assert {(e.object_repr, e.region_code) for e in plan_rows} == {
        (world["plan"].title, "410402"),
        (world["plan_weidong"].title, "410403"),
    }


def test_a_superuser_sees_every_district_and_the_chain_still_verifies(client, world):
    root = factories.user("root", None, world["culture"])
    root.is_superuser = True
    root.save(update_fields=["is_superuser"])
    with transaction.atomic():
        record(SystemActor(), "backup.create", object_repr="系统备份")
    client.force_login(root)
    reprs = _export_reprs(client)
    assert {world["plan"].title, world["plan_weidong"].title, "系统备份"} <= reprs
    assert verify_chain() is None


def test_rows_of_no_region_are_hidden_from_district_viewers(client, world):
    with transaction.atomic():
        record(SystemActor(), "backup.create", object_repr="系统备份")
    client.force_login(world.users[m.AUDITOR])
    assert "系统备份" not in _export_reprs(client)


def test_rows_without_a_region_fall_back_to_the_actors_district(client, world):
    with transaction.atomic():
        entry = record(world.weidong_users[m.JOINT_OFFICE_ADMIN], "note", object_repr="旧记录")
    AuditEntry.objects.filter(pk=entry.pk).update(region_code="")  # a row from before
    client.force_login(world.weidong_users[m.AUDITOR])
    assert "旧记录" in _export_reprs(client)
    client.force_login(world.users[m.AUDITOR])
    assert "旧记录" not in _export_reprs(client)


def test_a_changed_region_breaks_the_chain(world):
    entry = AuditEntry.objects.filter(region_code="410403").order_by("seq").first()
    AuditEntry.objects.filter(pk=entry.pk).update(region_code="410402")
    assert verify_chain() is not None
