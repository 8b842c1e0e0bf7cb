"""One installation, several districts: a 卫东区 (410403) user never sees 新华区 (410402) data."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from shuangsuiji.accounts.models import User
from shuangsuiji.core import permission_matrix as m
from shuangsuiji.inspections.models import Inspection

WEIDONG_ROLES = (m.INSPECTOR_ON_TEAM, m.DEPT_ADMIN_OWNER, m.JOINT_OFFICE_ADMIN, m.AUDITOR)
LISTS = {
    "registries:entity-list": ("entity", "name"),
    "registries:inspector-list": ("inspector", "certificate_no"),
    "registries:conflict-list": ("conflict_culture", "reason"),
    "registries:checkitem-list": ("item", "title"),
    "plans:index": ("plan", "title"),
    "inspections:list": ("inspection_joint", "entity.name"),
}
DETAILS = {
    "registries:entity-detail": "entity",
    "registries:inspector-detail": "inspector",
    "registries:conflict-withdraw": "conflict_culture",
    "registries:checkitem-edit": "item_culture",
    "plans:plan": "plan",
    "plans:task": "task_joint",
    "plans:draw": "draw_joint",
    "plans:record-json": "draw_joint",
    "inspections:detail": "inspection_joint",
}


def _text(obj, path: str) -> str:
    for part in path.split("."):
        obj = getattr(obj, part)
    return str(obj)


def _login(client, world, role):
    client.force_login(world.weidong_users[role])


@pytest.mark.parametrize("role", WEIDONG_ROLES)
def test_lists_show_nothing_of_the_other_district(client, world, role):
    _login(client, world, role)
    for name, (key, attr) in LISTS.items():
        html = client.get(reverse(name)).content.decode()
        assert _text(world[key], attr) not in html, f"{name} leaks {key} to 卫东区 {role}"


def test_lists_show_the_users_own_district(client, world):
    _login(client, world, m.JOINT_OFFICE_ADMIN)
    own = {
        "registries:entity-list": world["entity_weidong"].name,
        "plans:index": world["plan_weidong"].title,
        "inspections:list": world["inspection_weidong"].entity.name,
    }
    for name, text in own.items():
        assert text in client.get(reverse(name)).content.decode(), name


@pytest.mark.parametrize("role", WEIDONG_ROLES)
def test_detail_pages_of_the_other_district_are_404(client, world, role):
    _login(client, world, role)
    for name, key in DETAILS.items():
        response = client.get(reverse(name, args=[world[key].pk]))
        assert response.status_code == 404, f"{name} × 卫东区 {role}: {response.status_code}"


def _rows(content: bytes) -> list[list[str]]:
    sheet = load_workbook(io.BytesIO(content), read_only=True).active
    return [
        [str(c) if c is not None else "" for c in row] for row in sheet.iter_rows(values_only=True)
    ]


@pytest.mark.parametrize(
    ("kind", "column", "mine", "theirs"),
    [
        ("entities", 0, "entity_weidong.credit_code", "entity.credit_code"),
        ("inspectors", 2, "inspector_weidong.certificate_no", "inspector.certificate_no"),
        (
            "conflicts",
            0,
            "conflict_weidong.inspector.certificate_no",
            "conflict.inspector.certificate_no",
        ),
        ("items", 1, "item_weidong.code", "item.code"),
    ],
)
def test_exports_contain_only_the_users_region(client, world, kind, column, mine, theirs):
    _login(client, world, m.JOINT_OFFICE_ADMIN)
    response = client.get(reverse("registries:export", args=[kind]))
    assert response.status_code == 200
    values = {row[column] for row in _rows(response.content)[1:]}
    own_key, own_attr = mine.split(".", 1)
    other_key, other_attr = theirs.split(".", 1)
    assert _text(world[own_key], own_attr) in values
    assert _text(world[other_key], other_attr) not in values


def test_the_queryset_and_the_rule_agree_for_every_user(world):
    inspections = list(Inspection.objects.all())
    for user in User.objects.all():
        visible = set(Inspection.objects.visible_to(user))
        allowed = {i for i in inspections if user.has_perm("inspections.view_inspection", i)}
        assert visible == allowed, user.username


def test_an_inspector_sees_only_their_own_teams(world):
    on_team = world.users[m.INSPECTOR_ON_TEAM]
    assert set(Inspection.objects.visible_to(on_team)) == {
        world["inspection_joint"],
        world["inspection_solo"],
    }
    assert not Inspection.objects.visible_to(world.users[m.INSPECTOR_OFF_TEAM]).exists()
    assert set(Inspection.objects.visible_to(world.users[m.DEPT_ADMIN_OTHER])) == {
        world["inspection_joint"]
    }
