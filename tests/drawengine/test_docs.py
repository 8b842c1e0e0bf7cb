"""The examples in docs/draw-protocol.md are reproduced exactly."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from shuangsuiji.creditcode import make_code
from shuangsuiji.drawengine import (
    Conflict,
    Inspector,
    InspectorPool,
    build_announcement,
    canonical_beacon,
    commitment_of,
    new_secret,
    rank,
    reveal,
)

from .helpers import draw

DOC = Path(__file__).resolve().parents[2] / "docs" / "draw-protocol.md"
IDS = [make_code(f"9141040200000{i:04d}") for i in range(1, 13)]
POOL = [
    Inspector("WL-01", "WL", True, date(2020, 1, 1), date(2025, 12, 31)),
    Inspector("WL-02", "WL", True),
    Inspector("WL-03", "WL", True, None, date(2023, 7, 31)),
    Inspector("WL-04", "WL", False),
    Inspector("GA-01", "GA", False, None, None, ((date(2023, 8, 1), date(2023, 8, 3)),)),
    Inspector("GA-02", "GA", False),
    Inspector("GA-03", "GA", False),
]
CONFLICTS = [Conflict("WL-02", i) for i in IDS[8:]] + [Conflict("GA-02", IDS[4])]


def example(mode: str) -> dict:
    inspectors = InspectorPool(
        POOL, CONFLICTS, "WL", (date(2023, 7, 10), date(2023, 8, 31)), ["GA"], team_mode=mode
    )
    announcement = build_announcement(
        code="2023-XH-WL-EX", title="示例", strata={"A": (1000, IDS[:8]), "B": (3000, IDS[8:])},
        beacon_source="福利彩票 3D 第 2023172 期开奖号码", announced_at="2023-06-30T09:00:00+08:00",
        inspectors=inspectors,
    )  # fmt: skip
    beacon = canonical_beacon([[9319], [12, 2, 5, 8, 10]], "lottery")
    return reveal(announcement, beacon, pool=POOL, conflicts=CONFLICTS)


def teams(record: dict) -> list[tuple[str, str, list[str]]]:
    return [(t["entity"], t["leader"], t["members"]["GA"]) for t in record["assignment"]["teams"]]


def test_the_per_inspection_worked_example_matches_the_docs():
    record = example("per-inspection")
    assert record["announcement_digest"].startswith("bc8e3ad3")
    assert record["announcement_digest"].endswith("0c961f")
    order = [i for _t, i in rank(record["seed"], sorted(i.id for i in POOL))]
    assert order == ["WL-04", "GA-03", "WL-03", "GA-02", "WL-01", "GA-01", "WL-02"]
    assert record["assignment"]["caps"] == {"leader": 2, "member:GA": 2}
    assert teams(record) == [
        ("91410402000000006N", "WL-02", ["GA-03"]),
        ("914104020000000090", "WL-01", ["GA-02"]),
        ("91410402000000012B", "WL-01", ["GA-03"]),
    ]
    assert record["assignment"]["notes"] == []


def test_the_per_task_worked_example_matches_the_docs():
    record = example("per-task")
    assert record["announcement_digest"].startswith("18f267cf")
    order = [i for _t, i in rank(record["seed"], sorted(i.id for i in POOL))]
    assert order == ["WL-02", "GA-02", "WL-04", "WL-03", "GA-01", "GA-03", "WL-01"]
    assert record["assignment"]["base_team"] == {"leader": "WL-02", "members": {"GA": ["GA-02"]}}
    assert teams(record) == [
        ("91410402000000003D", "WL-02", ["GA-02"]),
        ("914104020000000090", "WL-01", ["GA-02"]),
        ("914104020000000105", "WL-01", ["GA-02"]),
    ]
    assert record["assignment"]["teams"][1]["replacements"] == [
        {"role": "leader", "replaced": "WL-02", "by": "WL-01", "reason": "conflict"}
    ]


def doc_block(section: str) -> str:
    text = DOC.read_text(encoding="utf-8")
    part = text.split(section, 1)[1]
    return re.search(r"```python\n(.*?)```", part, re.S).group(1)


@pytest.mark.parametrize("section", ["### 9.2", "### 9.3"])
def test_the_verify_yourself_scripts_accept_a_real_record(tmp_path, section):
    path = tmp_path / "record.json"
    path.write_text(json.dumps(draw(rates=(100, 300, 1000))), encoding="utf-8")
    script = tmp_path / "check.py"
    script.write_text(doc_block(section), encoding="utf-8")
    done = subprocess.run([sys.executable, str(script), str(path)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.count("OK") == 3


def test_the_hashlib_script_rejects_a_changed_selection(tmp_path):
    record = draw()
    record["strata"]["B"]["selected"][0], record["strata"]["B"]["substitute_order"][0] = (
        record["strata"]["B"]["substitute_order"][0],
        record["strata"]["B"]["selected"][0],
    )
    path = tmp_path / "record.json"
    path.write_text(json.dumps(record), encoding="utf-8")
    script = tmp_path / "check.py"
    script.write_text(doc_block("### 9.2"), encoding="utf-8")
    done = subprocess.run([sys.executable, str(script), str(path)], capture_output=True, text=True)
    assert done.returncode != 0 and "selection differs" in done.stderr


def committed_record(secrets: list[str]) -> dict:
    announcement = build_announcement(
        code="2023-XH-WL-03", title="承诺示例", strata={"A": (1000, IDS[:8]), "B": (3000, IDS[8:])},
        beacon_source="现场掷骰（三名见证人）", announced_at="2023-06-30T09:00:00+08:00",
        beacon_kind="dice", beacon_not_before="2023-07-01T10:00:00+08:00",
        commitments=[
            {"department": d, "sha256": commitment_of(s)} for d, s in zip(["WL", "GA"], secrets)
        ],
    )  # fmt: skip
    return reveal(announcement, "3141", secrets=secrets, revealed_at="2023-07-01T10:05:00+08:00")


def test_the_hashlib_script_checks_the_secrets_of_a_committed_record(tmp_path):
    secrets = [new_secret(), new_secret()]
    record = committed_record(secrets)
    script = tmp_path / "check.py"
    script.write_text(doc_block("### 9.2"), encoding="utf-8")
    path = tmp_path / "record.json"
    path.write_text(json.dumps(record), encoding="utf-8")
    done = subprocess.run([sys.executable, str(script), str(path)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.count("OK") == 2
    record["secrets"].reverse()
    path.write_text(json.dumps(record), encoding="utf-8")
    done = subprocess.run([sys.executable, str(script), str(path)], capture_output=True, text=True)
    assert done.returncode != 0 and "secret differs" in done.stderr


def test_the_extension_fields_and_functions_named_in_the_docs_exist():
    import shuangsuiji.drawengine as engine
    from shuangsuiji.drawengine.cli import _parser
    from shuangsuiji.drawengine.protocol import RESERVED_KEYS

    text = DOC.read_text(encoding="utf-8")
    extension = text.split("### 3.1", 1)[1].split("## 4.", 1)[0]
    for key in re.findall(r"^\| `(\w+)` \|", extension, re.M):
        assert key in RESERVED_KEYS, key
    assert {"beacon_kind", "beacon_not_before", "commitments"} <= RESERVED_KEYS
    called = set(re.findall(r"`(\w+)\(", text)) - {"ceil", "list", "min", "make_code"}
    assert called and all(hasattr(engine, name) for name in called), called
    threat = text.split("## 12. Threat model", 1)[1]
    for needed in ("beacon_not_before", "commitments", "--previous", "§7.1", "§3.1"):
        assert needed in threat, needed
    verify = _parser().parse_args(["verify", "--previous", "old.json", "new.json"])
    assert (verify.previous, verify.record) == ("old.json", "new.json")
