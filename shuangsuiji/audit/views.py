from __future__ import annotations

import datetime
import io

from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from openpyxl import Workbook

from shuangsuiji.core.access import staff_view
from shuangsuiji.core.labels import action_label, model_label
from shuangsuiji.core.xlsx import safe_cell

from .chain import canonical_json
from .models import AuditEntry
from .services import record

EXPORT_LIMIT = 200_000
COLUMNS = (
    "序号",
    "时间",
    "操作人",
    "部门",
    "操作",
    "对象类型",
    "对象编号",
    "对象",
    "变更前摘要",
    "变更后摘要",
    "详情",
    "上一条哈希",
    "本条哈希",
)


def _parse_date(value: str) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(value) if value else None
    except ValueError:
        return None


def _filtered(request):
    qs = AuditEntry.objects.visible_to(request.user).order_by("-seq")
    params = {
        k: request.GET.get(k, "").strip()
        for k in ("action", "q", "department", "object_type", "start", "end")
    }
    if params["action"]:
        qs = qs.filter(action=params["action"])
    if params["department"]:
        qs = qs.filter(department=params["department"])
    if params["object_type"]:
        qs = qs.filter(object_type=params["object_type"])
    if params["q"]:
        q = params["q"]
        qs = qs.filter(Q(object_repr__icontains=q) | Q(actor_name__icontains=q) | Q(object_id=q))
    start, end = _parse_date(params["start"]), _parse_date(params["end"])
    if start:
        qs = qs.filter(
            at__gte=timezone.make_aware(datetime.datetime.combine(start, datetime.time.min))
        )
    if end:
        qs = qs.filter(
            at__lte=timezone.make_aware(datetime.datetime.combine(end, datetime.time.max))
        )
    return qs, params


def _distinct(user, field: str):
    qs = AuditEntry.objects.visible_to(user).order_by(field)
    return qs.values_list(field, flat=True).distinct()


@staff_view("audit.view")
def entry_list(request):
    qs, params = _filtered(request)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "audit/list.html",
        {
            "title": "审计日志",
            "page": page,
            "params": params,
            "actions": _distinct(request.user, "action"),
            "departments": [d for d in _distinct(request.user, "department") if d],
            "object_types": [t for t in _distinct(request.user, "object_type") if t],
            "export_query": request.GET.urlencode(),
            "breadcrumbs": [
                ("工作台", "/staff/"),
                ("系统管理", "/staff/system/"),
                ("审计日志", None),
            ],
        },
    )


@staff_view("audit.view")
def entry_export(request):
    """The filtered log as xlsx (text cells neutralised against formula injection)."""
    qs, _ = _filtered(request)
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("审计日志")
    ws.append(list(COLUMNS))
    count = 0
    for e in qs[:EXPORT_LIMIT].iterator(chunk_size=2000):
        ws.append(
            [
                e.seq,
                timezone.localtime(e.at).strftime("%Y-%m-%d %H:%M:%S"),
                *(
                    safe_cell(v)
                    for v in (
                        e.actor_name,
                        e.department,
                        action_label(e.action),
                        model_label(e.object_type) if e.object_type else "",
                        e.object_id,
                        e.object_repr,
                    )
                ),
                e.before_digest,
                e.after_digest,
                safe_cell(canonical_json(e.data)),
                e.prev_hash,
                e.entry_hash,
            ]
        )
        count += 1
    buffer = io.BytesIO()
    wb.save(buffer)
    with transaction.atomic():
        record(request.user, "audit.export", data={"rows": count, "filters": request.GET.dict()})
    response = HttpResponse(
        buffer.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="audit-{stamp}.xlsx"'
    return response
