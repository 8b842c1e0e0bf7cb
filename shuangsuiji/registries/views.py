"""Directory pages (一单两库): the index and helpers shared by the view modules.

Views parse input and call :mod:`shuangsuiji.registries.services`; reads go through
``visible_to(user)``. Entity, inspector, conflict, check-item and organisation pages
live in ``views_entities``, ``views_inspectors``, ``views_conflicts``, ``views_items``
and ``views_org``.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.paginator import Page, Paginator
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse

from shuangsuiji.core.access import staff_view
from shuangsuiji.core.errors import add_to_form

from .models import CheckItem, Conflict, Entity, Inspector

PAGE_SIZE = 50


def url_or_none(name: str, **kwargs) -> str | None:
    """The URL for ``name``, or None when the route does not exist (yet)."""
    try:
        return reverse(name, kwargs=kwargs or None)
    except NoReverseMatch:
        return None


def crumbs(*trail: tuple[str, str | None]) -> list[tuple[str, str | None]]:
    """Breadcrumbs starting at 工作台 › 一单两库."""
    return [("工作台", reverse("core:home")), ("一单两库", reverse("registries:index")), *trail]


def paginate(request, qs, per_page: int = PAGE_SIZE) -> Page:
    return Paginator(qs, per_page).get_page(request.GET.get("page"))


def add_service_error(form, exc: ValidationError) -> None:
    """Show a service error on the form, on its field when it names one."""
    add_to_form(form, exc)


def conflicts_visible_to(user):
    return Conflict.objects.visible_to(user)


def items_visible_to(user):
    return CheckItem.objects.visible_to(user)


KINDS = (
    ("entities", "检查对象名录库", "registries:entity-list", "registries.import_entities"),
    (
        "inspectors",
        "执法检查人员名录库",
        "registries:inspector-list",
        "registries.import_department_data",
    ),
    ("conflicts", "回避关系", "registries:conflict-list", "registries.import_department_data"),
    ("items", "抽查事项清单", "registries:checkitem-list", "registries.import_department_data"),
)


@staff_view("registries.view")
def index(request):
    user = request.user
    counts = {
        "entities": Entity.objects.visible_to(user).count(),
        "inspectors": Inspector.objects.visible_to(user).count(),
        "conflicts": conflicts_visible_to(user).count(),
        "items": items_visible_to(user).count(),
    }
    sections = []
    for kind, label, list_name, import_perm in KINDS:
        may_import = user.has_perm(import_perm)
        sections.append(
            {
                "kind": kind,
                "label": label,
                "count": counts[kind],
                "list_url": reverse(list_name),
                "import_url": url_or_none("registries:import-start", kind=kind)
                if may_import
                else None,
                "template_url": url_or_none("registries:import-template", kind=kind)
                if may_import
                else None,
                "export_url": url_or_none("registries:export", kind=kind)
                if user.has_perm("registries.export")
                else None,
            }
        )
    return render(
        request,
        "registries/index.html",
        {
            "title": "一单两库",
            "sections": sections,
            "region_url": reverse("registries:region-list"),
            "department_url": reverse("registries:department-list"),
            "breadcrumbs": [("工作台", reverse("core:home")), ("一单两库", None)],
        },
    )
