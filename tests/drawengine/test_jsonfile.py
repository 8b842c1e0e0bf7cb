"""Records are written fast and read back as exactly the same JSON value."""

from __future__ import annotations

import json

from hypothesis import example, given, settings
from hypothesis import strategies as st

from shuangsuiji.drawengine import jsonfile, verify_record

from .helpers import draw

# strings rich in the characters the fast paths split at or must escape
tricky = st.text(
    st.sampled_from(['"', ",", "{", "}", "\\", "\n", "\x00", "\x1f", "a", "é", "\u2028"])
)
scalars = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | tricky
values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=8) | st.dictionaries(tricky, inner, max_size=6),
    max_leaves=40,
)


@settings(max_examples=300, deadline=None)
@given(values)
def test_any_json_value_reads_back_unchanged(value):
    assert json.loads(jsonfile.dumps(value)) == value


@settings(max_examples=200, deadline=None)
@given(st.lists(tricky, min_size=5), st.lists(st.dictionaries(tricky, tricky), min_size=5))
@example(['",', "x", "y", "z", "w"], [{"k": "},{"}, {}, {}, {}, {}])  # splits only between items
def test_long_lists_of_strings_and_objects_read_back_unchanged(strings, objects):
    doc = {"a": {"b": {"c": {"ids": strings, "entries": objects}}}}
    assert json.loads(jsonfile.dumps(doc)) == doc


def test_a_record_is_written_one_id_per_line_and_still_verifies(tmp_path):
    record = draw()
    path = tmp_path / "record.json"
    jsonfile.write(path, record)
    text = path.read_text(encoding="utf-8")
    first = record["announcement"]["strata"]["A"]["ids"][0]
    assert f'\n     "{first}",\n' in text
    entry = record["strata"]["C"]["selected"][1]
    assert f'\n    {{"id":"{entry["id"]}","ticket":"{entry["ticket"]}"}},\n' in text
    again = jsonfile.load(path)
    assert again == record
    verify_record(again)
