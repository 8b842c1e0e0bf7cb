"""Spec test vectors, announcement digest, beacon, seed and sample sizes."""

from __future__ import annotations

import hashlib
import json
import math
from fractions import Fraction

import consistent_sampler
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from shuangsuiji.drawengine import (
    DrawError,
    announcement_digest,
    build_announcement,
    canonical_beacon,
    rank,
    sample_size,
    ticket,
)
from shuangsuiji.drawengine.protocol import _json_str_list

from .helpers import AT, codes

SEED = "12345678901234567890"
IDS100 = [f"id-{i}" for i in range(1, 101)]


def order(seed: str, ids: list[str], take: int) -> list[str]:
    return [id_ for _t, id_ in rank(seed, ids, take)]


def test_first_ten_of_the_spec_vector_match():
    assert order(SEED, IDS100, 10) == [
        "id-42", "id-46", "id-23", "id-38", "id-99", "id-93", "id-31", "id-61", "id-69", "id-49",
    ]  # fmt: skip


def test_seed_hash_of_the_spec_vector_matches():
    assert hashlib.sha256(SEED.encode()).hexdigest() == (
        "6ed645ef0e1abea1bf1e4e935ff04f9e18d39812387f63cda3415b46240f0405"
    )


def test_full_ticket_of_id_42_matches():
    assert ticket(SEED, "id-42") == (
        "0.0120629808589992888820310309761437479047396944838092364330307110193502870951"
    )
    assert rank(SEED, IDS100, 1)[0] == (ticket(SEED, "id-42"), "id-42")


def test_a_sub_roster_keeps_the_relative_order():
    assert order(SEED, IDS100[:50], 5) == ["id-42", "id-46", "id-23", "id-38", "id-31"]


def test_seed_314159_vector_matches():
    ids = ["A-1", "A-2", "A-3", "B-1", "B-2", "B-3"]
    assert order("314159", ids, 4) == ["B-2", "B-3", "A-3", "A-2"]


def test_the_announcement_digest_is_sha256_of_canonical_json():
    ids = codes(30)
    ann = build_announcement(
        code="T-1", title="标题 ①", strata={"A": (100, ids[:10]), "B": (300, ids[10:])},
        beacon_source="drand round 1", announced_at=AT, extra={"task": {"部门": ["文旅", "公安"]}},
    )  # fmt: skip
    text = json.dumps(ann, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    assert announcement_digest(ann) == hashlib.sha256(text.encode("utf-8")).hexdigest()


@given(st.lists(st.text(max_size=6), max_size=8))
def test_the_fast_id_list_encoding_equals_json_dumps(items):
    want = json.dumps(items, ensure_ascii=False, separators=(",", ":")).encode()
    assert _json_str_list(items) == want


def test_ids_are_normalised_sorted_and_upper_case():
    ids = codes(5)
    ann = build_announcement(
        code="T", title="t", strata={"A": (100, [i.lower() for i in reversed(ids)])},
        beacon_source="x", announced_at=AT,
    )  # fmt: skip
    assert ann["strata"]["A"]["ids"] == ids


@pytest.mark.parametrize(
    "strata",
    [
        {"A": (100, ["91410402MA44PNXG0H", "91410402MA44PNXG0H"])},
        {"A": (100, ["91410402MA44PNXG0X"])},
        {"A": (0, ["91410402MA44PNXG0H"])},
    ],
)
def test_duplicate_or_invalid_input_is_refused(strata):
    with pytest.raises(DrawError):
        build_announcement(code="T", title="t", strata=strata, beacon_source="x", announced_at=AT)


def test_an_id_in_two_strata_is_refused_with_its_code():
    ids = codes(3)
    with pytest.raises(DrawError, match=ids[1]):
        build_announcement(
            code="T", title="t", strata={"A": (100, ids[:2]), "B": (100, ids[1:])},
            beacon_source="x", announced_at=AT,
        )  # fmt: skip


def test_a_timestamp_without_offset_is_refused():
    with pytest.raises(DrawError):
        build_announcement(
            code="T", title="t", strata={"A": (100, codes(2))}, beacon_source="x",
            announced_at="2023-06-30T09:00:00",
        )  # fmt: skip


def test_lottery_groups_become_an_rfc3797_key_string():
    assert canonical_beacon([[9319], [12, 2, 5, 8, 10]], "lottery") == "9319./2.5.8.10.12./"
    assert canonical_beacon("9319 / 12 2 05 8 10", "lottery") == "9319./2.5.8.10.12./"
    assert canonical_beacon([["3", "1", "9"]], "lottery") == "1.3.9./"


def test_dice_drand_and_text_beacons_are_canonical():
    assert canonical_beacon(" 3 1-4 1 ", "dice") == "3141"
    assert canonical_beacon("AB" * 32, "drand") == "ab" * 32
    assert canonical_beacon("  Cafe\u0301 ", "text") == "Café"
    with pytest.raises(DrawError):
        canonical_beacon("12x", "drand")
    with pytest.raises(DrawError):
        canonical_beacon("3a", "dice")


def reference_size(population: int, bp: int, rounding: str) -> int:
    exact = Fraction(population * bp, 10000)
    if rounding == "round-half-up":
        n = math.floor(exact + Fraction(1, 2))
    else:
        n = math.ceil(exact)
        if rounding == "ceil-min1" and population > 0:
            n = max(n, 1)
    return min(n, population)


@pytest.mark.parametrize("rounding", ["ceil-min1", "ceil", "round-half-up"])
@pytest.mark.parametrize("bp", [100, 300, 1000])
def test_sample_size_is_exact_at_every_boundary_up_to_ten_thousand(bp, rounding):
    for population in range(0, 10_001):
        assert sample_size(population, bp, rounding) == reference_size(population, bp, rounding)


@pytest.mark.parametrize(
    ("population", "bp", "rounding", "expected"),
    [
        (40, 100, "ceil-min1", 1), (40, 100, "ceil", 1), (40, 100, "round-half-up", 0),
        (0, 100, "ceil-min1", 0), (100, 100, "ceil", 1), (101, 100, "ceil", 2),
        (149, 100, "round-half-up", 1), (150, 100, "round-half-up", 2),
        (100, 300, "ceil", 3), (101, 300, "ceil", 4), (50, 300, "round-half-up", 2),
        (16, 300, "round-half-up", 0), (17, 300, "round-half-up", 1), (10, 1000, "ceil", 1),
        (11, 1000, "ceil", 2), (14, 1000, "round-half-up", 1), (15, 1000, "round-half-up", 2),
        (4, 1000, "round-half-up", 0), (4, 1000, "ceil-min1", 1), (1, 10000, "ceil", 1),
    ],
)  # fmt: skip
def test_named_rounding_boundaries_give_the_published_size(population, bp, rounding, expected):
    assert sample_size(population, bp, rounding) == expected


@given(
    st.integers(0, 10**9),
    st.integers(1, 10000),
    st.sampled_from(["ceil-min1", "ceil", "round-half-up"]),
)
def test_sample_size_matches_exact_fractions_for_huge_rosters(population, bp, rounding):
    assert sample_size(population, bp, rounding) == reference_size(population, bp, rounding)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.text(min_size=1, max_size=8), min_size=1, max_size=60, unique=True),
    st.text(max_size=20),
    st.integers(1, 60),
)
def test_rank_equals_consistent_sampler_for_any_ids_and_seed(ids, seed, take):
    want = list(consistent_sampler.sampler(ids, seed=seed, take=take, output="id"))
    assert order(seed, ids, take) == want


CODE_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"


@given(
    st.text(alphabet=CODE_CHARS + "IOZa ", min_size=17, max_size=19),
    st.text(alphabet=CODE_CHARS, min_size=17, max_size=17),
)
def test_the_fast_code_check_agrees_with_the_credit_code_parser(raw, body):
    from shuangsuiji.creditcode import CreditCodeError, make_code, parse
    from shuangsuiji.drawengine.protocol import _is_canonical_code

    for candidate in (raw, make_code(body)):
        try:
            ok = parse(candidate).code == candidate
        except CreditCodeError:
            ok = False
        assert _is_canonical_code(candidate) == ok
