"""Shared helpers: permission-checked fetches and service-error handling."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404

from shuangsuiji.core.errors import add_to_form

from ..models import Draw, Plan, Task


def get_plan_for_user(request, pk: int) -> Plan:
    return get_object_or_404(Plan.objects.visible_to(request.user), pk=pk)


def get_task_for_user(request, pk: int) -> Task:
    return get_object_or_404(
        Task.objects.filter(plan__in=Plan.objects.visible_to(request.user)).select_related(
            "plan", "region", "initiating_department"
        ),
        pk=pk,
    )


def get_draw_for_user(request, pk: int) -> Draw:
    return get_object_or_404(
        Draw.objects.visible_to(request.user).select_related("task", "task__plan"), pk=pk
    )


def error_text(exc: ValidationError) -> str:
    return "；".join(exc.messages)


def report(request, form, exc: ValidationError) -> None:
    """Show a service error on the form (on its field when it names one), else as a message."""
    if form is not None:
        add_to_form(form, exc)
    else:
        messages.error(request, error_text(exc))
