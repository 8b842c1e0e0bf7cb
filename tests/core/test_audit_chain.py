import pytest
from django.core.management import call_command
from django.db import transaction

from shuangsuiji.audit.models import AuditEntry
from shuangsuiji.audit.services import record, verify_chain


@pytest.fixture
def chain(db, alice):
    with transaction.atomic():
        for i in range(5):
            record(alice, "test.action", data={"i": i}, object_type="t", object_id=str(i))
    return list(AuditEntry.objects.order_by("seq"))


def test_an_untouched_chain_verifies(chain):
    assert verify_chain() is None


def test_editing_a_row_is_detected(chain):
    AuditEntry.objects.filter(seq=3).update(data={"i": 99})
    assert "第 3 条" in verify_chain()


def test_deleting_a_row_is_detected(chain):
    AuditEntry.objects.filter(seq=2).delete()
    assert "第 2 条" in verify_chain()


def test_deleting_the_last_row_is_detected_through_the_published_head(chain):
    AuditEntry.objects.filter(seq=5).delete()
    assert "只有 4 条记录" in verify_chain()
    assert verify_chain(stored=False) is None  # the rows alone still chain


def test_reordering_rows_is_detected(chain):
    a, b = chain[1], chain[2]
    AuditEntry.objects.filter(pk=a.pk).update(seq=-1)
    AuditEntry.objects.filter(pk=b.pk).update(seq=a.seq)
    AuditEntry.objects.filter(pk=a.pk).update(seq=b.seq)
    assert verify_chain() is not None


def test_verify_command_exits_one_on_a_break(chain):
    AuditEntry.objects.filter(seq=4).update(actor_name="someone else")
    with pytest.raises(SystemExit) as exc:
        call_command("audit", "verify")
    assert exc.value.code == 1


@pytest.mark.django_db(transaction=True)
def test_record_refuses_to_write_outside_a_transaction(alice):
    with pytest.raises(RuntimeError):
        record(alice, "test.action")


def test_head_prints_the_last_entry_of_a_given_day(db, alice, capsys):
    import time_machine

    with time_machine.travel("2026-03-02 10:00 +0800", tick=False), transaction.atomic():
        first = record(alice, "test.day1")
    with time_machine.travel("2026-03-03 10:00 +0800", tick=False), transaction.atomic():
        second = record(alice, "test.day2")
    call_command("audit", "head", "--date", "2026-03-02")
    assert first.entry_hash in capsys.readouterr().out
    call_command("audit", "head")
    assert second.entry_hash in capsys.readouterr().out
