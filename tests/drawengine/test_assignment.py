"""Inspector assignment meets every constraint, or names the entity it cannot serve."""

from __future__ import annotations

import math
from datetime import date, timedelta

import consistent_sampler
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from shuangsuiji.drawengine import (
    AssignmentError,
    Conflict,
    DrawError,
    Inspector,
    apply_inspector_change,
    apply_substitution,
    reveal,
    verify_record,
)
from shuangsuiji.drawengine.assignment import plan_inspector_change

from .helpers import WINDOW, codes, draw, pool_of

START, END = WINDOW
ROSTER = codes(45, 21)


@st.composite
def inspectors(draw_, dept: str, prefix: str, lead: bool, max_n: int) -> list[Inspector]:
    out = []
    for i in range(draw_(st.integers(0, max_n))):
        validity = draw_(st.sampled_from(["open", "ok", "expires", "late", "absent"]))
        vf, vt = {
            "open": (None, None),
            "ok": (START - timedelta(days=400), END + timedelta(days=10)),
            "expires": (None, END - timedelta(days=1)),
            "late": (START + timedelta(days=1), None),
            "absent": (date(2020, 1, 1), date(2030, 1, 1)),
        }[validity]
        leave = ()
        if validity == "absent":
            leave = ((START + timedelta(days=3), START + timedelta(days=9)),)
        elif draw_(st.booleans()):
            leave = ((END + timedelta(days=1), END + timedelta(days=5)),)  # outside the window
        out.append(Inspector(f"{prefix}{i:02d}", dept, lead, vf, vt, leave))
    return out


def eligible(i: Inspector) -> bool:
    if i.certificate_valid_from and i.certificate_valid_from > START:
        return False
    if i.certificate_valid_to and i.certificate_valid_to < END:
        return False
    return all(b < START or a > END for a, b in i.unavailable)


def drawn_order(seed: str, pool: list[Inspector]) -> list[str]:
    return list(consistent_sampler.sampler(sorted(i.id for i in pool), seed=seed, output="id"))


@st.composite
def scenarios(draw_):
    pool = draw_(inspectors("WL", "L", True, 5)) + draw_(inspectors("WL", "W", False, 2))
    pool += draw_(inspectors("SC", "S", False, 5)) + draw_(inspectors("GA", "G", False, 4))
    members = draw_(st.sampled_from([["SC"], ["SC", "GA"]]))
    ids = [i.id for i in pool]
    pairs = (
        draw_(st.lists(st.tuples(st.sampled_from(ids), st.sampled_from(ROSTER)), max_size=40))
        if ids
        else []
    )
    conflicts = [Conflict(a, b) for a, b in pairs]
    mode = draw_(st.sampled_from(["per-inspection", "per-task"]))
    beacon = str(draw_(st.integers(0, 10**6)))
    return pool, conflicts, members, mode, beacon


def roles_of(pool, members):
    roles = {"leader": [i for i in pool if i.department == "WL" and i.may_lead and eligible(i)]}
    for d in members:
        roles[d] = [i for i in pool if i.department == d and eligible(i)]
    return roles


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenarios())
def test_assignment_meets_every_constraint_or_names_the_entity(scenario):
    pool, conflicts, members, mode, beacon = scenario
    blocked = {(c.inspector, c.entity) for c in conflicts}
    try:
        record = draw(ROSTER, pool=pool, conflicts=conflicts, members=members, team_mode=mode,
                      rates=(2000, 2000, 2000), beacon=beacon)  # fmt: skip
    except AssignmentError as exc:
        roles = roles_of(pool, members)
        message = str(exc)
        if "全部对象" in message:
            assert mode == "per-task" and any(not r for r in roles.values())
            return
        entity = next(e for e in ROSTER if e in message)
        assert any(all((i.id, entity) in blocked for i in cands) for cands in roles.values()), (
            message
        )
        return
    assignment = record["assignment"]
    by_id = {i.id: i for i in pool}
    teams = assignment["teams"]
    selected = [e["id"] for k in sorted(record["strata"]) for e in record["strata"][k]["selected"]]
    assert [t["entity"] for t in teams] == selected
    order = drawn_order(record["seed"], pool)
    for team in teams:
        leader = by_id[team["leader"]]
        assert leader.department == "WL" and leader.may_lead
        ids = [team["leader"]] + [i for d in members for i in team["members"][d]]
        assert sorted(team["members"]) == sorted(members)
        assert all(len(team["members"][d]) == 1 for d in members)
        assert all(by_id[i].department == d for d in members for i in team["members"][d])
        assert len(ids) >= 2 and len(set(ids)) == len(ids)
        assert all(eligible(by_id[i]) for i in ids)
        assert not any((i, team["entity"]) in blocked for i in ids)
    if mode == "per-inspection":
        for role, cands in roles_of(pool, members).items():
            loads = {i.id: 0 for i in cands}
            for team in teams:
                for i in [team["leader"]] if role == "leader" else team["members"][role]:
                    loads[i] += 1
            cap = math.ceil(len(teams) / len(cands))
            key = "leader" if role == "leader" else f"member:{role}"
            assert assignment["caps"][key] == cap
            over = {n["inspector"] for n in assignment["notes"] if n["role"] == key}
            assert all(load <= cap or i in over for i, load in loads.items())
            if not conflicts:
                assert max(loads.values()) <= cap and not over
    else:
        roles = roles_of(pool, members)
        base = assignment["base_team"]
        first = {r: [i for i in order if i in {c.id for c in cands}] for r, cands in roles.items()}
        assert base["leader"] == first["leader"][0]
        for d in members:
            assert base["members"][d] == [first[d][0]]
        for team in teams:
            for role, got, want in [("leader", team["leader"], base["leader"])] + [
                (d, team["members"][d][0], base["members"][d][0]) for d in members
            ]:
                if (want, team["entity"]) in blocked:
                    team_ids = {base["leader"], *(base["members"][d][0] for d in members)}
                    nxt = next(
                        i
                        for i in first[role]
                        if i not in team_ids and (i, team["entity"]) not in blocked
                    )
                    assert got == nxt
                else:
                    assert got == want


def test_per_inspection_teams_rotate_leads_evenly():
    record = draw(codes(300, 2), pool=pool_of(leaders=4, sc=3), conflicts=[])
    teams = record["assignment"]["teams"]
    leads = [t["leader"] for t in teams]
    assert max(leads.count(x) for x in set(leads)) <= math.ceil(len(teams) / 4)
    assert max(leads.count(x) for x in set(leads)) - min(leads.count(x) for x in set(leads)) <= 1


def test_a_missing_cooperating_department_names_the_entity_and_why():
    ids = codes(60, 4)
    pool = pool_of(leaders=3, sc=2)
    stratum_b = ids[20:40]
    conflicts = [Conflict(sc, e) for sc in ("SC-00", "SC-01") for e in stratum_b]
    with pytest.raises(AssignmentError) as info:
        draw(ids, pool=pool, conflicts=conflicts)
    message = str(info.value)
    assert any(e in message for e in stratum_b)
    assert "SC" in message and "2 人需回避" in message


def test_the_pool_must_match_the_announced_digest():
    ids = codes(30, 4)
    pool = pool_of()
    record = draw(ids, pool=pool, conflicts=[])
    with pytest.raises(DrawError, match="pool_digest"):
        reveal(record["announcement"], record["beacon"], pool=pool[:-1], conflicts=[])
    with pytest.raises(DrawError, match="conflicts_digest"):
        reveal(
            record["announcement"],
            record["beacon"],
            pool=pool,
            conflicts=[Conflict("SC-00", ids[0])],
        )


def test_a_change_after_the_draw_takes_the_next_eligible_and_records_skips():
    pool = pool_of(leaders=5, sc=4)
    record = draw(codes(90, 6), pool=pool, conflicts=[])
    team = record["assignment"]["teams"][0]
    first, _ = plan_inspector_change(
        record, entity=team["entity"], outgoing=team["leader"], pool=pool, conflicts=[]
    )
    incoming, skipped = plan_inspector_change(
        record, entity=team["entity"], outgoing=team["leader"], pool=pool, conflicts=[],
        unavailable_on=[first],
    )  # fmt: skip
    assert skipped == [first] and incoming != first
    changed = apply_inspector_change(
        record, entity=team["entity"], outgoing=team["leader"], incoming=incoming,
        reason="sick-leave", approved_by="李局长", skipped=skipped,
    )  # fmt: skip
    verify_record(changed, pool=pool, conflicts=[])
    hand_picked = apply_inspector_change(
        record, entity=team["entity"], outgoing=team["leader"], incoming=incoming,
        reason="sick-leave", approved_by="李局长",
    )  # fmt: skip
    with pytest.raises(DrawError):
        verify_record(hand_picked, pool=pool, conflicts=[])


def _find_conflicted_substitute(ids, pool):
    for beacon in range(40):
        for candidate in ids[20:]:
            for leader in ("WL-L00", "WL-L01", "WL-L02"):
                conflicts = [Conflict(leader, candidate)]
                record = draw(ids, pool=pool, conflicts=conflicts, beacon=str(beacon))
                stratum = record["strata"]["C"]
                replaced = stratum["selected"][0]["id"]
                team = next(t for t in record["assignment"]["teams"] if t["entity"] == replaced)
                if stratum["substitute_order"][0]["id"] == candidate and team["leader"] == leader:
                    return record, conflicts, replaced, candidate, leader
    raise AssertionError("no example found")


def test_a_substitute_with_a_conflicted_member_must_be_re_teamed():
    ids = codes(30, 8)
    pool = pool_of(leaders=3, sc=3)
    record, conflicts, replaced, substitute, leader = _find_conflicted_substitute(ids, pool)
    record = apply_substitution(
        record, stratum="C", replaced=replaced, reason="out-of-scope", approved_by="x"
    )
    with pytest.raises(DrawError, match="回避"):
        verify_record(record, pool=pool, conflicts=conflicts)
    incoming, skipped = plan_inspector_change(
        record, entity=substitute, outgoing=leader, pool=pool, conflicts=conflicts
    )
    assert incoming != leader
    fixed = apply_inspector_change(
        record, entity=substitute, outgoing=leader, incoming=incoming,
        reason="conflict-declared", approved_by="x", skipped=skipped,
    )  # fmt: skip
    verify_record(fixed, pool=pool, conflicts=conflicts)
