"""A new published version of a record may only append substitutions or inspector changes."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from shuangsuiji.drawengine import (
    Conflict,
    VerificationError,
    apply_inspector_change,
    apply_substitution,
    check_extends,
    next_inspector,
)
from shuangsuiji.drawengine.cli import main

from .helpers import codes, draw, pool_of

IDS = codes(300, 21)
POOL = pool_of(leaders=4, wl=2, sc=4)
CONFLICTS = [Conflict("WL-L00", IDS[7])]


def substitute(record: dict, stratum: str = "C", n: int = 0) -> dict:
    replaced = record["strata"][stratum]["selected"][n]["id"]
    return apply_substitution(
        record, stratum=stratum, replaced=replaced, reason="closed-before-window",
        approved_by="王科长",
    )  # fmt: skip


def change(record: dict, n: int = 0) -> dict:
    team = record["assignment"]["teams"][n]
    incoming = next_inspector(
        record, entity=team["entity"], outgoing=team["leader"], pool=POOL, conflicts=CONFLICTS
    )
    return apply_inspector_change(
        record, entity=team["entity"], outgoing=team["leader"], incoming=incoming,
        reason="sick-leave", approved_by="李局长",
    )  # fmt: skip


@pytest.fixture(scope="module")
def versions() -> list[dict]:
    v1 = draw(IDS, pool=POOL, conflicts=CONFLICTS)
    v2 = substitute(v1)
    v3 = change(substitute(v2, "B"))
    return [v1, v2, v3]


def test_each_later_version_extends_every_earlier_one(versions):
    v1, v2, v3 = versions
    assert check_extends(v1, v1) == {"substitutions": 0, "inspector_changes": 0}
    assert check_extends(v1, v2) == {"substitutions": 1, "inspector_changes": 0}
    assert check_extends(v2, v3) == {"substitutions": 1, "inspector_changes": 1}
    assert check_extends(v1, v3) == {"substitutions": 2, "inspector_changes": 1}


def test_a_version_that_removes_a_substitution_is_refused(versions):
    v1, v2, v3 = versions
    with pytest.raises(VerificationError, match="新版本删除了分层 C 的第 1 次替补"):
        check_extends(v2, v1)
    without_change = substitute(v2, "B")
    assert check_extends(v2, without_change)["substitutions"] == 1
    with pytest.raises(VerificationError, match="新版本删除了第 1 次人员调整"):
        check_extends(v3, without_change)


def test_a_version_that_rewrites_a_substitution_or_a_change_is_refused(versions):
    _v1, v2, v3 = versions
    edited = copy.deepcopy(v3)
    edited["strata"]["C"]["substitutions"][0]["approved_by"] = "另一人"
    with pytest.raises(VerificationError, match="新版本改动了分层 C 的第 1 次替补"):
        check_extends(v2, edited)
    edited = copy.deepcopy(v3)
    edited["inspector_changes"][0]["reason"] = "transferred"
    with pytest.raises(VerificationError, match="新版本改动了第 1 次人员调整"):
        check_extends(v3, edited)


@pytest.mark.parametrize(
    ("tamper", "message"),
    [
        (lambda r: r.update(beacon="其他信标"), "新版本改动了 beacon"),
        (lambda r: r.update(seed=r["seed"] + "x"), "新版本改动了 seed"),
        (lambda r: r["announcement"].update(title="另一标题"), "announcement.title"),
        (lambda r: r["assignment"]["teams"].reverse(), "assignment.teams"),
        (lambda r: r["strata"]["C"]["selected"].reverse(), "分层 C 的 selected"),
        (lambda r: r["strata"]["B"]["substitute_order"].pop(), "分层 B 的 substitute_order"),
        (lambda r: r.update(secrets=[]), "新旧版本的字段不同：secrets"),
        (lambda r: r["strata"].pop("C"), "新旧版本的分层不同：C"),
    ],
)
def test_a_version_that_changes_anything_else_names_the_first_difference(versions, tamper, message):
    v1 = versions[0]
    new = copy.deepcopy(v1)
    tamper(new)
    with pytest.raises(VerificationError, match=message):
        check_extends(v1, new)


def write(path: Path, record: dict) -> str:
    path.write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")
    return str(path)


def test_the_cli_checks_the_new_version_against_the_previous_one(tmp_path, versions, capsys):
    v1, v2, v3 = versions
    old, new = write(tmp_path / "v1.json", v1), write(tmp_path / "v3.json", v3)
    assert main(["verify", "--previous", old, new]) == 0
    out = capsys.readouterr().out
    assert "OK" in out and "新增替补 2 次，人员调整 1 次" in out
    assert main(["verify", "--previous", new, old]) == 1
    assert "不一致 (MISMATCH): 新版本删除了分层 B 的第 1 次替补" in capsys.readouterr().out


def test_the_cli_also_recomputes_the_new_version(tmp_path, versions, capsys):
    v1 = versions[0]
    forged = copy.deepcopy(v1)
    forged["strata"]["C"]["substitutions"].append(
        {"replaced": v1["strata"]["C"]["selected"][0]["id"], "by": IDS[0], "ticket": "0.1",
         "reason": "closed-before-window", "reason_label": "检查期开始前已停业、歇业",
         "approved_by": "王科长"}
    )  # fmt: skip
    old, new = write(tmp_path / "v1.json", v1), write(tmp_path / "forged.json", forged)
    assert main(["verify", "--previous", old, new]) == 1
    assert "替补对象应为" in capsys.readouterr().out
