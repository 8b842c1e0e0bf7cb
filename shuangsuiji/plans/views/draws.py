"""The draw ceremony pages: announce, reveal, substitute, change inspector, void, JSON."""

from __future__ import annotations

import json

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from shuangsuiji.core.access import staff_view
from shuangsuiji.core.errors import add_to_form
from shuangsuiji.drawengine import INSPECTOR_CHANGE_REASONS, canonical_json
from shuangsuiji.inspections.models import Inspection

from .. import draws as draw_services
from .. import engine, presenters, substitutions
from ..forms import (
    AnnounceForm,
    InspectorChangeForm,
    ProposeSubstitutionForm,
    RevealForm,
    ReviewSubstitutionForm,
    SubstituteForm,
    VoidForm,
)
from ..models import ProposalStatus
from .common import error_text, get_draw_for_user, get_task_for_user
from .tasks import render_task_detail


def json_download(data, filename: str, *, canonical: bool = False) -> HttpResponse:
    text = canonical_json(data) if canonical else json.dumps(data, ensure_ascii=False, indent=2)
    response = HttpResponse(text.encode("utf-8"), content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require_POST
@staff_view("plans.run_draw")
def announce(request, task_pk: int):
    task = get_task_for_user(request, task_pk)
    form = AnnounceForm(request.POST)
    if form.is_valid():
        try:
            draw = draw_services.freeze_announcement(request.user, task, **form.cleaned_data)
        except ValidationError as exc:
            add_to_form(form, exc)
    if form.errors:
        # Show the page again with what the user typed and each error on its field.
        return render_task_detail(request, task, announce_form=form)
    messages.success(request, f"公告已冻结并在公示门户公开：摘要 {draw.announcement_digest}")
    return redirect("plans:draw", pk=draw.pk)


def _teams(draw):
    return (
        Inspection.objects.filter(draw=draw)
        .select_related("entity")
        .prefetch_related("team__inspector", "team__department", "team__approved_by")
        .order_by("status", "stratum", "ticket")
    )


@staff_view("plans.view")
def draw_detail(request, pk: int):
    draw = get_draw_for_user(request, pk)
    can_draw = request.user.has_perm("plans.run_draw")
    return render(
        request,
        "plans/draw_detail.html",
        {
            **presenters.context(draw),
            "title": f"抽取 {draw.code}",
            "task": draw.task,
            "inspections": _teams(draw) if draw.record else [],
            "can_draw": can_draw,
            "reveal_form": RevealForm() if can_draw else None,
            "substitute_form": SubstituteForm() if can_draw else None,
            "propose_form": ProposeSubstitutionForm() if can_draw else None,
            "proposals": draw.proposals.select_related("proposed_by", "decided_by"),
            "can_review": request.user.has_perm("plans.review_substitution"),
            "change_reasons": sorted(INSPECTOR_CHANGE_REASONS.items()),
            "void_form": VoidForm() if can_draw else None,
            "breadcrumbs": [
                ("工作台", reverse("core:home")),
                ("计划与抽取", reverse("plans:index")),
                (draw.task.plan.title, reverse("plans:plan", args=[draw.task.plan_id])),
                (draw.task.name, reverse("plans:task", args=[draw.task_id])),
                (draw.code, None),
            ],
        },
    )


def _post(request, pk: int, form_class, action, success: str):
    draw = get_draw_for_user(request, pk)
    form = form_class(request.POST)
    if not form.is_valid():
        messages.error(request, "；".join(e for errs in form.errors.values() for e in errs))
        return redirect("plans:draw", pk=draw.pk)
    try:
        action(draw, form.cleaned_data)
    except ValidationError as exc:
        messages.error(request, error_text(exc))
    else:
        messages.success(request, success)
    return redirect("plans:draw", pk=draw.pk)


@require_POST
@staff_view("plans.run_draw")
def reveal(request, pk: int):
    return _post(
        request,
        pk,
        RevealForm,
        lambda d, c: draw_services.reveal_draw(request.user, d, beacon=c["beacon"]),
        "已开奖：抽取结果与检查组已生成",
    )


@require_POST
@staff_view("plans.run_draw")
def substitute(request, pk: int):
    return _post(
        request,
        pk,
        SubstituteForm,
        lambda d, c: substitutions.substitute_entity(
            request.user, d, entity=c["entity"].strip().upper(), reason=c["reason"]
        ),
        "已按替补顺序替换检查对象",
    )


@require_POST
@staff_view("plans.run_draw")
def propose_substitution(request, pk: int):
    return _post(
        request,
        pk,
        ProposeSubstitutionForm,
        lambda d, c: substitutions.propose_substitution(
            request.user,
            d,
            entity=c["entity"].strip().upper(),
            reason=c["reason"],
            evidence=c["evidence"],
        ),
        "替补申请已提交，待其他部门管理员复核",
    )


@require_POST
@staff_view("plans.review_substitution")
def review_substitution(request, pk: int):
    def action(draw, data):
        proposal = get_object_or_404(
            draw.proposals, pk=data["proposal"], status=ProposalStatus.PENDING
        )
        if data["decision"] == "approve":
            substitutions.approve_substitution(request.user, proposal, note=data["note"])
        else:
            substitutions.reject_substitution(request.user, proposal, note=data["note"])

    return _post(request, pk, ReviewSubstitutionForm, action, "已记录复核结果")


@require_POST
@staff_view("plans.run_draw")
def change_inspector(request, pk: int):
    def action(draw, data):
        inspection = get_object_or_404(Inspection, pk=data["inspection"], draw=draw)
        draw_services.change_inspector(
            request.user,
            inspection,
            outgoing=data["outgoing"].strip(),
            reason=data["reason"],
            note=data["note"],
        )

    return _post(request, pk, InspectorChangeForm, action, "已按抽取顺序更换执法人员")


@require_POST
@staff_view("plans.run_draw")
def void(request, pk: int):
    return _post(
        request,
        pk,
        VoidForm,
        lambda d, c: draw_services.void_draw(request.user, d, reason=c["reason"]),
        "抽取已作废；如需重新抽取，请使用新的编号重新公告",
    )


@staff_view("plans.view")
def record_json(request, pk: int):
    draw = get_draw_for_user(request, pk)
    if draw.record is None:
        raise Http404("尚未开奖")
    return json_download(draw.record, f"{draw.code}-record.json")


@staff_view("plans.view_draw_inputs")
def inputs_csv(request, pk: int, which: str):
    """The frozen pool or conflict list (internal; for auditors' recomputation)."""
    draw = get_draw_for_user(request, pk)
    if which not in ("inspectors", "conflicts"):
        raise Http404("未知文件")
    text = engine.inspectors_csv(draw) if which == "inspectors" else engine.conflicts_csv(draw)
    response = HttpResponse(text.encode("utf-8"), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{draw.code}-{which}-internal.csv"'
    return response
