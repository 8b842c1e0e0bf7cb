"""Selection equals consistent-sampler; substitutes follow the drawn order."""

from __future__ import annotations

import consistent_sampler
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from shuangsuiji.drawengine import (
    SUBSTITUTION_REASONS,
    DrawError,
    apply_substitution,
    build_announcement,
    next_substitute,
    reveal,
    verify_record,
)
from shuangsuiji.drawengine import tickets as tickets_module

from .helpers import AT, codes, draw


def sampler_ids(ids: list[str], seed: str, take: int) -> list[str]:
    return list(consistent_sampler.sampler(ids, seed=seed, take=take, output="id"))


@settings(max_examples=40, deadline=None)
@given(
    st.integers(1, 400),
    st.integers(0, 10**6),
    st.text(min_size=1, max_size=30),
    st.lists(st.integers(1, 10000), min_size=1, max_size=3),
)
def test_each_stratum_selects_what_consistent_sampler_selects(size, roster_seed, beacon, rates):
    ids = codes(size, roster_seed)
    parts = [ids[i :: len(rates)] for i in range(len(rates))]
    strata = {
        f"S{i}": (rate, part) for i, (rate, part) in enumerate(zip(rates, parts, strict=True))
    }
    ann = build_announcement(code="P", title="p", strata=strata, beacon_source="x", announced_at=AT)
    beacon = beacon.strip() or "b"
    import unicodedata

    beacon = unicodedata.normalize("NFC", beacon).strip() or "b"
    record = reveal(ann, beacon)
    for key, value in record["strata"].items():
        n = value["sample_size"]
        head = len(value["substitute_order"])
        ids_k = ann["strata"][key]["ids"]
        want = sampler_ids(ids_k, record["seed"], n + head)
        assert [e["id"] for e in value["selected"]] == want[:n]
        assert [e["id"] for e in value["substitute_order"]] == want[n:]
        assert head == min(len(ids_k) - n, max(10, -(-n // 10)))


def test_the_parallel_scan_gives_identical_output(monkeypatch):
    ids = codes(3000, 7)
    plan = {"A": (ids[:1000], 30), "B": (ids[1000:], 250)}
    serial = tickets_module.rank_many("seed", plan, workers=1)
    monkeypatch.setattr(tickets_module, "_PARALLEL_MIN", 10)
    parallel = tickets_module.rank_many("seed", plan, workers=2)
    assert serial == parallel
    assert [i for _t, i in parallel["B"]] == sampler_ids(ids[1000:], "seed", 250)


def test_the_fixed_width_fast_path_and_the_generic_path_agree():
    ids = codes(2000, 3)
    import json

    blob = json.dumps(ids, separators=(",", ":")).encode()
    assert tickets_module.fixed_width_blob(blob, len(ids))
    fast = tickets_module.rank_many("s", {"A": (ids, 200)}, blobs={"A": blob})
    slow = tickets_module.rank_many("s", {"A": (ids, 200)})
    assert fast == slow
    assert [i for _t, i in fast["A"]] == sampler_ids(ids, "s", 200)


def test_a_too_small_candidate_threshold_falls_back_to_an_exact_scan(monkeypatch):
    ids = codes(500, 5)
    monkeypatch.setattr(tickets_module, "_threshold", lambda population, take: 1)
    got = tickets_module.rank_many("s", {"A": (ids, 100)})["A"]
    assert [i for _t, i in got] == sampler_ids(ids, "s", 100)


def test_the_next_substitute_is_the_first_unused_in_ticket_order():
    record = draw()
    stratum = record["strata"]["B"]
    first, second = (e["id"] for e in stratum["selected"][:2])
    assert next_substitute(record, "B", first) == stratum["substitute_order"][0]
    r1 = apply_substitution(
        record,
        stratum="B",
        replaced=first,
        reason="deregistered-before-window",
        approved_by="王科长",
    )
    assert next_substitute(r1, "B", second) == stratum["substitute_order"][1]
    r2 = apply_substitution(
        r1, stratum="B", replaced=second, reason="closed-before-window", approved_by="王科长"
    )
    verify_record(r2)
    assert record["strata"]["B"]["substitutions"] == []  # the input is not modified
    assert [s["by"] for s in r2["strata"]["B"]["substitutions"]] == [
        e["id"] for e in stratum["substitute_order"][:2]
    ]


def test_cannot_be_reached_is_never_a_substitution_reason():
    assert all("无法联系" not in label for label in SUBSTITUTION_REASONS.values())
    record = draw()
    replaced = record["strata"]["A"]["selected"][0]["id"]
    for reason in ("cannot-be-reached", "通过登记的住所(经营场所)无法联系"):
        with pytest.raises(DrawError, match="无法联系"):
            apply_substitution(
                record, stratum="A", replaced=replaced, reason=reason, approved_by="x"
            )


def test_a_substitution_needs_an_approver_and_a_selected_entity():
    record = draw()
    selected = record["strata"]["A"]["selected"][0]["id"]
    not_selected = record["strata"]["A"]["substitute_order"][0]["id"]
    with pytest.raises(DrawError):
        apply_substitution(
            record, stratum="A", replaced=selected, reason="closed-before-window", approved_by=" "
        )
    with pytest.raises(DrawError):
        apply_substitution(
            record,
            stratum="A",
            replaced=not_selected,
            reason="closed-before-window",
            approved_by="x",
        )


def test_substitutes_beyond_the_published_head_follow_the_full_order():
    ids = codes(40, 9)
    ann = build_announcement(
        code="S", title="s", strata={"A": (100, ids)}, beacon_source="x", announced_at=AT
    )
    record = reveal(ann, "7")
    full = sampler_ids(ann["strata"]["A"]["ids"], record["seed"], 40)
    current = record
    for n in range(12):
        victim = [e["id"] for e in current["strata"]["A"]["selected"]][0]
        victim = current["strata"]["A"]["substitutions"][-1]["by"] if n else victim
        current = apply_substitution(
            current, stratum="A", replaced=victim, reason="out-of-scope", approved_by="x"
        )
    assert [s["by"] for s in current["strata"]["A"]["substitutions"]] == full[1:13]
    verify_record(current)


def test_an_empty_stratum_draws_nothing_and_verifies():
    ids = codes(30, 12)
    ann = build_announcement(
        code="E",
        title="e",
        strata={"A": (100, ids), "D": (5000, [])},
        beacon_source="x",
        announced_at=AT,
    )
    record = reveal(ann, "1")
    assert record["strata"]["D"] == {
        "population": 0, "rate_bp": 5000, "sample_size": 0, "selected": [],
        "substitute_order": [], "substitutions": [],
    }  # fmt: skip
    verify_record(record)


def test_an_unsorted_or_overlapping_announcement_is_refused_at_reveal():
    ids = codes(6, 13)
    ann = build_announcement(code="U", title="u", strata={"A": (100, ids[:3]), "B": (100, ids[3:])},
                             beacon_source="x", announced_at=AT)  # fmt: skip
    unsorted = {**ann, "strata": {**ann["strata"], "A": {"rate_bp": 100, "ids": ids[:3][::-1]}}}
    with pytest.raises(DrawError, match="升序"):
        reveal(unsorted, "1")
    overlap = {**ann, "strata": {**ann["strata"], "B": {"rate_bp": 100, "ids": sorted(ids[2:])}}}
    with pytest.raises(DrawError, match=ids[2]):
        reveal(overlap, "1")
    with pytest.raises(DrawError):
        reveal(ann, " 1")  # not canonical


@pytest.mark.parametrize("parallel", [False, True])
def test_unsorted_ids_are_caught_by_the_scan_serial_or_parallel(monkeypatch, parallel):
    ids = codes(3000, 14)
    ann = build_announcement(
        code="U", title="u", strata={"A": (1000, ids)}, beacon_source="x", announced_at=AT
    )
    ann["strata"]["A"]["ids"][1500], ann["strata"]["A"]["ids"][1501] = ids[1501], ids[1500]
    if parallel:
        monkeypatch.setattr(tickets_module, "_PARALLEL_MIN", 10)
        # the two workers split the stratum at 1500: this swap straddles the boundary
        ann["strata"]["A"]["ids"] = ids[:1499] + [ids[1500], ids[1499]] + ids[1501:]
    with pytest.raises(DrawError, match="升序"):
        reveal(ann, "1")


def test_unsorted_ids_of_any_width_are_refused():
    ann = build_announcement(
        code="U", title="u", strata={"A": (1000, codes(5, 1))}, beacon_source="x", announced_at=AT
    )
    ann["strata"]["A"]["ids"] = ["b-1", "a-22"]
    with pytest.raises(DrawError, match="升序"):
        reveal(ann, "1")


@pytest.mark.parametrize("workers", [2, 3, 5])
def test_any_number_of_workers_gives_identical_output(monkeypatch, workers):
    ids = codes(2000, 15)
    plan = {"A": (ids[:700], 7), "B": (ids[700:1500], 24), "C": (ids[1500:], 50)}
    monkeypatch.setattr(tickets_module, "_PARALLEL_MIN", 10)
    serial = tickets_module.rank_many("w", plan, workers=1, ids_sorted=True)
    assert tickets_module.rank_many("w", plan, workers=workers, ids_sorted=True) == serial


def test_ssj_draw_workers_sets_the_number_of_processes(monkeypatch):
    monkeypatch.setenv("SSJ_DRAW_WORKERS", "1")
    assert tickets_module._workers() == 1
    monkeypatch.setenv("SSJ_DRAW_WORKERS", "3")
    assert tickets_module._workers() == 3
