from __future__ import annotations

from .navigation import items_for


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    match = getattr(request, "resolver_match", None)
    area = ""
    if match is not None:
        area = {
            "registries": "registries",
            "plans": "plans",
            "inspections": "inspections",
            "reports": "reports",
            "audit": "system",
        }.get(match.namespace, "")
        if match.namespace == "reports" and match.url_name == "publication":
            area = "publication"
        if match.url_name == "home":
            area = "home"
        if match.url_name == "system":
            area = "system"
    return {"nav_items": items_for(user, area)}
