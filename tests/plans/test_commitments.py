"""Multi-party commitment for a dice beacon: commit at the freeze, reveal after the beacon."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import CommandError, call_command

from shuangsuiji.accounts.models import User
from shuangsuiji.audit.models import AuditEntry
from shuangsuiji.core.errors import Forbidden, InvalidInput, NotFound, StateConflict
from shuangsuiji.drawengine import commitment_of, new_secret, verify_record
from shuangsuiji.drawengine.cli import main as draw_cli
from shuangsuiji.plans.commitments import commit_secret, reveal_secret
from shuangsuiji.plans.draws import freeze_announcement, reveal_draw
from shuangsuiji.plans.models import Draw, DrawStatus
from tests import factories
from tests.plans.fixtures import ANNOUNCED_AT, commit_all, reveal_all


@pytest.fixture
def dice_draw(office, task_a):
    return freeze_announcement(
        office,
        task_a,
        code="D-1",
        beacon_source="现场掷骰（D-1）",
        beacon_kind="dice",
        now=ANNOUNCED_AT,
    )


def test_a_dice_draw_waits_for_every_department_before_it_is_announced(dice_draw):
    assert dice_draw.status == DrawStatus.COMMITTING
    assert list(dice_draw.commitments.values_list("department__code", flat=True)) == [
        "410402-WGL",
        "410402-GA",
    ]
    assert not Draw.objects.public().filter(pk=dice_draw.pk).exists()
    wgl = User.objects.get(username="wgl_admin")
    secret = new_secret()
    commit_secret(wgl, dice_draw, commitment_of(secret))
    dice_draw.refresh_from_db()
    assert dice_draw.status == DrawStatus.COMMITTING
    assert "commitments" not in dice_draw.announcement


def test_commitments_go_into_the_frozen_announcement_initiating_first(dice_draw):
    wgl = User.objects.get(username="wgl_admin")
    ga = User.objects.get(username="ga_admin")
    s1, s2 = new_secret(), new_secret()
    commit_secret(ga, dice_draw, commitment_of(s2))
    commit_secret(wgl, dice_draw, commitment_of(s1))
    dice_draw.refresh_from_db()
    assert dice_draw.status == DrawStatus.ANNOUNCED
    assert dice_draw.announcement["commitments"] == [
        {"department": "410402-WGL", "sha256": commitment_of(s1)},
        {"department": "410402-GA", "sha256": commitment_of(s2)},
    ]
    assert dice_draw.announcement["beacon_kind"] == "dice"
    stored = dice_draw.commitments.get(department__code="410402-WGL")
    assert stored.secret == "" and stored.committed_by == wgl.display_name
    assert AuditEntry.objects.filter(action="draw.commit").count() == 2


def test_the_beacon_waits_for_the_secrets_and_the_record_verifies(office, dice_draw):
    secrets = commit_all(dice_draw)
    draw = reveal_draw(office, dice_draw, beacon="3 1 4 1")
    assert draw.status == DrawStatus.ANNOUNCED and draw.record is None and draw.beacon == "3141"
    with pytest.raises(StateConflict):
        reveal_draw(office, draw, beacon="2 7 1 8")  # the beacon cannot be retyped
    reveal_all(draw, secrets)
    assert draw.status == DrawStatus.REVEALED
    assert draw.record["secrets"] == [secrets["410402-WGL"], secrets["410402-GA"]]
    assert draw.record["seed"] == "|".join(
        [draw.announcement_digest, "3141", secrets["410402-WGL"], secrets["410402-GA"]]
    )
    verify_record(draw.record)
    assert draw.inspections.count() > 0


def test_a_wrong_secret_is_refused_and_nothing_is_revealed(office, dice_draw):
    commit_all(dice_draw)
    reveal_draw(office, dice_draw, beacon="5")
    ga = User.objects.get(username="ga_admin")
    with pytest.raises(InvalidInput) as err:
        reveal_secret(ga, dice_draw, new_secret())
    assert err.value.code == "draw.secret_mismatch"
    with pytest.raises(InvalidInput):
        reveal_secret(ga, dice_draw, "ABC")
    assert not dice_draw.commitments.exclude(secret="").exists()


def test_a_secret_cannot_be_revealed_before_the_beacon(dice_draw):
    secrets = commit_all(dice_draw)
    with pytest.raises(StateConflict):
        reveal_secret(User.objects.get(username="wgl_admin"), dice_draw, secrets["410402-WGL"])


def test_an_admin_of_another_department_cannot_commit_for_it(dice_draw):
    ga = User.objects.get(username="ga_admin")
    with pytest.raises(Forbidden):
        commit_secret(ga, dice_draw, commitment_of(new_secret()), department="410402-WGL")
    assert not dice_draw.commitments.exclude(sha256="").exists()


def test_the_joint_office_cannot_commit_for_a_department(office, dice_draw):
    with pytest.raises(Forbidden):
        commit_secret(office, dice_draw, commitment_of(new_secret()), department="410402-WGL")


def test_another_districts_department_admin_is_refused(dice_draw):
    dept = factories.department("410403-WGL", "卫东区文化广电和旅游局", "卫东文广", "410403")
    outsider = factories.user("wd_admin", factories.ROLES.DEPARTMENT_ADMIN, dept)
    with pytest.raises(NotFound):
        commit_secret(outsider, dice_draw, commitment_of(new_secret()))
    assert not dice_draw.commitments.exclude(sha256="").exists()


def test_a_lottery_draw_needs_no_commitments(announced):
    assert announced.status == DrawStatus.ANNOUNCED
    assert "commitments" not in announced.announcement
    assert not announced.commitments.exists()


def _plan(monkeypatch, *argv, stdin=""):
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    out = io.StringIO()
    call_command("plan", *argv, stdout=out)
    return out.getvalue()


def test_the_command_line_ceremony_ends_in_a_record_that_verifies(
    monkeypatch, tmp_path, capsys, task_a, demo
):
    out = _plan(
        monkeypatch,
        "announce",
        task_a.code,
        "--code",
        "CLI-1",
        "--beacon-kind",
        "dice",
        "--beacon-source",
        "现场掷骰（CLI-1）",
    )
    assert "待各参与部门提交承诺" in out
    s1, s2 = new_secret(), new_secret()
    _plan(
        monkeypatch,
        "commit",
        "CLI-1",
        "--department",
        "410402-WGL",
        "--secret-stdin",
        stdin=s1 + "\n",
    )
    out = _plan(
        monkeypatch,
        "commit",
        "CLI-1",
        "--department",
        "410402-GA",
        "--secret-stdin",
        stdin=s2 + "\n",
    )
    assert "公告已冻结" in out
    assert "待各部门揭示秘密值" in _plan(monkeypatch, "reveal", "CLI-1", "--beacon", "6 6 2")
    with pytest.raises(CommandError) as err:
        _plan(
            monkeypatch,
            "reveal-secret",
            "CLI-1",
            "--department",
            "410402-GA",
            "--secret-stdin",
            stdin=s1 + "\n",
        )
    assert "不符" in str(err.value)
    _plan(
        monkeypatch,
        "reveal-secret",
        "CLI-1",
        "--department",
        "410402-WGL",
        "--secret-stdin",
        stdin=s1 + "\n",
    )
    out = _plan(
        monkeypatch,
        "reveal-secret",
        "CLI-1",
        "--department",
        "410402-GA",
        "--secret-stdin",
        stdin=s2 + "\n",
    )
    assert "已开奖" in out
    path = tmp_path / "record.json"
    _plan(monkeypatch, "record", "CLI-1", "--output", str(path))
    assert json.loads(path.read_text(encoding="utf-8"))["secrets"] == [s1, s2]
    capsys.readouterr()
    assert draw_cli(["verify", str(path)]) == 0
    assert "OK" in capsys.readouterr().out
    record = json.loads(path.read_text(encoding="utf-8"))
    record["secrets"][1] = new_secret()
    path.write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")
    assert draw_cli(["verify", str(path)]) == 1


def test_the_command_line_refuses_a_department_that_does_not_take_part(monkeypatch, dice_draw):
    with pytest.raises(CommandError) as err:
        _plan(
            monkeypatch,
            "commit",
            "D-1",
            "--department",
            "410402-XX",
            "--secret-stdin",
            stdin=new_secret() + "\n",
        )
    assert "不是抽取 D-1 的参与部门" in str(err.value)


def test_a_draw_awaiting_commitments_cannot_be_revealed(office, dice_draw):
    with pytest.raises(StateConflict) as err:
        reveal_draw(office, dice_draw, beacon="1")
    assert err.value.code == "draw.awaiting_commitments"


def test_the_portal_shows_the_commitments_and_after_the_reveal_the_secrets(
    client, office, dice_draw
):
    from django.urls import reverse

    secrets = commit_all(dice_draw)
    page = client.get(reverse("portal:draw", args=["D-1"])).content.decode()
    for c in dice_draw.announcement["commitments"]:
        assert c["sha256"] in page
    assert secrets["410402-GA"] not in page
    reveal_draw(office, dice_draw, beacon="4")
    reveal_all(dice_draw, secrets)
    page = client.get(reverse("portal:draw", args=["D-1"])).content.decode()
    assert secrets["410402-WGL"] in page and secrets["410402-GA"] in page


def test_the_staff_draw_page_of_a_draw_awaiting_commitments_opens_and_refuses_the_beacon(
    client, office, dice_draw
):
    from django.urls import reverse

    client.force_login(office)
    page = client.get(reverse("plans:draw", args=[dice_draw.pk]))
    assert page.status_code == 200 and "待各部门承诺" in page.content.decode()
    answer = client.post(reverse("plans:reveal", args=[dice_draw.pk]), {"beacon": "3"})
    assert answer.status_code in (302, 400, 409)
    dice_draw.refresh_from_db()
    assert dice_draw.beacon == "" and dice_draw.status == DrawStatus.COMMITTING
