"""Validation helpers shared by every service module and form."""

from __future__ import annotations

import re
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import models

from .errors import InvalidInput

# Bidirectional embedding, override and isolate controls: they reverse how a name or a
# reason reads on the portal (U+202A–U+202E, U+2066–U+2069).
BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")
BIDI_MESSAGE = "不能包含改变文字方向的控制字符（U+202A–U+202E、U+2066–U+2069）"


def has_bidi_controls(value) -> bool:
    return isinstance(value, str) and BIDI_CONTROLS.search(value) is not None


def reject_bidi_controls(value, field: str | None = None, label: str = "") -> None:
    """Validator for user text (forms, services, import cells)."""
    if has_bidi_controls(value):
        message = f"{label}：{BIDI_MESSAGE}" if label else BIDI_MESSAGE
        params = {"field": field} if field else {}
        raise InvalidInput(message, code="text.bidi_control", **params)


def text_errors(obj: models.Model) -> dict[str, list[str]]:
    """Bidi controls in any text field of a model instance, by field name."""
    errors: dict[str, list[str]] = {}
    for field in obj._meta.concrete_fields:
        if isinstance(field, models.CharField | models.TextField):
            if has_bidi_controls(getattr(obj, field.attname, None)):
                errors[field.name] = [BIDI_MESSAGE]
    return errors


def refuse_bidi_in_field(value) -> None:
    """The form-field validator (a plain ValidationError, shown under the field)."""
    if has_bidi_controls(value):
        raise ValidationError(BIDI_MESSAGE, code="text.bidi_control")


class TextGuardMixin:
    """For forms: every text field refuses bidirectional control characters."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from django import forms

        for field in self.fields.values():
            if isinstance(field, forms.CharField) and refuse_bidi_in_field not in field.validators:
                field.validators.append(refuse_bidi_in_field)


def full_clean(obj: models.Model, exclude: Iterable[str] | None = None) -> None:
    """Run model validation and refuse bidi controls in text; raise one ValidationError
    naming each field in Chinese."""
    try:
        obj.full_clean(exclude=exclude)
        errors: dict[str, list[str]] = {}
    except ValidationError as exc:
        errors = exc.message_dict
    for name, texts in text_errors(obj).items():
        errors.setdefault(name, []).extend(texts)
    if not errors:
        return
    labelled = {}
    for name, texts in errors.items():
        label = "" if name == "__all__" else str(obj._meta.get_field(name).verbose_name)
        labelled[name] = [f"{label}：{e}" if label else str(e) for e in texts]
    # Keyed by field, so a form shows each message on its field (errors.add_to_form).
    raise ValidationError(labelled)


def assign(obj: models.Model, changes: dict, allowed: Iterable[str]) -> None:
    """Set the named fields; an unknown name is a programming error."""
    allowed = set(allowed)
    for key, value in changes.items():
        if key not in allowed:
            raise ValueError(f"unknown {obj._meta.model_name} field {key}")
        setattr(obj, key, value)
