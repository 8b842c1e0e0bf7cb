"""Entity pages (检查对象名录库): list, detail with rating history, create, edit, rate."""

from __future__ import annotations

from django.contrib import messages
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from shuangsuiji import creditcode
from shuangsuiji.core.access import staff_view

from . import access, services
from .forms import (
    CreditCodeCorrectionForm,
    EntityCreateForm,
    EntityFilterForm,
    EntityForm,
    RatingForm,
    departments_changeable_by,
)
from .models import Entity
from .views import add_service_error, crumbs, paginate, url_or_none

HISTORY_ROWS = 20
INDUSTRY_CACHE_SECONDS = 300


def industry_options() -> list[str]:
    """Industry names for the filter's suggestions (a full index scan, so cached)."""

    def load() -> list[str]:
        qs = Entity.objects.exclude(industry="").order_by("industry")
        return list(qs.values_list("industry", flat=True).distinct()[:200])

    return cache.get_or_set("registries:industry-options", load, INDUSTRY_CACHE_SECONDS)


def _get_entity_for_user(request, pk: int, action: str = access.VIEW) -> Entity:
    """The entity if it is in the user's scope (else 404) and ``action`` is allowed (403)."""
    return access.get_entity_for(request.user, pk, action)


def search_filter(q: str, prefix: str = "") -> Q:
    """Name contains ``q``; a code-like ``q`` also matches credit codes containing it.

    ``prefix`` names the relation when searching from another model (``"entity__"``).
    """
    code = creditcode.normalize(q)
    if code.isascii() and code.isalnum():
        if len(code) == 18:
            return Q(**{f"{prefix}credit_code": code})
        return Q(**{f"{prefix}credit_code__contains": code}) | Q(**{f"{prefix}name__icontains": q})
    return Q(**{f"{prefix}name__icontains": q})


@staff_view("registries.view")
def entity_list(request):
    user = request.user
    form = EntityFilterForm(request.GET, user=user)
    form.is_valid()
    data = form.cleaned_data
    qs = Entity.objects.visible_to(user).select_related("region")
    if q := (data.get("q") or "").strip():
        qs = qs.filter(search_filter(q))
    if data.get("risk_class"):
        qs = qs.filter(risk_class=data["risk_class"])
    if data.get("status"):
        qs = qs.filter(status=data["status"])
    if data.get("region"):
        qs = qs.filter(region__code__startswith=data["region"].scope_prefix)
    if industry := (data.get("industry") or "").strip():
        qs = qs.filter(industry=industry)
    page = paginate(request, qs.order_by("credit_code"))
    return render(
        request,
        "registries/entity_list.html",
        {
            "title": "检查对象名录库",
            "form": form,
            "page": page,
            "industries": industry_options(),
            "can_create": user.has_perm("registries.change_entity"),
            "export_url": url_or_none("registries:export", kind="entities"),
            "breadcrumbs": crumbs(("检查对象", None)),
        },
    )


def _history_rows(entity: Entity) -> list[dict]:
    rows = []
    records = list(entity.history.select_related("history_user").order_by("-history_date", "-pk"))
    for i, rec in enumerate(records[:HISTORY_ROWS]):
        changes = []
        prev = records[i + 1] if i + 1 < len(records) else None
        if prev is not None and rec.history_type == "~":
            for change in rec.diff_against(prev).changes:
                field = Entity._meta.get_field(change.field)
                changes.append(f"{field.verbose_name}：{change.old or '（空）'} → {change.new}")
        rows.append(
            {
                "at": rec.history_date,
                "user": rec.history_user,
                "type": {"+": "创建", "~": "修改", "-": "删除"}.get(rec.history_type, ""),
                "changes": changes,
            }
        )
    return rows


def _detail(request, entity: Entity, rating_form: RatingForm | None = None, status=200):
    user = request.user
    today = timezone.localdate()
    can_change = user.has_perm("registries.change_entity", entity)
    if rating_form is None and can_change:
        rating_form = RatingForm(initial={"effective_date": today})
    return render(
        request,
        "registries/entity_detail.html",
        {
            "title": entity.name,
            "entity": entity,
            "today": today,
            "ratings": entity.ratings.select_related("created_by").order_by(
                "-effective_date", "-pk"
            ),
            "conflicts": entity.conflicts.select_related("inspector__department").order_by(
                "inspector__name"
            ),
            "history": _history_rows(entity),
            "can_change": can_change,
            "can_declare": departments_changeable_by(user).exists(),
            "rating_form": rating_form,
            "breadcrumbs": crumbs(
                ("检查对象", reverse("registries:entity-list")), (entity.name, None)
            ),
        },
        status=status,
    )


@staff_view("registries.view")
def entity_detail(request, pk: int):
    return _detail(request, _get_entity_for_user(request, pk))


@staff_view("registries.change_entity")
def entity_create(request):
    user = request.user
    form = EntityCreateForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            entity = services.create_entity(
                user,
                credit_code=data.pop("credit_code"),
                risk_class=data.pop("risk_class") or None,
                rating_date=data.pop("rating_date"),
                rating_source=data.pop("rating_source"),
                **data,
            )
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, f"已登记检查对象：{entity.name}")
            return redirect("registries:entity-detail", pk=entity.pk)
    return render(
        request,
        "registries/form.html",
        {
            "title": "登记检查对象",
            "form": form,
            "cancel_url": reverse("registries:entity-list"),
            "breadcrumbs": crumbs(("检查对象", reverse("registries:entity-list")), ("登记", None)),
        },
    )


@staff_view("registries.change_entity")
def entity_edit(request, pk: int):
    user = request.user
    entity = _get_entity_for_user(request, pk, access.CHANGE)
    form = EntityForm(request.POST or None, user=user, instance=entity)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_entity(user, entity, **form.cleaned_data)
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, f"已保存检查对象：{entity.name}")
            return redirect("registries:entity-detail", pk=entity.pk)
    detail_url = reverse("registries:entity-detail", args=[entity.pk])
    return render(
        request,
        "registries/form.html",
        {
            "title": f"编辑检查对象：{entity.name}",
            "form": form,
            "cancel_url": detail_url,
            "breadcrumbs": crumbs(
                ("检查对象", reverse("registries:entity-list")),
                (entity.name, detail_url),
                ("编辑", None),
            ),
        },
    )


@staff_view("registries.change_entity")
def entity_correct_code(request, pk: int):
    """Correct a wrongly registered credit code: its own audited action, with a reason."""
    entity = _get_entity_for_user(request, pk, access.CHANGE)
    form = CreditCodeCorrectionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.correct_credit_code(request.user, entity, **form.cleaned_data)
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, f"已更正统一社会信用代码：{entity.credit_code}")
            return redirect("registries:entity-detail", pk=entity.pk)
    detail_url = reverse("registries:entity-detail", args=[entity.pk])
    return render(
        request,
        "registries/form.html",
        {
            "title": f"更正统一社会信用代码：{entity.name}（现为 {entity.credit_code}）",
            "form": form,
            "cancel_url": detail_url,
            "breadcrumbs": crumbs(
                ("检查对象", reverse("registries:entity-list")),
                (entity.name, detail_url),
                ("更正代码", None),
            ),
        },
        status=400 if form.errors else 200,
    )


@staff_view("registries.change_entity")
@require_POST
def entity_rate(request, pk: int):
    entity = _get_entity_for_user(request, pk, access.CHANGE)
    form = RatingForm(request.POST)
    if form.is_valid():
        try:
            services.add_risk_rating(request.user, entity, **form.cleaned_data)
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(
                request,
                f"已记录风险等级 {form.cleaned_data['risk_class']}"
                f"（{form.cleaned_data['effective_date']:%Y-%m-%d} 起生效）",
            )
            return redirect("registries:entity-detail", pk=entity.pk)
    return _detail(request, entity, rating_form=form, status=400)
