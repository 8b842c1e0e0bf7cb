"""The public portal: no login, every frozen draw, nothing confidential."""

import hashlib
import json

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from shuangsuiji.drawengine import verify_record
from shuangsuiji.plans.draws import void_draw
from shuangsuiji.plans.substitutions import substitute_entity
from shuangsuiji.registries.models import Conflict, Inspector
from tests.plans.test_draws import set_status


def test_the_announcement_appears_on_the_portal_at_once(client, announced):
    listing = client.get(reverse("portal:index")).content.decode()
    assert announced.code in listing
    page = client.get(reverse("portal:draw", args=[announced.code])).content.decode()
    assert announced.announcement_digest in page
    assert "福利彩票 3D 第 2023172 期" in page
    assert "等待随机数公布后开奖" in page


def test_the_announcement_json_hashes_to_the_published_digest(client, announced):
    body = client.get(reverse("portal:announcement-json", args=[announced.code])).content
    assert hashlib.sha256(body).hexdigest() == announced.announcement_digest


def test_the_record_served_by_the_portal_verifies(client, revealed):
    response = client.get(reverse("portal:record-json", args=[revealed.code]))
    record = json.loads(response.content)
    verify_record(record)
    from shuangsuiji.plans import engine

    pool, conflicts = engine.frozen_inputs(revealed)
    verify_record(record, pool=pool, conflicts=conflicts)


def test_the_record_is_not_served_before_the_reveal(client, announced):
    assert client.get(reverse("portal:record-json", args=[announced.code])).status_code == 404


def test_the_draw_page_shows_selection_tickets_and_teams(client, revealed):
    page = client.get(reverse("portal:draw", args=[revealed.code])).content.decode()
    entry = revealed.record["strata"]["A"]["selected"][0]
    assert entry["id"] in page and entry["ticket"] in page
    team = revealed.record["assignment"]["teams"][0]
    assert team["leader"] in page
    assert revealed.beacon in page


def test_substitutions_and_voids_are_public_with_reasons(client, office, revealed):
    selected = revealed.record["strata"]["A"]["selected"][0]["id"]
    set_status(office, selected, "deregistered")
    substitute_entity(office, revealed, entity=selected, reason="deregistered-before-window")
    page = client.get(reverse("portal:draw", args=[revealed.code])).content.decode()
    assert "检查期开始前已注销" in page
    assert office.display_name in page
    void_draw(office, revealed, reason="风险等级数据有误，重新抽取")
    page = client.get(reverse("portal:draw", args=[revealed.code])).content.decode()
    assert "本次抽取已作废" in page and "风险等级数据有误" in page
    assert "已作废" in client.get(reverse("portal:index") + "?status=voided").content.decode()


def test_the_portal_never_shows_conflicts_or_phone_numbers(client, revealed):
    pages = [
        client.get(reverse("portal:index")).content.decode(),
        client.get(reverse("portal:draw", args=[revealed.code])).content.decode(),
        client.get(reverse("portal:record-json", args=[revealed.code])).content.decode(),
        client.get(reverse("portal:announcement-json", args=[revealed.code])).content.decode(),
        client.get(reverse("portal:verify")).content.decode(),
    ]
    text = "\n".join(pages)
    for phone in Inspector.objects.values_list("phone", flat=True):
        assert phone not in text
    for conflict in Conflict.objects.select_related("inspector", "entity"):
        assert conflict.reason not in text
    assert "conflicts_snapshot" not in text and "pool_snapshot" not in text
    for entity_phone in revealed.task.inspections.values_list("entity__phone", flat=True):
        assert entity_phone not in text


def test_the_verify_page_explains_hashlib_recomputation(client, db):
    page = client.get(reverse("portal:verify")).content.decode()
    assert "ssj draw verify" in page and "hashlib" in page


def test_unknown_draws_are_404(client, db):
    assert client.get(reverse("portal:draw", args=["NOPE"])).status_code == 404


def _walk(resolver, prefix=""):
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            yield from _walk(entry, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern), entry.callback


@pytest.mark.parametrize("area", ["staff/plans/", "portal/"])
def test_every_view_declares_its_access(area):
    views = [(p, v) for p, v in _walk(get_resolver()) if p.startswith(area)]
    assert views
    for pattern, view in views:
        rule = getattr(view, "ssj_access", None)
        assert rule, f"{pattern} has no access decorator"
        if area == "portal/":
            assert rule == "public"
        else:
            assert rule.startswith("staff:plans.")
