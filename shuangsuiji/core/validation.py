"""Validation helpers shared by every service module."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import models


def full_clean(obj: models.Model, exclude: Iterable[str] | None = None) -> None:
    """Run model validation; raise one ValidationError naming each field in Chinese."""
    try:
        obj.full_clean(exclude=exclude)
    except ValidationError as exc:
        messages = []
        for name, errors in exc.message_dict.items():
            label = "" if name == "__all__" else str(obj._meta.get_field(name).verbose_name)
            messages.extend(f"{label}：{e}" if label else str(e) for e in errors)
        raise ValidationError("；".join(messages)) from exc


def assign(obj: models.Model, changes: dict, allowed: Iterable[str]) -> None:
    """Set the named fields; an unknown name is a programming error."""
    allowed = set(allowed)
    for key, value in changes.items():
        if key not in allowed:
            raise ValueError(f"unknown {obj._meta.model_name} field {key}")
        setattr(obj, key, value)
