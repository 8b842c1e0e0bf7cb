"""Organisation pages: regions (行政区划) and departments (部门).

Every staff member may read them; only joint-office admins change them
(``core.change_organisation``, through :mod:`shuangsuiji.core.services`).
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from shuangsuiji.core import services as core_services
from shuangsuiji.core.access import staff_view
from shuangsuiji.core.models import Department, Region

from .forms import DepartmentForm, RegionForm
from .models import Entity, Inspector
from .views import add_service_error, crumbs, paginate

CHANGE = "core.change_organisation"


def _get_region(pk: int) -> Region:
    return get_object_or_404(Region.objects.select_related("parent"), pk=pk)


def _get_department(pk: int) -> Department:
    return get_object_or_404(Department.objects.select_related("region"), pk=pk)


def _get_region_to_change(request, pk: int) -> Region:
    """Regions are read by everyone; only those in the user's region scope change."""
    prefix = request.user.scope_prefix
    qs = Region.objects.filter(code__startswith=prefix).select_related("parent")
    return get_object_or_404(qs, pk=pk)


def _get_department_to_change(request, pk: int) -> Department:
    """Departments are read by everyone; only those in the user's region scope change."""
    prefix = request.user.scope_prefix
    return get_object_or_404(Department.objects.in_scope(prefix).select_related("region"), pk=pk)


def _region_crumbs(*trail):
    return crumbs(("行政区划", reverse("registries:region-list")), *trail)


def _department_crumbs(*trail):
    return crumbs(("部门", reverse("registries:department-list")), *trail)


@staff_view("registries.view")
def region_list(request):
    q = request.GET.get("q", "").strip()
    qs = Region.objects.select_related("parent").order_by("code")
    if q:
        qs = qs.filter(code__startswith=q) if q.isdigit() else qs.filter(name__icontains=q)
    return render(
        request,
        "registries/region_list.html",
        {
            "title": "行政区划",
            "q": q,
            "page": paginate(request, qs, 100),
            "can_change": request.user.has_perm(CHANGE),
            "breadcrumbs": crumbs(("行政区划", None)),
        },
    )


@staff_view("registries.view")
def region_detail(request, pk: int):
    region = _get_region(pk)
    prefix = region.scope_prefix
    return render(
        request,
        "registries/region_detail.html",
        {
            "title": region.name,
            "region": region,
            "children": region.children.order_by("code"),
            "departments": Department.objects.filter(region=region).order_by("code"),
            "entity_count": Entity.objects.visible_to(request.user)
            .filter(region__code__startswith=prefix)
            .count(),
            "can_change": request.user.has_perm(CHANGE),
            "breadcrumbs": _region_crumbs((region.name, None)),
        },
    )


@staff_view(CHANGE)
def region_create(request):
    form = RegionForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            region = core_services.create_region(request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, f"已新增行政区划：{region}")
            return redirect("registries:region-detail", pk=region.pk)
    return render(
        request,
        "registries/form.html",
        {
            "title": "新增行政区划",
            "form": form,
            "cancel_url": reverse("registries:region-list"),
            "breadcrumbs": _region_crumbs(("新增", None)),
        },
    )


@staff_view(CHANGE)
def region_edit(request, pk: int):
    region = _get_region_to_change(request, pk)
    form = RegionForm(request.POST or None, instance=region, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            core_services.update_region(request.user, region, **form.cleaned_data)
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, f"已保存行政区划：{region}")
            return redirect("registries:region-detail", pk=region.pk)
    detail_url = reverse("registries:region-detail", args=[region.pk])
    return render(
        request,
        "registries/form.html",
        {
            "title": f"编辑行政区划：{region.name}",
            "form": form,
            "cancel_url": detail_url,
            "breadcrumbs": _region_crumbs((region.name, detail_url), ("编辑", None)),
        },
    )


@staff_view("registries.view")
def department_list(request):
    qs = (
        Department.objects.select_related("region")
        .annotate(inspector_count=Count("inspectors"))
        .order_by("code")
    )
    return render(
        request,
        "registries/department_list.html",
        {
            "title": "部门",
            "page": paginate(request, qs, 100),
            "can_change": request.user.has_perm(CHANGE),
            "breadcrumbs": crumbs(("部门", None)),
        },
    )


@staff_view("registries.view")
def department_detail(request, pk: int):
    department = _get_department(pk)
    inspectors = Inspector.objects.visible_to(request.user).filter(department=department)
    return render(
        request,
        "registries/department_detail.html",
        {
            "title": department.name,
            "department": department,
            "inspector_count": inspectors.count(),
            "active_inspector_count": inspectors.filter(active=True).count(),
            "item_count": department.check_items.count(),
            "can_change": request.user.has_perm(CHANGE),
            "breadcrumbs": _department_crumbs((department.name, None)),
        },
    )


@staff_view(CHANGE)
def department_create(request):
    form = DepartmentForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            department = core_services.create_department(request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, f"已新增部门：{department}")
            return redirect("registries:department-detail", pk=department.pk)
    return render(
        request,
        "registries/form.html",
        {
            "title": "新增部门",
            "form": form,
            "cancel_url": reverse("registries:department-list"),
            "breadcrumbs": _department_crumbs(("新增", None)),
        },
    )


@staff_view(CHANGE)
def department_edit(request, pk: int):
    department = _get_department_to_change(request, pk)
    form = DepartmentForm(request.POST or None, instance=department, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            core_services.update_department(request.user, department, **form.cleaned_data)
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, f"已保存部门：{department}")
            return redirect("registries:department-detail", pk=department.pk)
    detail_url = reverse("registries:department-detail", args=[department.pk])
    return render(
        request,
        "registries/form.html",
        {
            "title": f"编辑部门：{department.name}",
            "form": form,
            "cancel_url": detail_url,
            "breadcrumbs": _department_crumbs((department.name, detail_url), ("编辑", None)),
        },
    )
