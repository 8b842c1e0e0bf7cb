"""Check-item pages (抽查事项清单): list grouped by department, create, edit."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse

from shuangsuiji.core.access import staff_view

from . import access, services
from .forms import CheckItemFilterForm, CheckItemForm, departments_changeable_by
from .models import CheckItem
from .views import add_service_error, crumbs, items_visible_to, url_or_none

CHANGE = "registries.change_checkitem"


def _get_item_for_user(request, pk: int, action: str = access.VIEW) -> CheckItem:
    """The item if in the user's scope (else 404) and ``action`` is allowed (else 403)."""
    return access.get_check_item_for(request.user, pk, action)


@staff_view("registries.view")
def checkitem_list(request):
    user = request.user
    form = CheckItemFilterForm(request.GET, user=user)
    form.is_valid()
    data = form.cleaned_data
    qs = items_visible_to(user).select_related("department")
    if data.get("department"):
        qs = qs.filter(department=data["department"])
    if data.get("active"):
        qs = qs.filter(active=data["active"] == "1")
    page = Paginator(qs.order_by("department__code", "code"), 200).get_page(request.GET.get("page"))
    for item in page:
        item.may_change = user.has_perm(CHANGE, item)
    return render(
        request,
        "registries/checkitem_list.html",
        {
            "title": "抽查事项清单",
            "form": form,
            "page": page,
            "can_create": departments_changeable_by(user).exists(),
            "export_url": url_or_none("registries:export", kind="items"),
            "breadcrumbs": crumbs(("抽查事项", None)),
        },
    )


def _form_page(request, form, title: str, cancel_url: str, last_crumb: str):
    return render(
        request,
        "registries/form.html",
        {
            "title": title,
            "form": form,
            "cancel_url": cancel_url,
            "breadcrumbs": crumbs(
                ("抽查事项", reverse("registries:checkitem-list")), (last_crumb, None)
            ),
        },
    )


@staff_view("registries.view")
def checkitem_create(request):
    user = request.user
    if not departments_changeable_by(user).exists():
        raise PermissionDenied("您没有新增抽查事项的权限。")
    form = CheckItemForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        try:
            item = services.create_check_item(user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, f"已新增抽查事项：{item}")
            return redirect("registries:checkitem-list")
    return _form_page(request, form, "新增抽查事项", reverse("registries:checkitem-list"), "新增")


@staff_view("registries.view")
def checkitem_edit(request, pk: int):
    user = request.user
    item = _get_item_for_user(request, pk, access.CHANGE)
    form = CheckItemForm(request.POST or None, user=user, instance=item)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_check_item(user, item, **form.cleaned_data)
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, f"已保存抽查事项：{item}")
            return redirect("registries:checkitem-list")
    return _form_page(
        request, form, f"编辑抽查事项：{item.code}", reverse("registries:checkitem-list"), "编辑"
    )
