"""Plain-dict snapshots of model instances, for audit before/after digests."""

from __future__ import annotations

from django.db import models


def snapshot(obj: models.Model | None, exclude: tuple[str, ...] = ("updated_at",)) -> dict | None:
    if obj is None:
        return None
    out = {}
    for field in obj._meta.concrete_fields:
        if field.name in exclude:
            continue
        value = getattr(obj, field.attname)
        out[field.attname] = (
            value if isinstance(value, (int, str, bool, type(None))) else str(value)
        )
    return out
