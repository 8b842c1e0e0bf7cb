"""The other district's office admin, department admin and auditor send VALID bodies to
every write endpoint aimed at 新华区 (410402) records: each is refused (403/404, or the
form refuses a choice it never offered) and no row changes in any table.

Each endpoint first runs a control: the same body from the 新华区 account allowed to
send it changes rows (so the body is valid and the test can fail). Bodies name the
records of the fixture world (``tests/permissions/world.py``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from shuangsuiji.core import permission_matrix as m
from shuangsuiji.plans import annex
from shuangsuiji.plans import services as plan_services
from shuangsuiji.plans.draws import freeze_announcement
from shuangsuiji.registries.importing.uploads import store_upload
from tests import factories
from tests.permissions.snapshots import changed_tables, database_snapshot
from tests.permissions.world import ANNOUNCED_AT, BEACON

ATTACKERS = (m.JOINT_OFFICE_ADMIN, m.DEPT_ADMIN_OWNER, m.AUDITOR)
SUPERUSER = "superuser"
# ``change``: the control must change rows; ``reach``: the control must get past the
# access checks to the service (the draw page redirects back with the service's verdict).
CHANGE, REACH = "change", "reach"


@dataclass(frozen=True)
class Write:
    name: str
    args: dict[str, str] = field(default_factory=dict)
    body: Callable = dict
    owner: str = m.JOINT_OFFICE_ADMIN
    control: str = CHANGE


def _entity_body(w) -> dict:
    e = w["entity"]
    return {
        "credit_code": e.credit_code,
        "name": f"{e.name}（改）",
        "address": "建设路 1 号",
        "industry": e.industry,
        "status": "suspended",
        "region": e.region_id,
    }


def _inspector_body(w) -> dict:
    i = w["inspector_culture"]
    return {
        "name": f"{i.name}改",
        "department": i.department_id,
        "certificate_no": i.certificate_no,
        "title": "科长",
        "active": "on",
        "check_items": [w["item_culture"].pk],
    }


def _item_body(w) -> dict:
    item = w["item_culture"]
    return {
        "department": item.department_id,
        "code": item.code,
        "title": f"{item.title}（改）",
        "active": "on",
    }


def _plan_body(w) -> dict:
    return {
        "year": 2024,
        "office": "新华区联席办",
        "doc_number": "新联〔2024〕1号",
        "title": "新华区 2024 年度计划",
        "region": w["region"].pk,
        "period_start": "2024-03-01",
        "period_end": "2024-11-30",
    }


def _task_body(w) -> dict:
    return {
        "number": 7,
        "code": "",
        "name": "新华区补充检查",
        "domain": "文化市场",
        "items_text": "",
        "check_items": [w["item_culture"].pk],
        "scope_text": "",
        "region": w["region"].pk,
        "industry": "互联网上网服务营业场所",
        "rounding": "ceil-min1",
        "initiating_department": w["culture"].pk,
        "cooperating_departments": [w["police"].pk],
        "team_mode": "per-inspection",
        "window_start": "2023-07-01",
        "window_end": "2023-12-30",
        "exclude_deregistered": "on",
        "recent_days": 0,
        "rate_A": "25",
        "members": 1,
    }


def _annex_body(w) -> dict:
    content = annex.write_xlsx(w["plan"])
    upload = SimpleUploadedFile("annex1.xlsx", content)
    return {
        **_plan_body(w),
        "file": upload,
        "industry": "互联网上网服务营业场所",
        "rounding": "ceil-min1",
        "team_mode": "per-inspection",
        "recent_days": 0,
    }


def _selected(w) -> str:
    record = w["draw_joint"].record
    return next(e["id"] for s in record["strata"].values() for e in s["selected"])


def _member(w) -> dict:
    inspection = w["inspection_joint"]
    member = inspection.team.filter(role="member").select_related("inspector").first()
    return {
        "inspection": inspection.pk,
        "outgoing": member.inspector.certificate_no,
        "reason": "sick-leave",
        "note": "",
    }


WRITES = [
    Write(
        "registries:entity-create",
        body=lambda w: {
            **_entity_body(w),
            "credit_code": factories.credit_code(990001),
            "name": "新登记网吧",
        },
    ),
    Write("registries:entity-edit", {"pk": "entity"}, _entity_body),
    Write(
        "registries:entity-rate",
        {"pk": "entity"},
        lambda w: {"risk_class": "D", "effective_date": "2024-01-01", "source": "复核"},
    ),
    Write(
        "registries:inspector-create",
        body=lambda w: {**_inspector_body(w), "name": "新人员", "certificate_no": "NEW-0001"},
    ),
    Write("registries:inspector-edit", {"pk": "inspector_culture"}, _inspector_body),
    Write(
        "registries:inspector-unavailable-add",
        {"pk": "inspector_culture"},
        lambda w: {"start": "2024-05-01", "end": "2024-05-03", "reason": "培训"},
    ),
    Write(
        "registries:inspector-unavailable-remove",
        {"pk": "inspector_culture", "period_pk": "period_culture"},
    ),
    Write(
        "registries:conflict-declare",
        body=lambda w: {
            "inspector": w["inspector_culture"].pk,
            "credit_code": w["entity"].credit_code,
            "reason": "近亲属",
            "declared_on": "2024-01-02",
        },
    ),
    Write("registries:conflict-withdraw", {"pk": "conflict_culture"}, lambda w: {"reason": "离职"}),
    Write(
        "registries:checkitem-create",
        body=lambda w: {**_item_body(w), "code": "NEW-1", "title": "新事项"},
    ),
    Write("registries:checkitem-edit", {"pk": "item_culture"}, _item_body),
    Write(
        "registries:region-create",
        body=lambda w: {"code": "410411", "name": "新区", "parent": w["region"].parent_id},
        owner=SUPERUSER,
    ),
    Write(
        "registries:region-edit",
        {"pk": "region"},
        lambda w: {"code": "410402", "name": "新华区（改）", "parent": w["region"].parent_id},
    ),
    Write(
        "registries:department-create",
        body=lambda w: {
            "code": "410402-NEW",
            "name": "新华区新部门",
            "short_name": "新部门",
            "region": w["region"].pk,
            "active": "on",
        },
    ),
    Write(
        "registries:department-edit",
        {"pk": "culture"},
        lambda w: {
            "code": w["culture"].code,
            "name": w["culture"].name,
            "short_name": "文旅",
            "region": w["region"].pk,
            "active": "on",
        },
    ),
    Write("plans:plan-create", body=_plan_body),
    Write("plans:plan-import", body=_annex_body),
    Write("plans:plan-edit", {"pk": "plan"}, _plan_body),
    Write("plans:task-create", {"plan_pk": "plan"}, _task_body),
    Write(
        "plans:task-edit",
        {"pk": "task_open"},
        lambda w: {**_task_body(w), "number": 5, "code": w["task_open"].code},
    ),
    Write(
        "plans:announce",
        {"task_pk": "task_open"},
        lambda w: {
            "code": "2024-XH-09",
            "beacon_kind": "lottery",
            "beacon_source": "福利彩票 3D 第 2024001 期开奖号码（2024-01-02 开奖）",
        },
    ),
    Write("plans:reveal", {"pk": "draw_announced"}, lambda w: {"beacon": BEACON, "confirm": "on"}),
    Write(
        "plans:substitute",
        {"pk": "draw_joint"},
        lambda w: {"entity": _selected(w), "reason": "out-of-scope"},
        control=REACH,
    ),
    Write("plans:change-inspector", {"pk": "draw_joint"}, _member, control=REACH),
    Write("plans:void", {"pk": "draw_joint"}, lambda w: {"reason": "公告有误"}),
    Write(
        "registries:entity-correct-code",
        {"pk": "entity_spare"},
        lambda w: {"credit_code": factories.credit_code(990002), "reason": "登记时录错一位"},
    ),
    Write(
        "plans:propose-substitution",
        {"pk": "draw_joint"},
        lambda w: {"entity": _selected(w), "reason": "out-of-scope", "evidence": "区市场监管局函"},
    ),
    Write(
        "plans:review-substitution",
        {"pk": "draw_joint"},
        lambda w: {"proposal": _proposal(w).pk, "decision": "reject", "note": "依据不足"},
        owner=m.DEPT_ADMIN_OTHER,  # the police admin: another department than the proposer
    ),
]


def _proposal(w):
    """One pending proposal by the 新华区 office, made once (reviewed by another department)."""
    from shuangsuiji.plans.substitutions import propose_substitution

    if "proposal" not in w:
        w["proposal"] = propose_substitution(
            w.users[m.JOINT_OFFICE_ADMIN],
            w["draw_joint"],
            entity=_selected(w),
            reason="out-of-scope",
            evidence="区市场监管局函",
        )
    return w["proposal"]


def _open_task(world, number: int, name: str):
    return plan_services.create_task(
        world.users[m.JOINT_OFFICE_ADMIN],
        world["plan"],
        number=number,
        name=name,
        domain="文化市场",
        rates={"A": 2500},
        initiating_department=world["culture"],
        check_items=[world["item_culture"]],
        exclude_drawn_in_plan=False,
    )


@pytest.fixture
def targets(world):
    """The world plus a task not yet frozen and a frozen, unrevealed draw (新华区)."""
    world["task_open"] = _open_task(world, 5, "待公告任务")
    world["draw_announced"] = freeze_announcement(
        world.users[m.JOINT_OFFICE_ADMIN],
        _open_task(world, 6, "待开奖任务"),
        code="2023-XH-06",
        beacon_source="福利彩票 3D 第 2023172 期开奖号码（2023-07-01 开奖）",
        beacon_kind="lottery",
        now=ANNOUNCED_AT,
    )
    # Not in any frozen roster, so its credit code may be corrected.
    world["entity_spare"] = factories.entity(region_code="410402", name="新华区备用网吧", code=None)
    root = factories.user("root", None, world["culture"])
    root.is_superuser = True
    root.save(update_fields=["is_superuser"])
    world.users[SUPERUSER] = root
    return world


def _url(world, write: Write) -> str:
    return reverse(write.name, kwargs={k: world[v].pk for k, v in write.args.items()} or None)


def _send(user, url: str, body: dict):
    client = Client()
    client.force_login(user)
    before = database_snapshot()
    response = client.post(url, body)
    return response, changed_tables(before, database_snapshot())


def _refused(response) -> bool:
    if response.status_code in (400, 403, 404):
        return True
    form = (response.context or {}).get("form") if response.status_code == 200 else None
    return form is not None and bool(form.errors)


def _import_token(user, kind: str, content: str) -> str:
    upload = SimpleUploadedFile(f"{kind}.csv", content.encode("utf-8"), content_type="text/csv")
    return store_upload(user, kind, upload).token


@pytest.mark.parametrize("write", WRITES, ids=[w.name for w in WRITES])
def test_another_districts_roles_cannot_write_through_the_endpoint(targets, write):
    world = targets
    url = _url(world, write)
    for role in ATTACKERS:
        response, changed = _send(world.weidong_users[role], url, write.body(world))
        assert _refused(response), f"卫东区 {role}: {response.status_code}"
        assert changed == [], f"卫东区 {role} changed rows: {changed}"
    response, changed = _send(world.users[write.owner], url, write.body(world))
    if write.control == CHANGE:
        assert changed, f"control: the 新华区 {write.owner} body changed nothing"
    else:
        assert response.status_code == 302, f"control: {response.status_code}"


IMPORTS = {
    "entities": lambda w: f"统一社会信用代码,名称,风险等级\n{w['entity'].credit_code},改名网吧,D\n",
    "inspectors": lambda w: (
        f"姓名,部门,执法证号\n改名,{w['culture'].name},{w['inspector_culture'].certificate_no}\n"
    ),
    "conflicts": lambda w: (
        "执法证号,统一社会信用代码,回避事由\n"
        f"{w['inspector_culture'].certificate_no},{w['entity'].credit_code},近亲属\n"
    ),
    "items": lambda w: f"部门,编号,检查内容\n{w['culture'].name},NEW-9,新事项\n",
}


@pytest.mark.parametrize("kind", sorted(IMPORTS))
def test_another_districts_roles_cannot_import_into_the_district(targets, kind):
    world = targets
    content = IMPORTS[kind](world)
    for role in (m.JOINT_OFFICE_ADMIN, m.DEPT_ADMIN_OWNER):
        user = world.weidong_users[role]
        url = reverse("registries:import-commit", args=[kind, _import_token(user, kind, content)])
        response, changed = _send(user, url, {})
        assert _refused(response), f"卫东区 {role}: {response.status_code}"
        assert changed == [], f"卫东区 {role} changed rows: {changed}"
    owner = world.users[m.JOINT_OFFICE_ADMIN]
    url = reverse("registries:import-commit", args=[kind, _import_token(owner, kind, content)])
    response, changed = _send(owner, url, {})
    assert response.status_code == 200 and changed, "control: the 新华区 import changed nothing"


def test_the_write_list_covers_every_post_endpoint_of_the_matrix():
    posting = {
        name
        for name, rule in m.MATRIX.items()
        for case in rule.cases
        if "POST" in case.methods and not name.startswith("accounts:")
    }
    covered = {w.name for w in WRITES} | {"registries:import-commit"}
    elsewhere = {
        # Uploading only stores the file for its uploader; the import is the commit.
        "registries:import-start",
        # Committing a stored Annex 1 runs import_annex, refused for another district's
        # region and departments in test_service_scope.py.
        "plans:plan-import-commit",
        # Setting a district up is for superusers only (every matrix role is refused).
        "onboarding:setup",
    }
    # The account pages (users:*) are tested with tests/accounts.
    assert {n for n in posting - covered if not n.startswith("users:")} == elsewhere
