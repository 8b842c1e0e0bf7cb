"""Import (upload → preview → commit) and export pages for the directories."""

from __future__ import annotations

from pathlib import PurePath
from urllib.parse import quote

from django import forms
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from shuangsuiji.accounts.permissions import ensure
from shuangsuiji.core.access import staff_view

from .exporting import export_filename, export_xlsx
from .forms import regions_for
from .importing import Kind, UploadError, import_file, preview_import
from .importing.readers import ALLOWED_EXTENSIONS
from .importing.reports import errors_xlsx, template_xlsx
from .importing.schemas import COLUMNS
from .importing.services import PERMISSIONS, check_upload, default_region, max_upload_bytes
from .importing.uploads import load_upload, remove_upload, store_upload

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PREVIEW_ROWS = 50


def _kind(value: str) -> Kind:
    try:
        return Kind(value)
    except ValueError:
        raise Http404("未知的导入类型") from None


def _xlsx(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{_quote(filename)}"
    return response


def _quote(filename: str) -> str:
    return quote(filename)


def _crumbs(kind: Kind, last: str) -> list:
    return [
        ("工作台", reverse("core:home")),
        ("一单两库", reverse("registries:index")),
        (f"导入{kind.label}", reverse("registries:import-start", args=[kind.value])),
        (last, None),
    ]


class UploadForm(forms.Form):
    file = forms.FileField(label="文件", help_text="支持 .xlsx、.xls、.csv（UTF-8 或 GBK 编码）")
    region = forms.ChoiceField(label="默认行政区划", required=False)

    def __init__(self, *args, kind: Kind, user, **kwargs):
        super().__init__(*args, **kwargs)
        if kind != Kind.ENTITIES:
            del self.fields["region"]
            return
        field = self.fields["region"]
        field.choices = [("", "（不指定）")] + [
            (r.code, f"{r.code} {r.name}") for r in regions_for(user)
        ]
        field.help_text = "文件中未填写“行政区划”的新检查对象归入此区划"
        region, _ = default_region(user, None)
        field.initial = region.code if region else ""

    def clean_file(self):
        uploaded = self.cleaned_data["file"]
        try:
            check_upload(uploaded.name, uploaded.size)
        except UploadError as exc:
            raise forms.ValidationError(str(exc)) from None
        return uploaded


@staff_view("registries.import_department_data")
def import_start(request, kind):
    kind = _kind(kind)
    ensure(request.user, PERMISSIONS[kind])
    form = UploadForm(request.POST or None, request.FILES or None, kind=kind, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            stored = store_upload(
                request.user, kind.value, form.cleaned_data["file"], form.cleaned_data.get("region")
            )
        except UploadError as exc:
            form.add_error("file", str(exc))
        else:
            return redirect("registries:import-preview", kind=kind.value, token=stored.token)
    return render(
        request,
        "registries/io/upload.html",
        {
            "title": f"导入{kind.label}",
            "kind": kind,
            "form": form,
            "columns": COLUMNS[kind],
            "extensions": "、".join(ALLOWED_EXTENSIONS),
            "max_mb": max_upload_bytes() // 1048576,
            "breadcrumbs": _crumbs(kind, "上传文件")[:-1] + [("上传文件", None)],
        },
    )


def _stored(request, kind: Kind, token: str):
    ensure(request.user, PERMISSIONS[kind])
    stored = load_upload(request.user, kind.value, token)
    if stored is None:
        raise Http404("上传的文件不存在或已过期，请重新上传")
    return stored


def _changed_labels(kind: Kind, planned) -> str:
    labels = {c.key: c.label for c in COLUMNS[kind]}
    names = [labels.get(key.removesuffix("_id"), key) for key in planned.changed]
    if planned.extra.get("new_rating"):
        names.append("风险等级（新增评级记录）")
    return "、".join(names)


def _preview_context(kind: Kind, stored, plan) -> dict:
    rows = [(r, _changed_labels(kind, r)) for r in plan.rows[:PREVIEW_ROWS]]
    return {
        "title": f"导入{kind.label}：预览",
        "kind": kind,
        "stored": stored,
        "plan": plan,
        "counts": plan.counts,
        "rows": rows,
        "more_rows": max(0, len(plan.rows) - PREVIEW_ROWS),
        "errors": plan.sorted_errors(),
        "warnings": sorted(plan.warnings, key=lambda i: i.row),
        "breadcrumbs": _crumbs(kind, "预览"),
    }


@staff_view("registries.import_department_data")
def import_preview(request, kind, token):
    kind = _kind(kind)
    stored = _stored(request, kind, token)
    with stored.local_copy() as path:
        plan = preview_import(
            request.user, kind, path, stored.filename, region_code=stored.region_code or None
        )
    return render(request, "registries/io/preview.html", _preview_context(kind, stored, plan))


@staff_view("registries.import_department_data")
@require_POST
def import_commit(request, kind, token):
    kind = _kind(kind)
    stored = _stored(request, kind, token)
    with stored.local_copy() as path:
        plan = import_file(
            request.user, kind, path, stored.filename, region_code=stored.region_code or None
        )
    if not plan.committed:
        context = _preview_context(kind, stored, plan)
        context["rejected"] = True
        return render(request, "registries/io/preview.html", context, status=400)
    remove_upload(stored)
    return render(
        request,
        "registries/io/result.html",
        {
            "title": f"导入{kind.label}：完成",
            "kind": kind,
            "plan": plan,
            "counts": plan.counts,
            "breadcrumbs": _crumbs(kind, "完成"),
        },
    )


@staff_view("registries.import_department_data")
def import_errors(request, kind, token):
    kind = _kind(kind)
    stored = _stored(request, kind, token)
    with stored.local_copy() as path:
        plan = preview_import(
            request.user, kind, path, stored.filename, region_code=stored.region_code or None
        )
    return _xlsx(errors_xlsx(plan), f"错误报告-{PurePath(stored.filename).stem}.xlsx")


@staff_view("registries.view")
def import_template(request, kind):
    kind = _kind(kind)
    return _xlsx(template_xlsx(kind), f"{kind.label}导入模板.xlsx")


@staff_view("registries.export")
def export(request, kind):
    kind = _kind(kind)
    _count, content = export_xlsx(request.user, kind)
    return _xlsx(content, export_filename(kind))
