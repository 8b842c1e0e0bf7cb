"""Beacon time and multi-party commitment: nobody alone can steer a draw."""

from __future__ import annotations

import copy
import hashlib
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from shuangsuiji.drawengine import (
    Conflict,
    DrawError,
    InspectorPool,
    VerificationError,
    announcement_digest,
    build_announcement,
    canonical_beacon,
    commitment_of,
    new_secret,
    reveal,
    verify_record,
)
from shuangsuiji.drawengine.tickets import rank

from .helpers import AT, WINDOW, codes, pool_of

IDS = codes(120, 5)
DEPTS = ["WL", "SC", "GA"]
NOT_BEFORE = "2023-07-01T21:30:00+08:00"
ON_TIME = "2023-07-01T21:35:00+08:00"
DATA = Path(__file__).resolve().parents[1] / "data" / "draw"
hex_secrets = st.text("0123456789abcdef", min_size=32, max_size=80)


def committed(secrets: list[str], *, kind: str = "text", depts=DEPTS, **extra) -> dict:
    return build_announcement(
        code="2023-XH-WL-02", title="承诺测试", strata={"A": (300, IDS[:60]), "B": (1000, IDS[60:])},
        beacon_source="现场掷骰", announced_at=AT, beacon_kind=kind, beacon_not_before=NOT_BEFORE,
        commitments=[{"department": d, "sha256": commitment_of(s)} for d, s in zip(depts, secrets)],
        **extra,
    )  # fmt: skip


@pytest.fixture(scope="module")
def secrets() -> list[str]:
    return [new_secret() for _ in DEPTS]


@pytest.fixture(scope="module")
def record(secrets) -> dict:
    return reveal(committed(secrets), "桃花潭水深千尺", secrets=secrets, revealed_at=ON_TIME)


def test_the_seed_is_the_v1_seed_followed_by_the_secrets_in_commitment_order(record, secrets):
    digest = hashlib.sha256(
        json.dumps(record["announcement"], sort_keys=True, ensure_ascii=False, separators=(",", ":"))
        .encode("utf-8")
    ).hexdigest()  # fmt: skip
    assert record["seed"] == "|".join([digest, "桃花潭水深千尺", *secrets])
    assert record["secrets"] == secrets
    assert record["revealed_at"] == ON_TIME
    ids = record["announcement"]["strata"]["B"]["ids"]
    want = [i for _t, i in rank(record["seed"], ids, 6)]
    assert [e["id"] for e in record["strata"]["B"]["selected"]] == want
    verify_record(record)


def test_the_announcement_digest_covers_the_commitments_and_the_beacon_time(secrets):
    plain = committed(secrets)
    assert plain["commitments"][0] == {"department": "WL", "sha256": commitment_of(secrets[0])}
    for change in (
        lambda a: a["commitments"][1].update(sha256=commitment_of(new_secret())),
        lambda a: a.update(beacon_not_before="2023-07-01T21:00:00+08:00"),
    ):
        other = copy.deepcopy(plain)
        change(other)
        assert announcement_digest(other) != announcement_digest(plain)


def test_a_department_secret_can_be_given_by_department_code(secrets, record):
    by_dept = dict(zip(DEPTS, secrets, strict=True))
    again = reveal(committed(secrets), "桃花潭水深千尺", secrets=by_dept, revealed_at=ON_TIME)
    assert again == record


@settings(max_examples=25, deadline=None)
@given(st.lists(hex_secrets, min_size=1, max_size=3, unique=True), st.data())
def test_any_tampered_secret_is_refused_by_reveal_and_verify(secrets, data):
    depts = DEPTS[: len(secrets)]
    announcement = committed(secrets, depts=depts)
    record = reveal(announcement, "314", secrets=secrets, revealed_at=ON_TIME)
    verify_record(record)
    which = data.draw(st.integers(0, len(secrets) - 1))
    pos = data.draw(st.integers(0, len(secrets[which]) - 1))
    old = secrets[which][pos]
    bad = list(secrets)
    bad[which] = bad[which][:pos] + ("0" if old != "0" else "1") + bad[which][pos + 1 :]
    with pytest.raises(DrawError, match=f"部门 {depts[which]} 的承诺不符"):
        reveal(announcement, "314", secrets=bad, revealed_at=ON_TIME)
    tampered = copy.deepcopy(record)
    tampered["secrets"] = bad
    with pytest.raises(VerificationError, match="秘密值与承诺不符"):
        verify_record(tampered)


def test_secrets_in_the_wrong_order_are_refused(secrets, record):
    swapped = [secrets[1], secrets[0], secrets[2]]
    with pytest.raises(DrawError, match="第 1 个秘密值与部门 WL 的承诺不符"):
        reveal(committed(secrets), "桃花潭水深千尺", secrets=swapped, revealed_at=ON_TIME)
    tampered = copy.deepcopy(record)
    tampered["secrets"] = swapped
    with pytest.raises(VerificationError, match="秘密值与承诺不符"):
        verify_record(tampered)


def test_commitments_in_the_wrong_order_are_refused_when_the_leader_is_known(secrets):
    inspectors = InspectorPool(pool_of(), [], "WL", WINDOW, ["SC"])
    with pytest.raises(DrawError, match="第一个承诺应来自牵头部门 WL"):
        committed(secrets[:2], depts=["SC", "WL"], inspectors=inspectors)
    assert committed(secrets[:2], depts=["WL", "SC"], inspectors=inspectors)["commitments"]


def test_a_reveal_before_the_beacon_time_is_refused(secrets):
    announcement = committed(secrets)
    early = "2023-07-01T21:29:59+08:00"
    with pytest.raises(DrawError, match="早于公告规定的最早揭晓时间"):
        reveal(announcement, "桃花潭水深千尺", secrets=secrets, revealed_at=early)
    utc_early = datetime(2023, 7, 1, 13, 29, tzinfo=UTC)
    with pytest.raises(DrawError, match="最早揭晓时间"):
        reveal(announcement, "桃花潭水深千尺", secrets=secrets, revealed_at=utc_early)
    with pytest.raises(DrawError, match="必须给出揭晓时间"):
        reveal(announcement, "桃花潭水深千尺", secrets=secrets)
    on_time = datetime(2023, 7, 1, 13, 30, tzinfo=UTC) + timedelta(microseconds=5)
    done = reveal(announcement, "桃花潭水深千尺", secrets=secrets, revealed_at=on_time)
    assert done["revealed_at"] == "2023-07-01T13:30:00+00:00"
    verify_record(done)


def test_verify_refuses_a_record_whose_reveal_time_was_moved_before_the_beacon_time(record):
    tampered = copy.deepcopy(record)
    tampered["revealed_at"] = "2023-07-01T20:00:00+08:00"
    with pytest.raises(VerificationError, match="揭晓时间不符"):
        verify_record(tampered)
    del tampered["revealed_at"]
    with pytest.raises(VerificationError, match="revealed_at"):
        verify_record(tampered)


def test_a_beacon_time_must_follow_the_announcement():
    with pytest.raises(DrawError, match="必须晚于公告时间"):
        build_announcement(
            code="X", title="X", strata={"A": (100, IDS)}, beacon_source="s", announced_at=AT,
            beacon_not_before="2023-06-30T08:00:00+08:00",
        )  # fmt: skip


@pytest.mark.parametrize("kind", ["dice", "text"])
def test_typed_beacon_kinds_require_commitments(kind):
    with pytest.raises(DrawError, match="必须有各参与部门的承诺"):
        build_announcement(
            code="X", title="X", strata={"A": (100, IDS)}, beacon_source="s", announced_at=AT,
            beacon_kind=kind,
        )  # fmt: skip
    plain = build_announcement(
        code="X", title="X", strata={"A": (100, IDS)}, beacon_source="s", announced_at=AT
    )
    with pytest.raises(DrawError, match="承诺"):
        reveal(plain, canonical_beacon("3 1 4", kind), beacon_kind=kind)


def test_a_lottery_beacon_may_go_without_commitments():
    announcement = build_announcement(
        code="X", title="X", strata={"A": (100, IDS)}, beacon_source="福彩 3D", announced_at=AT,
        beacon_kind="lottery",
    )  # fmt: skip
    record = reveal(announcement, "9319./2.5.8.10.12./")
    verify_record(record)
    with pytest.raises(DrawError, match="不是 lottery 类型的规范形式"):
        reveal(announcement, "9319 2 5 8 10 12")


def test_verify_refuses_a_committed_record_with_the_secrets_dropped(record):
    tampered = copy.deepcopy(record)
    del tampered["secrets"]
    with pytest.raises(VerificationError, match="secrets"):
        verify_record(tampered)
    tampered = copy.deepcopy(record)
    tampered["seed"] = tampered["seed"].rsplit("|", 3)[0]
    with pytest.raises(VerificationError, match="seed 不符"):
        verify_record(tampered)


@pytest.mark.parametrize(
    "secret", ["ab" * 15, "AB" * 16, "g" * 32, " " + "a" * 32, 12345678901234567890123456789012]
)
def test_short_upper_case_or_non_hex_secrets_are_refused(secrets, secret):
    announcement = committed(secrets)
    with pytest.raises(DrawError, match="秘密值"):
        reveal(announcement, "x", secrets=[secret, *secrets[1:]], revealed_at=ON_TIME)
    with pytest.raises(DrawError, match="小写十六进制"):
        commitment_of(secret)


def test_secrets_without_commitments_are_refused():
    plain = build_announcement(
        code="X", title="X", strata={"A": (100, IDS)}, beacon_source="s", announced_at=AT
    )
    with pytest.raises(DrawError, match="没有承诺"):
        reveal(plain, "x", secrets=[new_secret()])


def test_a_record_made_before_the_extension_is_reproduced_with_the_v1_seed():
    record = json.loads((DATA / "v1-record.json").read_text(encoding="utf-8"))
    assert record["seed"] == record["announcement_digest"] + "|" + record["beacon"]
    verify_record(record)
    assert reveal(record["announcement"], record["beacon"]) == record


def test_a_record_with_changes_made_before_the_extension_still_verifies():
    record = json.loads((DATA / "v1-record-with-changes.json").read_text(encoding="utf-8"))
    pool, conflicts = pool_of(leaders=3, wl=1, sc=3), [Conflict("WL-L00", codes(90, 8)[3])]
    verify_record(record, pool=pool, conflicts=conflicts)
    assert record["inspector_changes"] and record["strata"]["C"]["substitutions"]
    tampered = copy.deepcopy(record)
    tampered["inspector_changes"][0]["incoming"] = "WL-L00"
    with pytest.raises(VerificationError):
        verify_record(tampered, pool=pool, conflicts=conflicts)
