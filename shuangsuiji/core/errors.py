"""One family of domain errors: a stable machine-readable code and a Chinese message.

Services raise these; one mapper each turns them into a form error (views), a printed
message and exit code 1 (commands) and JSON ``{code, message}`` (the API). Each class also
derives from the Django exception that already meant the same thing, so existing
``except ValidationError`` / ``except PermissionDenied`` handlers keep working and Django's
own handlers give the right status code.

Codes are dotted, lowercase and stable (``draw.frozen``, ``scope.outside``): clients may
match on them; the message is for people and may change.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404


class DomainError(Exception):
    """Base class. ``status`` is the HTTP status the error maps to."""

    code = "error"
    status = 400
    default_message = "操作未能完成。"

    def __init__(self, message: str | None = None, code: str | None = None, **params) -> None:
        message = str(message or self.default_message)
        code = code or type(self).code
        # Django's exception initialisers (reached through the MRO) reset these.
        super().__init__(message)
        self.message, self.code, self.params = message, code, params

    def __str__(self) -> str:
        return self.message

    def as_dict(self) -> dict:
        return {"code": self.code, "message": self.message}


class InvalidInput(DomainError, ValidationError):
    """The input breaks a rule (a field, a row, a state). HTTP 400 / form error."""

    code = "invalid"
    status = 400
    default_message = "输入的内容不符合要求。"

    def __str__(self) -> str:
        return self.message


class Forbidden(DomainError, PermissionDenied):
    """The acting user may not do this (role or region scope). HTTP 403."""

    code = "permission.denied"
    status = 403
    default_message = "您没有执行此操作的权限。"


class OutOfScope(Forbidden):
    """An object or a foreign key given to a service lies outside the user's region."""

    code = "scope.outside"
    default_message = "超出您所在行政区划的管理范围。"


class NotFound(DomainError, Http404):
    """The object does not exist, or the user may not know that it does. HTTP 404."""

    code = "not_found"
    status = 404
    default_message = "没有找到该对象，或您无权查看。"


class StateConflict(InvalidInput):
    """The object is in a state that forbids this change (frozen draw, locked sheet). 409."""

    code = "state.conflict"
    status = 409
    default_message = "当前状态下不能执行此操作。"


class Busy(DomainError):
    """The database is busy (a long write holds the lock). HTTP 503; try again."""

    code = "database.busy"
    status = 503
    default_message = "系统正忙（数据库正在处理其他写入），请稍后重试。"


def message_of(exc: BaseException) -> str:
    """The Chinese message of a domain error or of a Django validation/permission error."""
    if isinstance(exc, DomainError):
        return exc.message
    if isinstance(exc, ValidationError):
        return "；".join(str(m) for m in exc.messages)
    return str(exc) or DomainError.default_message


def code_of(exc: BaseException) -> str:
    if isinstance(exc, DomainError):
        return exc.code
    if isinstance(exc, ValidationError):
        return "invalid"
    if isinstance(exc, PermissionDenied):
        return "permission.denied"
    if isinstance(exc, Http404):
        return "not_found"
    return "error"


def is_busy(exc: BaseException) -> bool:
    """A database error that means "locked, try again" (SQLite) or a lock timeout (PG)."""
    from django.db import OperationalError

    if not isinstance(exc, OperationalError):
        return False
    text = str(exc).lower()
    return "locked" in text or "lock timeout" in text or "could not obtain lock" in text


def add_to_form(form, exc: BaseException) -> None:
    """Put a service error on the form: on the field named by ``params["field"]`` (or by a
    Django ``ValidationError``'s error dict) when the form has it, else as a form error."""
    if isinstance(exc, DomainError):
        field = exc.params.get("field")
        form.add_error(field if field in form.fields else None, exc.message)
        return
    if isinstance(exc, ValidationError) and hasattr(exc, "error_dict"):
        for name, errors in exc.message_dict.items():
            target = name if name in form.fields else None
            for text in errors:
                form.add_error(target, text)
        return
    form.add_error(None, message_of(exc))
