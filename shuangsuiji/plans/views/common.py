"""Shared helpers: permission-checked fetches and service-error handling."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError

from shuangsuiji.core.errors import add_to_form

from .. import access
from ..models import Draw, Plan, Task


def get_plan_for_user(request, pk: int, action: str = access.VIEW) -> Plan:
    return access.get_plan_for(request.user, pk, action)


def get_task_for_user(request, pk: int, action: str = access.VIEW) -> Task:
    return access.get_task_for(request.user, pk, action)


def get_draw_for_user(request, pk: int, action: str = access.VIEW) -> Draw:
    return access.get_draw_for(request.user, pk, action)


def error_text(exc: ValidationError) -> str:
    return "；".join(exc.messages)


def report(request, form, exc: ValidationError) -> None:
    """Show a service error on the form (on its field when it names one), else as a message."""
    if form is not None:
        add_to_form(form, exc)
    else:
        messages.error(request, error_text(exc))
