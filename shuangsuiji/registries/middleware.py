"""Keep the cached risk class (``Entity.risk_class``) in step with the calendar.

A rating entered with a future effective date comes into force on that day without
anyone touching the entity; the first request of each day (per process) refreshes the
entities whose cache is stale. One query when nothing is due.
"""

from __future__ import annotations

import datetime
import logging

from django.db import DatabaseError
from django.utils import timezone

log = logging.getLogger(__name__)
_refreshed_on: datetime.date | None = None


def refresh_once_a_day() -> None:
    global _refreshed_on
    today = timezone.localdate()
    if _refreshed_on == today:
        return
    from .services import refresh_due_risk_classes

    try:
        changed = refresh_due_risk_classes(today)
    except DatabaseError:  # busy or not migrated yet: try again on the next request
        log.warning("risk class cache refresh skipped", exc_info=True)
        return
    _refreshed_on = today
    if changed:
        log.info("risk class cache: %d entities follow ratings now in force", changed)


class RiskClassCache:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        refresh_once_a_day()
        return self.get_response(request)
