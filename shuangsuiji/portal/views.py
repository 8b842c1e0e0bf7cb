"""Public portal (公示门户): no login, read-only. Shows every frozen draw (announced,
revealed, voided) with what the protocol publishes, never the confidential inputs."""

from __future__ import annotations

import json

from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone

from shuangsuiji.audit import services as audit_services
from shuangsuiji.audit.models import ChainHead
from shuangsuiji.core.access import public_view
from shuangsuiji.drawengine import canonical_json
from shuangsuiji.plans import presenters
from shuangsuiji.plans.models import Draw, DrawStatus


def _json(text: str, filename: str) -> HttpResponse:
    response = HttpResponse(text.encode("utf-8"), content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["Access-Control-Allow-Origin"] = "*"
    return response


def _draw(code: str) -> Draw:
    return get_object_or_404(
        Draw.objects.public().select_related("task__initiating_department"), code=code
    )


@public_view
def index(request):
    draws = Draw.objects.public().order_by("-announced_at", "-pk")
    status = request.GET.get("status", "")
    if status in DrawStatus.values:
        draws = draws.filter(status=status)
    page = Paginator(draws, 30).get_page(request.GET.get("page"))
    return render(
        request,
        "portal/index.html",
        {
            "title": "公示门户",
            "page": page,
            "status": status,
            "statuses": DrawStatus.choices,
        },
    )


@public_view
def draw_detail(request, code: str):
    draw = _draw(code)
    return render(
        request,
        "portal/draw.html",
        {**presenters.context(draw), "title": f"抽取公告 {draw.code}"},
    )


@public_view
def announcement_json(request, code: str):
    """The frozen announcement as canonical JSON: its SHA-256 is the published digest."""
    draw = _draw(code)
    return _json(canonical_json(draw.announcement), f"{draw.code}-announcement.json")


@public_view
def record_json(request, code: str):
    draw = _draw(code)
    if draw.record is None:
        raise Http404("尚未开奖")
    return _json(canonical_json(draw.record), f"{draw.code}-record.json")


@public_view
def record_version_json(request, code: str, number: int):
    """One published version of the record (every version stays public, with its time)."""
    draw = _draw(code)
    version = get_object_or_404(draw.versions, number=number)
    return _json(canonical_json(version.record()), f"{draw.code}-record-v{number}.json")


@public_view
def verify(request):
    return render(request, "portal/verify.html", {"title": "如何自行验证抽取结果"})


@public_view
def audit_heads(request):
    """The daily heads of the audit chain, newest first, for outsiders to keep copies of."""
    page = Paginator(ChainHead.objects.published(), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "portal/audit_heads.html",
        {
            "title": "审计链每日链头",
            "page": page,
            "today": timezone.localdate(),
            "rewinds": audit_services.rewinds(),
            "json_url": request.build_absolute_uri(reverse("portal:audit-heads-json")),
        },
    )


@public_view
def audit_heads_json(request):
    document = json.dumps(audit_services.heads_document(), ensure_ascii=False, indent=1)
    return _json(document, "audit-heads.json")
