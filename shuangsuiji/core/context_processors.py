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
            "audit": "system",
        }.get(match.namespace, "")
        if match.url_name and match.url_name.startswith("area-"):
            area = match.url_name[5:]
        if match.url_name == "home":
            area = "home"
        if match.url_name == "system":
            area = "system"
    return {"nav_items": items_for(user, area)}
