"""The optional C accelerator gives exactly what hashlib and the pure-Python scan give."""

from __future__ import annotations

import hashlib
import json
import os
import random
import subprocess
import sys
import threading
from contextlib import contextmanager

import consistent_sampler
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from shuangsuiji.drawengine import build_announcement, rank, reveal
from shuangsuiji.drawengine import tickets as tickets_module

from .helpers import AT, codes

_accel = tickets_module._accel

if _accel is None and os.environ.get("SSJ_REQUIRE_ACCEL") == "1":
    raise RuntimeError(
        "SSJ_REQUIRE_ACCEL=1 but the C accelerator shuangsuiji.drawengine._accel is not built"
    )

pytestmark = pytest.mark.skipif(
    _accel is None,
    reason="C accelerator shuangsuiji.drawengine._accel not built "
    "(needs a C compiler: pip install -e . or python3 setup.py build_ext --inplace)",
)

SEED = "12345678901234567890"
IDS100 = [f"id-{i}" for i in range(1, 101)]


@contextmanager
def accelerated(on: bool):
    was = tickets_module.ACCELERATED
    tickets_module.ACCELERATED = on
    try:
        yield
    finally:
        tickets_module.ACCELERATED = was


@contextmanager
def sha_code(hardware: bool):
    """Run the C SHA-256 with the CPU's SHA extensions or the portable code."""
    was = _accel.sha_ni()
    if _accel.sha_ni(hardware) != hardware:
        pytest.skip("this CPU has no SHA extensions")
    try:
        yield
    finally:
        _accel.sha_ni(was)


SHA_CODES = pytest.mark.parametrize("hardware", [False, True], ids=["portable", "sha-ni"])


def both(fn):
    """``fn()`` with the C scan and with the pure-Python scan; they must agree."""
    with accelerated(True):
        fast = fn()
    with accelerated(False):
        slow = fn()
    assert fast == slow
    return fast


def _jobs(ids, blob, head, table):
    job = {"seed_hash": head, "base": hashlib.sha256(head), "table": table, "mask": 0}
    return {"A": {**job, "blob": blob, "ids": ids, "check_order": True}}


def sampler_ids(ids: list[str], seed: str, take: int) -> list[str]:
    return list(consistent_sampler.sampler(ids, seed=seed, take=take, output="id"))


@SHA_CODES
def test_sha256_equals_hashlib_for_every_length_and_random_data(hardware):
    rng = random.Random(1)
    with sha_code(hardware):
        for n in [*range(0, 300), 1000, 4096, 65537]:
            data = rng.randbytes(n)
            assert _accel.sha256(data) == hashlib.sha256(data).digest(), n
        assert _accel.sha256(b"abc").hex() == (
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        )  # FIPS 180-4 example (one block)


@SHA_CODES
@settings(max_examples=200, deadline=None)
@given(st.binary(min_size=64, max_size=64), st.integers(1, 140), st.integers(0, 6), st.randoms())
def test_sha256_ids_equals_hashlib(hardware, seed_hash, width, count, rnd):
    ids = rnd.randbytes(width * count)
    want = b"".join(
        hashlib.sha256(seed_hash + ids[i * width : (i + 1) * width]).digest() for i in range(count)
    )
    with sha_code(hardware):
        assert _accel.sha256_ids(seed_hash, ids, width) == want


@SHA_CODES
def test_the_scan_and_the_spec_vectors_with_either_sha_code(hardware):
    ids = codes(20000, 26)
    blob = json.dumps(ids, separators=(",", ":")).encode()
    head = tickets_module.seed_hash("either").encode()
    table = tickets_module._accept_table(3000)
    with sha_code(hardware), accelerated(True):
        found = _accel.scan(head, blob, 2, 21, 18, 0, len(ids), table, 0)
        first = [i for _t, i in rank(SEED, IDS100, 5)]
        assert first == ["id-42", "id-46", "id-23", "id-38", "id-99"]
    with accelerated(False):  # the pure-Python scan gives them in id order
        python = tickets_module._scan(_jobs(ids, blob, head, table), "A", 0, len(ids))
    assert len(found[0]) > 400 and found == (sorted(python), True)


@settings(max_examples=300, deadline=None)
@given(st.integers(0, 2**256 - 1))
def test_ticket_text_equals_the_python_ticket(h):
    assert _accel.ticket(h.to_bytes(32, "big")) == tickets_module.ticket_of(h)


def test_ticket_text_at_the_digit_boundaries():
    for h in (0, 1, 9, 10, 10**63, 10**64 - 1, 10**64, 10**77, 2**256 - 1, 10**9, 10**18 - 1):
        assert _accel.ticket(h.to_bytes(32, "big")) == tickets_module.ticket_of(h)


def test_the_spec_vectors_on_the_accelerated_path():
    with accelerated(True):
        assert [i for _t, i in rank(SEED, IDS100, 10)] == [
            "id-42", "id-46", "id-23", "id-38", "id-99", "id-93", "id-31", "id-61", "id-69", "id-49",
        ]  # fmt: skip
        assert rank(SEED, IDS100, 1)[0] == (
            "0.0120629808589992888820310309761437479047396944838092364330307110193502870951",
            "id-42",
        )
        assert [i for _t, i in rank(SEED, IDS100[:50], 5)] == [
            "id-42", "id-46", "id-23", "id-38", "id-31",
        ]  # fmt: skip
        ids = ["A-1", "A-2", "A-3", "B-1", "B-2", "B-3"]
        assert [i for _t, i in rank("314159", ids, 4)] == ["B-2", "B-3", "A-3", "A-2"]


@settings(max_examples=40, deadline=None)
@given(
    st.integers(1, 400),
    st.integers(0, 10**6),
    st.text(min_size=1, max_size=30).map(lambda s: s.strip() or "b"),
    st.lists(st.integers(1, 10000), min_size=1, max_size=3),
)
def test_draws_with_and_without_the_accelerator_equal_consistent_sampler(
    size, roster_seed, beacon, rates
):
    ids = codes(size, roster_seed)
    parts = [ids[i :: len(rates)] for i in range(len(rates))]
    strata = {f"S{i}": (rate, part) for i, (rate, part) in enumerate(zip(rates, parts))}
    ann = build_announcement(code="P", title="p", strata=strata, beacon_source="x", announced_at=AT)
    import unicodedata

    beacon = unicodedata.normalize("NFC", beacon).strip() or "b"
    record = both(lambda: reveal(ann, beacon))
    for key, value in record["strata"].items():
        got = [e["id"] for e in value["selected"] + value["substitute_order"]]
        assert got == sampler_ids(ann["strata"][key]["ids"], record["seed"], len(got))


@settings(max_examples=40, deadline=None)
@given(
    st.lists(st.text(min_size=0, max_size=70), min_size=1, max_size=120, unique=True),
    st.text(max_size=20),
    st.integers(1, 130),
)
def test_ids_of_any_length_and_script_match_consistent_sampler(ids, seed, take):
    ids = [i for i in ids if not any(0xD800 <= ord(c) <= 0xDFFF for c in i)] or ["x"]
    got = both(lambda: rank(seed, ids, take))
    assert [i for _t, i in got] == sampler_ids(ids, seed, min(take, len(ids)))


@pytest.mark.parametrize("workers", [1, 2, 3])
def test_the_threaded_scan_equals_the_serial_and_forked_scans(monkeypatch, workers):
    ids = codes(3000, 21)
    plan = {"A": (ids[:1000], 12), "B": (ids[1000:], 250)}
    # A on the fixed-width path (GIL released), B on the generic path (any width)
    blobs = {"A": json.dumps(ids[:1000], separators=(",", ":")).encode()}
    monkeypatch.setattr(tickets_module, "_PARALLEL_MIN", 10)

    def run():
        return tickets_module.rank_many("t", plan, blobs=blobs, workers=workers, ids_sorted=True)

    got = both(run)
    assert [i for _t, i in got["A"]] == sampler_ids(ids[:1000], "t", 12)
    assert [i for _t, i in got["B"]] == sampler_ids(ids[1000:], "t", 250)


def test_an_unsorted_blob_is_refused_by_the_c_scan_at_any_split(monkeypatch):
    ids = codes(1000, 22)
    monkeypatch.setattr(tickets_module, "_PARALLEL_MIN", 10)
    for at in (0, 499, 500, 998):  # with two threads the split is at 500
        bad = ids[:at] + [ids[at + 1], ids[at]] + ids[at + 2 :]
        blob = json.dumps(bad, separators=(",", ":")).encode()
        for workers in (1, 2):
            with accelerated(True), pytest.raises(tickets_module.OrderError):
                tickets_module.rank_many(
                    "u", {"A": (bad, 5)}, blobs={"A": blob}, workers=workers, ids_sorted=True
                )
    dup = ids[:10] + ids[9:]
    blob = json.dumps(dup, separators=(",", ":")).encode()
    with accelerated(True), pytest.raises(tickets_module.OrderError):
        tickets_module.rank_many("u", {"A": (dup, 5)}, blobs={"A": blob}, ids_sorted=True)


def test_concurrent_draws_in_threads_do_not_mix(monkeypatch):
    monkeypatch.setattr(tickets_module, "_PARALLEL_MIN", 10)
    plans = [{"A": (codes(800, s), 40)} for s in range(6)]
    want = [tickets_module.rank_many(f"s{n}", p, workers=1) for n, p in enumerate(plans)]
    got: list = [None] * len(plans)

    def run(n: int) -> None:
        for _ in range(5):
            got[n] = tickets_module.rank_many(f"s{n}", plans[n], workers=2)

    threads = [threading.Thread(target=run, args=(n,)) for n in range(len(plans))]
    with accelerated(True):  # threads, never fork from a threaded process
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    assert got == want


def test_c_candidates_come_in_ticket_order_with_ties_by_index():
    head = tickets_module.seed_hash("order").encode()
    ids = codes(5000, 23)
    blob = json.dumps(ids, separators=(",", ":")).encode()
    table = b"\x01" * 100_000
    found, ordered = _accel.scan(head, blob, 2, 21, 18, 0, len(ids), table, 0)
    assert ordered and len(found) == len(ids) and found == sorted(found)
    assert found == sorted(_accel.scan_strs(head, ids, 0, len(ids), table, 0))
    same = _accel.scan_strs(head, ["x", "y", "x", "x"], 0, 4, table, 0)
    assert [i for t, i in same if t == same[0][0]] in ([0, 2, 3], [1])


def test_the_c_merge_finds_every_duplicate_of_ascending_lists():
    ids = codes(300, 24)

    def blob(part):
        return json.dumps(part, separators=(",", ":")).encode()

    parts = [ids[0::3], ids[1::3], ids[2::3]]
    with accelerated(True):
        assert tickets_module.disjoint([blob(p) for p in parts]) is True
        assert tickets_module.disjoint([]) is True
    with accelerated(False):  # unknown without the accelerator: the Python check runs
        assert tickets_module.disjoint([blob(p) for p in parts]) is False
    for extra in (ids[0], ids[150], ids[-1]):  # first, middle, last of the merge
        for k in range(3):
            bad = [list(p) for p in parts]
            if extra not in bad[k]:
                bad[k] = sorted([*bad[k], extra])
            else:
                i = bad[k].index(extra)
                bad[k].insert(i, extra)  # twice in one stratum
            assert _accel.has_duplicate([blob(p) for p in bad], 2, 21, 18) is True
    assert _accel.has_duplicate([blob(ids), blob([])], 2, 21, 18) is False
    assert _accel.has_duplicate([blob(ids[:1]), blob(ids[:1])], 2, 21, 18) is True
    with pytest.raises(ValueError):
        _accel.has_duplicate([blob(ids)] * 65, 2, 21, 18)


def test_overlapping_strata_are_refused_with_the_accelerator():
    ids = codes(90, 25)
    ann = build_announcement(code="O", title="o", strata={"A": (100, ids[:45]), "B": (100, ids[45:])},
                             beacon_source="x", announced_at=AT)  # fmt: skip
    overlap = {**ann, "strata": {**ann["strata"], "B": {"rate_bp": 100, "ids": ids[44:]}}}
    twice = {
        **ann,
        "strata": {**ann["strata"], "B": {"rate_bp": 100, "ids": sorted([*ids[45:], ids[60]])}},
    }
    from shuangsuiji.drawengine import DrawError

    with accelerated(True):
        with pytest.raises(DrawError, match=f"{ids[44]} 同时出现在分层 A 和 B"):
            reveal(overlap, "1")
        with pytest.raises(DrawError, match=f"分层 B 中 {ids[60]} 重复"):
            reveal(twice, "1")
        assert reveal(ann, "1")["strata"]["A"]["population"] == 45


def test_the_c_scan_rejects_bad_arguments():
    head = b"0" * 64
    table = b"\x01" * 10
    with pytest.raises(ValueError):
        _accel.scan(b"short", b'["a"]', 2, 3, 1, 0, 1, table, 0)
    with pytest.raises(ValueError):
        _accel.scan(head, b'["a"]', 2, 3, 1, 0, 2, table, 0)  # second id past the end
    with pytest.raises(ValueError):
        _accel.scan(head, b'["a"]', 2, 3, 1, 0, 1, b"", 0)
    with pytest.raises(ValueError):
        _accel.scan(head, b'["a"]', 2, 3, 1, 0, 1, table, 256)
    with pytest.raises(TypeError):
        _accel.scan_strs(head, ["a", 1], 0, 2, table, 0)
    with pytest.raises(ValueError):
        _accel.scan_strs(head, ["a"], 0, 2, table, 0)
    with pytest.raises(UnicodeEncodeError):
        _accel.scan_strs(head, ["\ud800"], 0, 1, table, 0)
    found, ordered = _accel.scan(head, b'["a","b"]', 2, 4, 1, 0, 2, table, 0)
    assert ordered and sorted(i for _t, i in found) == [0, 1]


def test_ssj_draw_accel_0_selects_the_pure_python_scan():
    code = "from shuangsuiji.drawengine import tickets; print(tickets.ACCELERATED)"
    env = {**os.environ, "SSJ_DRAW_ACCEL": "0"}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert out.stdout.strip() == "False"
    env["SSJ_DRAW_ACCEL"] = "1"
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert out.stdout.strip() == "True"
