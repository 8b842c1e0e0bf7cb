"""The portal publishes the audit chain's daily heads as a page and as JSON."""

import datetime
import json
import urllib.request

import pytest
import time_machine
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse

from shuangsuiji.audit.models import AuditEntry, ChainHead
from shuangsuiji.audit.services import record
from shuangsuiji.core.actors import SystemActor


def _days(n: int, first: str = "2026-01-01") -> list:
    start = datetime.date.fromisoformat(first)
    entries = []
    for i in range(n):
        day = start + datetime.timedelta(days=i)
        with time_machine.travel(f"{day} 09:30 +0800", tick=False), transaction.atomic():
            entries += [
                record(SystemActor(), "test.action", data={"day": str(day), "k": k})
                for k in range(2)
            ]
    return entries


@pytest.fixture
def heads(db):
    return _days(3)


def test_anyone_reads_the_heads_page_in_chinese_newest_first(client, heads):
    with time_machine.travel("2026-01-03 12:00 +0800", tick=False):
        resp = client.get(reverse("portal:audit-heads"))
    body = resp.content.decode()
    assert resp.status_code == 200
    assert "审计链每日链头" in body and "请保存一份副本" in body
    assert heads[-1].entry_hash in body and heads[1].entry_hash in body
    assert body.index("2026-01-03") < body.index("2026-01-02") < body.index("2026-01-01")
    assert "当天，仍在增长" in body and "已定" in body
    assert "ssj audit verify --heads http://testserver/portal/audit/heads.json" in body


def test_the_heads_page_is_linked_from_the_portal_navigation(client, heads):
    body = client.get(reverse("portal:index")).content.decode()
    assert f'href="{reverse("portal:audit-heads")}"' in body


def test_the_heads_page_is_paginated_by_fifty_days(client, db):
    _days(55)
    first = client.get(reverse("portal:audit-heads")).content.decode()
    second = client.get(reverse("portal:audit-heads"), {"page": 2}).content.decode()
    assert "2026-02-24" in first and "2026-01-06" in first and "2026-01-05" not in first
    assert "2026-01-05" in second and "2026-01-01" in second and "第 2 / 2 页" in second


def test_the_heads_json_lists_every_day_and_is_open_to_other_sites(client, heads):
    resp = client.get(reverse("portal:audit-heads-json"))
    assert resp.status_code == 200
    assert resp["Content-Type"] == "application/json; charset=utf-8"
    assert resp["Access-Control-Allow-Origin"] == "*"
    document = json.loads(resp.content)
    assert document["format"] == "ssj-audit-heads-v1"
    assert [(h["date"], h["seq"], h["hash"]) for h in document["heads"]] == [
        ("2026-01-01", 2, heads[1].entry_hash),
        ("2026-01-02", 4, heads[3].entry_hash),
        ("2026-01-03", 6, heads[5].entry_hash),
    ]
    assert document["rewinds"] == []


def test_an_empty_log_shows_a_chinese_note(client, db):
    body = client.get(reverse("portal:audit-heads")).content.decode()
    assert "暂无审计记录" in body


def test_a_staff_member_sees_the_same_public_page(client, heads, erin):
    client.force_login(erin)
    assert client.get(reverse("portal:audit-heads")).status_code == 200


@pytest.mark.django_db(transaction=True)
def test_verify_reads_the_published_heads_from_the_portal_url(live_server, capsys, tmp_path):
    _days(3)
    url = f"{live_server.url}{reverse('portal:audit-heads-json')}"
    call_command("audit", "verify", "--heads", url)
    assert "OK 审计链完整" in capsys.readouterr().out
    copy = tmp_path / "heads.json"
    with urllib.request.urlopen(url) as response:
        copy.write_bytes(response.read())
    # An attacker cuts the last day and its head: the live portal now agrees with the cut …
    AuditEntry.objects.filter(seq__gte=5).delete()
    ChainHead.objects.filter(day="2026-01-03").delete()
    call_command("audit", "verify", "--heads", url)
    capsys.readouterr()
    # … but the copy kept earlier does not.
    with pytest.raises(SystemExit) as exc:
        call_command("audit", "verify", "--heads", str(copy))
    err = capsys.readouterr().err
    assert exc.value.code == 1 and "只有 4 条记录" in err and "2026-01-03" in err
