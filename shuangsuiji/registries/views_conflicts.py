"""Conflict pages (回避关系): list, declare, withdraw with a mandatory reason."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse

from shuangsuiji.core.access import staff_view

from . import access, services
from .forms import (
    ConflictDeclareForm,
    ConflictFilterForm,
    ConflictWithdrawForm,
    departments_changeable_by,
)
from .models import Conflict
from .views import add_service_error, conflicts_visible_to, crumbs, paginate, url_or_none
from .views_entities import search_filter

CHANGE = "registries.change_conflict"


def _get_conflict_for_user(request, pk: int, action: str = access.VIEW) -> Conflict:
    """The conflict if in the user's scope (else 404) and ``action`` is allowed (403)."""
    return access.get_conflict_for(request.user, pk, action)


@staff_view("registries.view")
def conflict_list(request):
    user = request.user
    form = ConflictFilterForm(request.GET, user=user)
    form.is_valid()
    data = form.cleaned_data
    qs = conflicts_visible_to(user).select_related("inspector__department", "entity")
    if data.get("department"):
        qs = qs.filter(inspector__department=data["department"])
    if data.get("inspector"):
        qs = qs.filter(inspector=data["inspector"])
    if q := (data.get("entity") or "").strip():
        qs = qs.filter(search_filter(q, prefix="entity__"))
    page = paginate(request, qs.order_by("-declared_on", "-pk"))
    for conflict in page:
        conflict.may_withdraw = user.has_perm(CHANGE, conflict)
    return render(
        request,
        "registries/conflict_list.html",
        {
            "title": "回避关系",
            "form": form,
            "page": page,
            "can_declare": departments_changeable_by(user).exists(),
            "export_url": url_or_none("registries:export", kind="conflicts"),
            "breadcrumbs": crumbs(("回避关系", None)),
        },
    )


@staff_view("registries.view")
def conflict_declare(request):
    user = request.user
    if not departments_changeable_by(user).exists():
        raise PermissionDenied("您没有申报回避关系的权限。")
    initial = {
        "inspector": request.GET.get("inspector") or None,
        "credit_code": request.GET.get("credit_code", ""),
    }
    form = ConflictDeclareForm(request.POST or None, user=user, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            conflict = services.declare_conflict(
                user,
                inspector=data["inspector"],
                entity=data["entity"],
                reason=data["reason"],
                declared_on=data["declared_on"],
            )
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, f"已申报回避关系：{conflict}")
            return redirect("registries:inspector-detail", pk=conflict.inspector_id)
    return render(
        request,
        "registries/form.html",
        {
            "title": "申报回避关系",
            "form": form,
            "cancel_url": reverse("registries:conflict-list"),
            "breadcrumbs": crumbs(
                ("回避关系", reverse("registries:conflict-list")), ("申报", None)
            ),
        },
    )


@staff_view("registries.view")
def conflict_withdraw(request, pk: int):
    conflict = _get_conflict_for_user(request, pk, access.CHANGE)
    form = ConflictWithdrawForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        label = str(conflict)
        inspector_id = conflict.inspector_id
        try:
            services.withdraw_conflict(request.user, conflict, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, f"已撤销回避关系：{label}")
            return redirect("registries:inspector-detail", pk=inspector_id)
    return render(
        request,
        "registries/conflict_withdraw.html",
        {
            "title": "撤销回避关系",
            "conflict": conflict,
            "form": form,
            "breadcrumbs": crumbs(
                ("回避关系", reverse("registries:conflict-list")), ("撤销", None)
            ),
        },
    )
