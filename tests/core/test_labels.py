"""Every code a user can see has one Chinese label: pages render the label, never the code;
rates are percent; filters say 全部."""

from __future__ import annotations

import html
import re

import pytest

from shuangsuiji.audit.models import AuditEntry
from shuangsuiji.core import labels
from tests.site_pages import demo_objects, load_demo_site, site_pages, upload_with_errors

# Codes that are also ordinary text on a page (risk classes "A"-"D" are shown as "A 类").
NOT_CODES = {"A", "B", "C", "D", "text", "other"}


def visible_text(page: str) -> str:
    page = re.sub(r"(?is)<(script|style|code|pre)\b.*?</\1>", " ", page)
    page = re.sub(r"(?s)<[^>]+>", " ", page)
    return html.unescape(page)


def choice_codes() -> dict[str, str]:
    """code -> label for every choice the project defines."""
    codes = {}
    tables = [*labels.choice_labels().values(), *labels.PROTOCOL.values()]
    for table in tables:
        for code, text in table.items():
            if code not in NOT_CODES and code not in text:
                codes[code] = text
    return codes


def untranslated(text: str, codes) -> set[str]:
    found = set()
    for code in codes:
        if re.search(rf"(?<![\w.-]){re.escape(code)}(?![\w-])", text):
            found.add(code)
    return found


@pytest.fixture
def site(db):
    office, revealed, announced = load_demo_site()
    return office, demo_objects(revealed, announced)


def test_every_code_in_the_tables_has_a_chinese_label():
    for code, text in choice_codes().items():
        assert re.search(r"[\u4e00-\u9fff]", text), code


def test_audit_actions_and_object_types_in_the_demo_log_have_chinese_labels(site):
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    types = set(AuditEntry.objects.exclude(object_type="").values_list("object_type", flat=True))
    assert {"draw.announce", "draw.reveal"} <= actions
    for code in actions:
        assert re.search(r"[\u4e00-\u9fff]", labels.action_label(code)), code
        assert code not in labels.action_label(code)
    for code in types:
        assert re.search(r"[\u4e00-\u9fff]", labels.model_label(code)), code


def test_rates_are_shown_as_percent():
    assert labels.percent(100) == "1%"
    assert labels.percent(250) == "2.5%"
    assert labels.percent(1000) == "10%"


def test_no_page_shows_an_untranslated_code_or_a_dashed_filter(client, site):
    office, objects = site
    client.force_login(office)
    objects["token"] = upload_with_errors(client)
    pages = site_pages(objects)
    assert not pages.unfilled, f"pages the walk cannot reach: {pages.unfilled}"
    codes = dict(choice_codes())
    for entry in AuditEntry.objects.all():
        codes.setdefault(entry.action, labels.action_label(entry.action))
        if entry.object_type:
            codes.setdefault(entry.object_type, labels.model_label(entry.object_type))
    problems = {}
    checked = 0
    for url in pages.urls:
        resp = client.get(url)
        if resp.status_code != 200 or "text/html" not in resp.get("Content-Type", ""):
            continue
        checked += 1
        page = resp.content.decode()
        found = untranslated(visible_text(page), codes)
        if "‱" in page:
            found.add("‱")
        for form in re.findall(r'(?is)<form[^>]*method="get".*?</form>', page):
            if "---------" in form:
                found.add("---------")
        if found:
            problems[url] = sorted(found)
    assert checked >= 20, pages.urls
    assert problems == {}
