"""Any change to any field of a record makes verification fail."""

from __future__ import annotations

import copy
from collections.abc import Callable

import pytest

from shuangsuiji.drawengine import (
    Conflict,
    VerificationError,
    apply_inspector_change,
    apply_substitution,
    next_inspector,
    verify_record,
)

from .helpers import codes, draw, pool_of

IDS = codes(600, 11)
POOL = pool_of(leaders=5, wl=2, sc=5)
CONFLICTS = [Conflict("WL-L00", IDS[3]), Conflict("SC-01", IDS[450])]


@pytest.fixture(scope="module")
def full_record() -> dict:
    record = draw(IDS, pool=POOL, conflicts=CONFLICTS)
    replaced = record["strata"]["C"]["selected"][0]["id"]
    record = apply_substitution(
        record, stratum="C", replaced=replaced, reason="closed-before-window", approved_by="王科长"
    )
    team = record["assignment"]["teams"][0]
    incoming = next_inspector(
        record, entity=team["entity"], outgoing=team["leader"], pool=POOL, conflicts=CONFLICTS
    )
    return apply_inspector_change(
        record, entity=team["entity"], outgoing=team["leader"], incoming=incoming,
        reason="sick-leave", approved_by="李局长",
    )  # fmt: skip


def _swap(lst: list) -> None:
    lst[0], lst[1] = lst[1], lst[0]


TAMPERS: dict[str, Callable[[dict], None]] = {
    "protocol": lambda r: r.update(protocol="ssj-draw-v2"),
    "announcement code": lambda r: r["announcement"].update(code="X"),
    "announcement title": lambda r: r["announcement"].update(
        title=r["announcement"]["title"] + " "
    ),
    "announcement rounding": lambda r: r["announcement"].update(rounding="ceil"),
    "announcement rate": lambda r: r["announcement"]["strata"]["A"].update(rate_bp=200),
    "announcement ids": lambda r: r["announcement"]["strata"]["A"]["ids"].pop(),
    "announcement excluded": lambda r: r["announcement"]["excluded"].append(
        {"id": "x", "reason": "y"}
    ),
    "announcement beacon source": lambda r: r["announcement"].update(beacon_source="另一来源"),
    "announcement time": lambda r: r["announcement"].update(
        announced_at="2023-06-29T09:00:00+08:00"
    ),
    "announcement new key": lambda r: r["announcement"].update(note="x"),
    "announcement pool digest": lambda r: r["announcement"]["inspectors"].update(
        pool_digest="0" * 64
    ),
    "announcement team mode": lambda r: r["announcement"]["inspectors"].update(
        team_mode="per-task"
    ),
    "digest": lambda r: r.update(announcement_digest="0" * 64),
    "beacon": lambda r: r.update(beacon="9319./2.5.8.10.13./"),
    "beacon white space": lambda r: r.update(beacon=r["beacon"] + " "),
    "seed": lambda r: r.update(seed=r["seed"] + "x"),
    "population": lambda r: r["strata"]["A"].update(population=1),
    "rate in record": lambda r: r["strata"]["A"].update(rate_bp=1),
    "sample size": lambda r: r["strata"]["B"].update(sample_size=1),
    "selected order": lambda r: _swap(r["strata"]["C"]["selected"]),
    "selected id": lambda r: r["strata"]["C"]["selected"][0].update(id=IDS[0]),
    "selected ticket": lambda r: r["strata"]["C"]["selected"][0].update(ticket="0.1"),
    "selected dropped": lambda r: r["strata"]["C"]["selected"].pop(),
    "substitute order": lambda r: _swap(r["strata"]["C"]["substitute_order"]),
    "substitute head shortened": lambda r: r["strata"]["C"]["substitute_order"].pop(),
    "substitution by": lambda r: r["strata"]["C"]["substitutions"][0].update(
        by=r["strata"]["C"]["substitute_order"][1]["id"]
    ),
    "substitution reason": lambda r: r["strata"]["C"]["substitutions"][0].update(reason="other"),
    "substitution label": lambda r: r["strata"]["C"]["substitutions"][0].update(reason_label="x"),
    "substitution approver": lambda r: r["strata"]["C"]["substitutions"][0].update(approved_by=""),
    "stratum extra key": lambda r: r["strata"]["A"].update(note="x"),
    "record extra key": lambda r: r.update(note="x"),
    "record key removed": lambda r: r.pop("inspector_changes"),
    "team leader": lambda r: r["assignment"]["teams"][1].update(
        leader="WL-L04" if r["assignment"]["teams"][1]["leader"] != "WL-L04" else "WL-L03"
    ),
    "team member": lambda r: r["assignment"]["teams"][1]["members"].update(
        SC=["SC-00"] if r["assignment"]["teams"][1]["members"]["SC"] != ["SC-00"] else ["SC-03"]
    ),
    "teams order": lambda r: _swap(r["assignment"]["teams"]),
    "caps": lambda r: r["assignment"]["caps"].update(leader=99),
    "team mode": lambda r: r["assignment"].update(team_mode="per-task"),
    "change incoming": lambda r: r["inspector_changes"][0].update(
        incoming="WL-L04" if r["inspector_changes"][0]["incoming"] != "WL-L04" else "WL-L03"
    ),
    "change reason": lambda r: r["inspector_changes"][0].update(reason="whim"),
    "change skipped": lambda r: r["inspector_changes"][0].update(
        skipped=[r["inspector_changes"][0]["incoming"]]
    ),
    "change approver": lambda r: r["inspector_changes"][0].update(approved_by=" "),
}


def test_the_untouched_record_verifies(full_record):
    verify_record(full_record, pool=POOL, conflicts=CONFLICTS)


@pytest.mark.parametrize("field", sorted(TAMPERS))
def test_a_tampered_field_fails_verification(full_record, field):
    record = copy.deepcopy(full_record)
    TAMPERS[field](record)
    with pytest.raises(VerificationError):
        verify_record(record, pool=POOL, conflicts=CONFLICTS)


def test_the_wrong_pool_or_conflict_list_fails_verification(full_record):
    with pytest.raises(VerificationError):
        verify_record(full_record, pool=POOL[:-1], conflicts=CONFLICTS)
    with pytest.raises(VerificationError):
        verify_record(full_record, pool=POOL, conflicts=CONFLICTS[:1])
