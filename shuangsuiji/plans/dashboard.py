"""Home-page panels for plans and draws (``templates/core/home.html`` includes them)."""

from __future__ import annotations

from .models import Draw, DrawStatus, Plan


def home_panels(user) -> list[dict]:
    if not user.has_perm("plans.view"):
        return []
    draws = Draw.objects.visible_to(user).select_related("task")
    return [
        {
            "template": "plans/_home_panel.html",
            "plans": Plan.objects.visible_to(user).count(),
            "awaiting": list(draws.filter(status=DrawStatus.ANNOUNCED)[:10]),
            "recent": list(draws.filter(status=DrawStatus.REVEALED)[:5]),
            "can_draw": user.has_perm("plans.run_draw"),
        }
    ]
