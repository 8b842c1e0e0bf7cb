from __future__ import annotations

from django.core.paginator import Paginator
from django.shortcuts import render

from shuangsuiji.core.access import staff_view

from .models import AuditEntry


@staff_view("audit.view")
def entry_list(request):
    qs = AuditEntry.objects.order_by("-seq")
    action = request.GET.get("action", "").strip()
    q = request.GET.get("q", "").strip()
    if action:
        qs = qs.filter(action=action)
    if q:
        qs = qs.filter(object_repr__icontains=q) | qs.filter(actor_name__icontains=q)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    actions = AuditEntry.objects.order_by("action").values_list("action", flat=True).distinct()
    return render(
        request,
        "audit/list.html",
        {
            "title": "审计日志",
            "page": page,
            "actions": actions,
            "action": action,
            "q": q,
            "breadcrumbs": [
                ("工作台", "/staff/"),
                ("系统管理", "/staff/system/"),
                ("审计日志", None),
            ],
        },
    )
