"""The pure chain arithmetic: known heads catch a chain that is cut short or rewritten."""

import pytest

from shuangsuiji.audit import chain


def _rows(n: int, salt: str = "") -> list[dict]:
    rows, prev = [], chain.GENESIS
    for seq in range(1, n + 1):
        row = {field: "" for field in chain.FIELDS}
        row.update(seq=seq, at=f"2026-03-02T10:00:{seq:02d}+00:00", data={"n": seq, "s": salt})
        row["prev_hash"], row["entry_hash"] = prev, chain.entry_hash(prev, row)
        prev = row["entry_hash"]
        rows.append(row)
    return rows


def _head(rows, seq, source="测试链头"):
    return chain.KnownHead(seq, rows[seq - 1]["entry_hash"], source)


def test_a_whole_chain_reaching_every_head_has_no_break():
    rows = _rows(10)
    assert chain.check(rows, [_head(rows, 3), _head(rows, 10)]) is None


def test_a_chain_ending_before_a_head_is_reported_as_shorter_naming_the_furthest_head():
    rows = _rows(10)
    problem = chain.check(rows[:4], [_head(rows, 7, "甲"), _head(rows, 10, "乙")])
    assert (problem.kind, problem.seq) == ("shorter", 10)
    assert "只有 4 条记录" in problem.message and "乙" in problem.message
    assert "至少 6 条记录被删除" in problem.message


def test_an_empty_chain_with_a_head_is_shorter():
    rows = _rows(3)
    problem = chain.check([], [_head(rows, 1)])
    assert problem.kind == "shorter" and "只有 0 条记录" in problem.message


def test_a_rewritten_chain_that_still_links_diverges_at_the_first_known_head():
    original, forged = _rows(10), _rows(10, salt="forged")
    problem = chain.check(forged, [_head(original, 5), _head(original, 8)])
    assert (problem.kind, problem.seq) == ("diverged", 5)


def test_a_broken_link_is_still_reported_before_any_head():
    rows = _rows(5)
    rows[2] = dict(rows[2], data={"n": 99})
    problem = chain.check(rows, [_head(rows, 5)])
    assert (problem.kind, problem.seq) == ("integrity", 3)


@pytest.mark.parametrize(
    "text", ["", "12", ":" + "a" * 64, "-1:" + "a" * 64, "3:" + "a" * 63, "3:" + "z" * 64]
)
def test_malformed_heads_are_refused(text):
    with pytest.raises(ValueError):
        chain.parse_head(text)


def test_a_head_is_read_in_upper_or_lower_case():
    head = chain.parse_head(" 7:" + "AB" * 32 + " ")
    assert (head.seq, head.entry_hash) == (7, "ab" * 32)


def test_a_heads_document_may_be_the_published_object_or_a_bare_list():
    item = {"date": "2026-03-02", "seq": 4, "hash": "cd" * 32}
    (from_object,) = chain.parse_heads_document({"heads": [item]}, "副本")
    (from_list,) = chain.parse_heads_document([item], "副本")
    assert from_object == from_list and "2026-03-02" in from_object.source
    with pytest.raises(ValueError):
        chain.parse_heads_document({"heads": [{"seq": 4}]})
    with pytest.raises(ValueError):
        chain.parse_heads_document("not a list")
