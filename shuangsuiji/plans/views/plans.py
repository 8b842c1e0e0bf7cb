"""Plans: list, create, edit, detail, Annex 1 import and export."""

from __future__ import annotations

from urllib.parse import quote

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from shuangsuiji.accounts.permissions import ensure
from shuangsuiji.core.access import staff_view
from shuangsuiji.registries.importing import UploadError
from shuangsuiji.registries.importing.uploads import load_upload, remove_upload, store_upload

from .. import access, annex, annex_check, services
from ..forms import ImportForm, PlanForm, import_options
from ..mission import annex_xlsx
from ..models import Plan
from .common import error_text, get_plan_for_user, report

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
    form = PlanForm(request.POST or None, user=request.user)
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
    plan = get_plan_for_user(request, pk, access.CHANGE)
    form = PlanForm(request.POST or None, instance=Plan.objects.get(pk=plan.pk), user=request.user)
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


ANNEX_KIND = "plan-annex"


def _check_annex_upload(filename: str, size: int) -> None:
    if not filename.lower().endswith(annex.EXTENSIONS):
        raise UploadError("只接受 .xlsx 或 .docx 文件")
    limit = int(settings.SSJ_MAX_UPLOAD_BYTES)
    if size > limit:
        raise UploadError(f"文件过大：{size / 1048576:.1f} MB，最大允许 {limit / 1048576:.0f} MB")
    if size == 0:
        raise UploadError("文件是空的")


@staff_view("plans.change_plan")
def plan_import(request):
    """Step 1: the file and the plan fields; the file waits in the database."""
    ensure(request.user, "plans.change_plan")
    form = ImportForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            _check_annex_upload(upload.name, upload.size)
            annex.read_table(upload, upload.name)  # the guards, before anything is kept
            stored = store_upload(
                request.user, ANNEX_KIND, upload, options=form.options(), check=_check_annex_upload
            )
        except UploadError as exc:
            form.add_error("file", str(exc))
        except ValidationError as exc:
            form.add_error("file", error_text(exc))
        else:
            return redirect("plans:plan-import-preview", token=stored.token)
    return render(
        request,
        "plans/import.html",
        {"title": "导入附件 1", "form": form, "breadcrumbs": _crumbs(("导入附件 1", None))},
    )


def _stored_annex(request, token: str):
    ensure(request.user, "plans.change_plan")
    stored = load_upload(request.user, ANNEX_KIND, token)
    if stored is None:
        raise Http404("上传的文件不存在或已过期，请重新上传")
    return stored


def _check_stored(stored) -> tuple[annex_check.Checked, dict]:
    options = import_options(stored.options)
    try:
        with stored.local_copy() as path:
            checked = annex_check.check_file(path, stored.filename, options["region"])
    except ValidationError as exc:
        checked = annex_check.Checked(issues=[annex.Issue(0, "文件", error_text(exc))])
    return checked, options


def _preview(request, stored, checked, options, status=200, rejected=False):
    return render(
        request,
        "plans/import_preview.html",
        {
            "title": "导入附件 1：预览",
            "stored": stored,
            "checked": checked,
            "options": options,
            "rejected": rejected,
            "breadcrumbs": _crumbs(("导入附件 1", reverse("plans:plan-import")), ("预览", None)),
        },
        status=status,
    )


@staff_view("plans.change_plan")
def plan_import_preview(request, token: str):
    """Step 2: every task row as it will be imported, and every problem by row and column."""
    stored = _stored_annex(request, token)
    checked, options = _check_stored(stored)
    return _preview(request, stored, checked, options)


@staff_view("plans.change_plan")
@require_POST
def plan_import_commit(request, token: str):
    """Step 3: read and check the stored file again, then import it (all or nothing)."""
    stored = _stored_annex(request, token)
    checked, options = _check_stored(stored)
    if not checked.ok:
        return _preview(request, stored, checked, options, status=400, rejected=True)
    try:
        plan = services.import_annex(request.user, checked.rows, **options)
    except ValidationError as exc:
        checked.issues.append(annex.Issue(0, "文件", error_text(exc)))
        return _preview(request, stored, checked, options, status=400, rejected=True)
    remove_upload(stored)
    messages.success(request, f"已导入计划“{plan.title}”，共 {plan.tasks.count()} 个任务")
    return redirect("plans:plan", pk=plan.pk)


@staff_view("plans.view")
def plan_import_sample(request):
    """The mission document's Annex 1 as a sample xlsx to fill in."""
    return _download(annex_xlsx(), XLSX, quote("附件1示例.xlsx"))


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
