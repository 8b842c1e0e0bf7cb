from __future__ import annotations

from django.apps import apps
from django.shortcuts import render

from .access import staff_view


@staff_view()
def home(request):
    user = request.user
    Entity = apps.get_model("registries", "Entity")
    Inspector = apps.get_model("registries", "Inspector")
    CheckItem = apps.get_model("registries", "CheckItem")
    counts = {
        "entities": Entity.objects.visible_to(user).count(),
        "inspectors": Inspector.objects.visible_to(user).filter(active=True).count(),
        "items": CheckItem.objects.filter(
            active=True, department__region__code__startswith=user.scope_prefix
        ).count(),
    }
    extra = []
    try:
        from shuangsuiji.plans.dashboard import home_panels
    except ImportError:
        home_panels = None
    if home_panels is not None:
        extra = home_panels(user)
    # A superuser on a fresh installation is pointed at the first-run page (开通区县).
    Department = apps.get_model("core", "Department")
    first_run = user.is_superuser and not Department.objects.filter(is_joint_office=True).exists()
    context = {"counts": counts, "panels": extra, "title": "工作台", "first_run": first_run}
    return render(request, "core/home.html", context)


@staff_view("audit.view")
def system(request):
    return render(
        request,
        "core/system.html",
        {
            "title": "系统管理",
            "breadcrumbs": [("工作台", "/staff/"), ("系统管理", None)],
        },
    )
