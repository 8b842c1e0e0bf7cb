"""The portal's audit heads page in a real browser: readable on a phone, no CSP violation."""

import pytest
import time_machine
from django.db import transaction
from django.urls import reverse

from shuangsuiji.audit.services import record
from shuangsuiji.core.actors import SystemActor

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def heads():
    entries = []
    for day in ("2026-03-02", "2026-03-03"):
        with time_machine.travel(f"{day} 10:00 +0800", tick=False), transaction.atomic():
            entries.append(record(SystemActor(), "test.action", data={"day": day}))
    return entries


@pytest.mark.parametrize("viewport", ["page", "phone"])
def test_the_heads_page_shows_every_full_hash_without_console_errors(
    request, viewport, live_server, heads, screenshots_dir
):
    tab = request.getfixturevalue(viewport)
    messages = []
    tab.on("console", lambda m: messages.append(m.text) if m.type in {"error", "warning"} else None)
    tab.goto(f"{live_server.url}{reverse('portal:audit-heads')}")
    text = tab.inner_text("#heads")
    assert heads[0].entry_hash in text and heads[1].entry_hash in text
    tab.screenshot(path=str(screenshots_dir / f"portal-audit-heads-{viewport}.png"), full_page=True)
    assert not [m for m in messages if "Content Security Policy" in m or "Refused" in m]
    assert messages == []
