"""Plans: list, create, edit, detail, Annex 1 import and export."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from shuangsuiji.core.access import staff_view

from .. import annex, services
from ..forms import ImportForm, PlanForm
from ..models import Plan
from .common import get_plan_for_user, report

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _crumbs(*extra):
    return [("工作台", reverse("core:home")), ("计划与抽取", reverse("plans:index")), *extra]


@staff_view("plans.view")
def index(request):
    plans = Plan.objects.visible_to(request.user).prefetch_related("tasks")
    return render(
        request,
        "plans/index.html",
        {
            "title": "计划与抽取",
            "plans": plans,
            "can_change": request.user.has_perm("plans.change_plan"),
        },
    )


@staff_view("plans.change_plan")
def plan_create(request):
    form = PlanForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            plan = services.create_plan(request.user, **form.cleaned_data)
        except ValidationError as exc:
            report(request, form, exc)
        else:
            messages.success(request, f"已创建计划“{plan.title}”")
            return redirect("plans:plan", pk=plan.pk)
    return render(
        request,
        "plans/plan_form.html",
        {"title": "新建抽查计划", "form": form, "breadcrumbs": _crumbs(("新建计划", None))},
    )


@staff_view("plans.change_plan")
def plan_edit(request, pk: int):
    plan = get_plan_for_user(request, pk)
    form = PlanForm(request.POST or None, instance=Plan.objects.get(pk=plan.pk))
    if request.method == "POST" and form.is_valid():
        try:
            services.update_plan(request.user, plan, **form.cleaned_data)
        except ValidationError as exc:
            report(request, form, exc)
        else:
            messages.success(request, "计划已保存")
            return redirect("plans:plan", pk=plan.pk)
    return render(
        request,
        "plans/plan_form.html",
        {
            "title": "修改抽查计划",
            "form": form,
            "breadcrumbs": _crumbs(
                (plan.title, reverse("plans:plan", args=[plan.pk])), ("修改", None)
            ),
        },
    )


@staff_view("plans.view")
def plan_detail(request, pk: int):
    plan = get_plan_for_user(request, pk)
    tasks = plan.tasks.select_related("initiating_department").prefetch_related(
        "cooperating_departments", "draws"
    )
    return render(
        request,
        "plans/plan_detail.html",
        {
            "title": plan.title,
            "plan": plan,
            "tasks": tasks,
            "can_change": request.user.has_perm("plans.change_plan"),
            "breadcrumbs": _crumbs((plan.title, None)),
        },
    )


@staff_view("plans.change_plan")
def plan_import(request):
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        upload = data.pop("file")
        try:
            rows = annex.read_rows(upload, upload.name)
            plan = services.import_annex(request.user, rows, **data)
        except ValidationError as exc:
            report(request, form, exc)
        else:
            messages.success(request, f"已导入计划“{plan.title}”，共 {plan.tasks.count()} 个任务")
            return redirect("plans:plan", pk=plan.pk)
    return render(
        request,
        "plans/import.html",
        {"title": "导入附件 1", "form": form, "breadcrumbs": _crumbs(("导入附件 1", None))},
    )


def _download(content: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{filename}"
    return response


@staff_view("plans.view")
def plan_export(request, pk: int, fmt: str):
    if fmt not in ("xlsx", "docx"):
        raise Http404("只提供 xlsx 和 docx")
    plan = get_plan_for_user(request, pk)
    name = f"plan-{plan.year}-{plan.pk}-annex1"
    if fmt == "docx":
        return _download(annex.write_docx(plan), DOCX, f"{name}.docx")
    return _download(annex.write_xlsx(plan), XLSX, f"{name}.xlsx")
