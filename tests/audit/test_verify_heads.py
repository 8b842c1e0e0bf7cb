"""`ssj audit verify` against the published daily heads and heads given by outsiders.

Each test first does what an attacker with write access to the database would do (delete
rows from the end of the chain, or rewrite them so that they chain again), then checks that
verification notices.
"""

import json

import pytest
import time_machine
from django.core.management import call_command
from django.db import transaction

from shuangsuiji.audit.models import AuditEntry, ChainHead
from shuangsuiji.audit.services import heads_document, record, verify_chain
from shuangsuiji.core.actors import SystemActor


def _write(n: int, day: str, start: int = 0) -> list:
    with time_machine.travel(f"{day} 10:00 +0800", tick=False), transaction.atomic():
        return [record(SystemActor(), "test.action", data={"i": start + i}) for i in range(n)]


@pytest.fixture
def chain(db):
    """30 rows on 2026-03-02 and 30 rows on 2026-03-03."""
    return _write(30, "2026-03-02") + _write(30, "2026-03-03", 30)


def _verify(capsys, *args) -> tuple[int, str]:
    try:
        call_command("audit", "verify", *args)
    except SystemExit as exc:
        return exc.code, capsys.readouterr().err
    return 0, capsys.readouterr().out


def _cut(first_seq: int) -> None:
    AuditEntry.objects.filter(seq__gte=first_seq).delete()


def _hide_cut() -> None:
    """What a careful attacker adds: make the stored head of today name the new last row."""
    last = AuditEntry.objects.order_by("-seq").first()
    ChainHead.objects.filter(seq__gt=last.seq if last else 0).delete()
    if last:
        ChainHead.objects.filter(day="2026-03-03").update(seq=last.seq, entry_hash=last.entry_hash)


def test_each_day_has_one_head_naming_its_last_row(chain):
    heads = list(ChainHead.objects.order_by("day").values_list("day", "seq", "entry_hash"))
    assert [(str(d), s) for d, s, _ in heads] == [("2026-03-02", 30), ("2026-03-03", 60)]
    assert heads[1][2] == chain[-1].entry_hash


def test_an_untouched_chain_verifies_against_its_heads(chain, capsys):
    code, out = _verify(capsys, "--head", f"60:{chain[-1].entry_hash}")
    assert code == 0
    assert "共 60 条记录" in out and "2 个每日链头" in out and "1 个链头" in out


def test_deleting_the_last_row_is_detected(chain, capsys):
    _cut(60)
    code, err = _verify(capsys)
    assert code == 1
    assert "只有 59 条记录" in err and "第 60 条" in err and "2026-03-03" in err


def test_deleting_the_last_twenty_rows_is_detected(chain, capsys):
    _cut(41)
    code, err = _verify(capsys)
    assert code == 1 and "只有 40 条记录" in err and "至少 20 条记录被删除" in err


def test_deleting_every_row_is_detected(chain, capsys):
    AuditEntry.objects.all().delete()
    code, err = _verify(capsys)
    assert code == 1 and "只有 0 条记录" in err


def test_a_cut_that_also_fixes_the_stored_head_is_caught_by_an_outsiders_head(chain, capsys):
    _cut(41)
    _hide_cut()
    assert verify_chain() is None  # the installation alone can no longer tell
    code, err = _verify(capsys, "--head", f"60:{chain[-1].entry_hash}")
    assert code == 1 and "第 60 条" in err and "命令行给出的链头" in err


def test_rows_rewritten_so_that_they_chain_again_diverge_from_a_known_head(chain, capsys):
    _cut(51)
    _write(10, "2026-03-03", 1000)  # ten different rows 51..60 that chain correctly
    assert verify_chain() is None
    code, err = _verify(capsys, "--head", f"55:{chain[54].entry_hash}")
    assert code == 1 and "第 55 条" in err and "分叉" in err


def test_the_published_heads_file_catches_a_cut_made_after_it_was_copied(chain, capsys, tmp_path):
    copy = tmp_path / "heads.json"
    copy.write_text(json.dumps(heads_document(), ensure_ascii=False), encoding="utf-8")
    _cut(31)
    AuditEntry.objects.filter(seq=30).delete()
    ChainHead.objects.all().delete()
    code, err = _verify(capsys, "--heads", str(copy))
    assert code == 1 and "只有 29 条记录" in err and "2026-03-03" in err


def test_heads_can_be_given_several_times_and_all_must_hold(chain, capsys):
    good = f"30:{chain[29].entry_hash}"
    bad = f"31:{'0' * 64}"
    assert _verify(capsys, "--head", good)[0] == 0
    code, err = _verify(capsys, "--head", good, "--head", bad)
    assert code == 1 and "第 31 条" in err


@pytest.mark.parametrize("text", ["60", "x:abc", f"0:{'a' * 64}", f"5:{'g' * 64}"])
def test_a_malformed_head_is_refused_with_a_chinese_message(chain, capsys, text):
    code, err = _verify(capsys, "--head", text)
    assert code == 1
    assert "链头格式" in err or "序号应从 1 开始" in err


def test_an_unreadable_heads_file_is_refused(chain, capsys, tmp_path):
    bad = tmp_path / "heads.json"
    bad.write_text("{not json", encoding="utf-8")
    code, err = _verify(capsys, "--heads", str(bad))
    assert code == 1 and "不是有效的链头 JSON" in err
    code, err = _verify(capsys, "--heads", str(tmp_path / "missing.json"))
    assert code == 1 and "无法读取链头文件" in err


def test_the_heads_command_prints_the_published_document(chain, capsys):
    call_command("audit", "heads")
    document = json.loads(capsys.readouterr().out)
    assert document["format"] == "ssj-audit-heads-v1"
    assert [h["seq"] for h in document["heads"]] == [30, 60]


def test_the_migration_publishes_a_head_for_every_day_already_in_the_chain(chain):
    from importlib import import_module

    from django.apps import apps

    migration = import_module("shuangsuiji.audit.migrations.0002_chainhead")
    ChainHead.objects.all().delete()
    migration.backfill_heads(apps, None)
    assert list(ChainHead.objects.order_by("day").values_list("seq", flat=True)) == [30, 60]
    assert verify_chain() is None
