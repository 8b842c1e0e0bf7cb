"""Inspector pages (执法检查人员名录库): list, detail, create, edit, unavailable periods."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from shuangsuiji.core.access import staff_view

from . import access, services
from .forms import (
    InspectorFilterForm,
    InspectorForm,
    UnavailabilityForm,
    departments_changeable_by,
)
from .models import Inspector
from .views import add_service_error, crumbs, paginate, url_or_none

CHANGE = "registries.change_inspector"


def _get_inspector_for_user(request, pk: int, action: str = access.VIEW) -> Inspector:
    """The inspector if in the user's scope (else 404) and ``action`` is allowed (403)."""
    return access.get_inspector_for(request.user, pk, action)


def _require_some_department(user) -> None:
    if not departments_changeable_by(user).exists():
        raise PermissionDenied("您没有登记执法检查人员的权限。")


@staff_view("registries.view")
def inspector_list(request):
    user = request.user
    form = InspectorFilterForm(request.GET, user=user)
    form.is_valid()
    data = form.cleaned_data
    today = timezone.localdate()
    qs = Inspector.objects.visible_to(user).select_related("department")
    if q := (data.get("q") or "").strip():
        qs = qs.filter(Q(name__icontains=q) | Q(certificate_no__icontains=q))
    if data.get("department"):
        qs = qs.filter(department=data["department"])
    for field in ("may_lead", "active"):
        if data.get(field):
            qs = qs.filter(**{field: data[field] == "1"})
    if data.get("certified") == "1":
        qs = qs.certified_on(today)
    elif data.get("certified") == "0":
        qs = qs.exclude(pk__in=Inspector.objects.certified_on(today).values("pk"))
    page = paginate(request, qs.order_by("department__code", "certificate_no"))
    for inspector in page:
        inspector.certified_today = inspector.certificate_valid_on(today)
    return render(
        request,
        "registries/inspector_list.html",
        {
            "title": "执法检查人员名录库",
            "form": form,
            "page": page,
            "can_create": departments_changeable_by(user).exists(),
            "export_url": url_or_none("registries:export", kind="inspectors"),
            "breadcrumbs": crumbs(("执法检查人员", None)),
        },
    )


def _detail(request, inspector: Inspector, unavailable_form=None, status=200):
    user = request.user
    today = timezone.localdate()
    can_change = user.has_perm(CHANGE, inspector)
    if unavailable_form is None and can_change:
        unavailable_form = UnavailabilityForm()
    return render(
        request,
        "registries/inspector_detail.html",
        {
            "title": inspector.name,
            "inspector": inspector,
            "today": today,
            "certified_today": inspector.certificate_valid_on(today),
            "periods": inspector.unavailable_periods.order_by("-start"),
            "conflicts": inspector.conflicts.select_related("entity").order_by("entity__name"),
            "items": inspector.check_items.select_related("department").order_by("code"),
            "can_change": can_change,
            "can_change_conflicts": user.has_perm("registries.change_conflict", inspector),
            "unavailable_form": unavailable_form,
            "breadcrumbs": crumbs(
                ("执法检查人员", reverse("registries:inspector-list")), (inspector.name, None)
            ),
        },
        status=status,
    )


@staff_view("registries.view")
def inspector_detail(request, pk: int):
    return _detail(request, _get_inspector_for_user(request, pk))


@staff_view("registries.view")
def inspector_create(request):
    user = request.user
    _require_some_department(user)
    form = InspectorForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        try:
            inspector = services.create_inspector(user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, f"已登记执法检查人员：{inspector.name}")
            return redirect("registries:inspector-detail", pk=inspector.pk)
    return render(
        request,
        "registries/form.html",
        {
            "title": "登记执法检查人员",
            "form": form,
            "cancel_url": reverse("registries:inspector-list"),
            "breadcrumbs": crumbs(
                ("执法检查人员", reverse("registries:inspector-list")), ("登记", None)
            ),
        },
    )


@staff_view("registries.view")
def inspector_edit(request, pk: int):
    user = request.user
    inspector = _get_inspector_for_user(request, pk, access.CHANGE)
    form = InspectorForm(request.POST or None, user=user, instance=inspector)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_inspector(user, inspector, **form.cleaned_data)
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, f"已保存执法检查人员：{inspector.name}")
            return redirect("registries:inspector-detail", pk=inspector.pk)
    detail_url = reverse("registries:inspector-detail", args=[inspector.pk])
    return render(
        request,
        "registries/form.html",
        {
            "title": f"编辑执法检查人员：{inspector.name}",
            "form": form,
            "cancel_url": detail_url,
            "breadcrumbs": crumbs(
                ("执法检查人员", reverse("registries:inspector-list")),
                (inspector.name, detail_url),
                ("编辑", None),
            ),
        },
    )


@staff_view("registries.view")
@require_POST
def inspector_unavailable_add(request, pk: int):
    inspector = _get_inspector_for_user(request, pk, access.CHANGE)
    form = UnavailabilityForm(request.POST)
    if form.is_valid():
        try:
            period = services.add_unavailability(request.user, inspector, **form.cleaned_data)
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, f"已登记不可用时段：{period}")
            return redirect("registries:inspector-detail", pk=inspector.pk)
    return _detail(request, inspector, unavailable_form=form, status=400)


@staff_view("registries.view")
@require_POST
def inspector_unavailable_remove(request, pk: int, period_pk: int):
    inspector = _get_inspector_for_user(request, pk, access.CHANGE)
    period = access.get_period_for(request.user, inspector, period_pk)
    services.remove_unavailability(request.user, period)
    messages.success(request, f"已删除不可用时段：{period.start} 至 {period.end}")
    return redirect("registries:inspector-detail", pk=inspector.pk)
