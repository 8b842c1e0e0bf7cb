"""One mapper from exceptions to responses: the DomainError family and the errors that
must never reach a user as a 500 (``DoesNotExist``, a locked database).

- ``DomainErrorMiddleware`` catches what a view raises;
- ``bad_request`` / ``permission_denied`` / ``page_not_found`` / ``server_error`` are the
  project's ``handler400/403/404/500`` (URL misses and errors outside views);
- ``csrf_failure`` is ``CSRF_FAILURE_VIEW``.

All of them answer with :func:`error_response`: an HTML page in the site layout (Chinese
message and the stable code), or ``{"code", "message"}`` JSON when the client asks for it.
"""

from __future__ import annotations

import logging

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.db import IntegrityError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string

from .errors import (
    Busy,
    DomainError,
    Forbidden,
    InvalidInput,
    NotFound,
    StateConflict,
    is_busy,
    message_of,
)

logger = logging.getLogger("shuangsuiji.errors")

TITLES = {
    400: "请求有误",
    403: "没有权限",
    404: "页面不存在",
    405: "请求方式不支持",
    409: "状态冲突",
    503: "系统正忙",
    500: "服务器内部错误",
}


class ServerError(DomainError):
    code = "server.error"
    status = 500
    default_message = "服务器处理请求时出错，已记录日志。请稍后重试，或联系系统管理员。"


class MethodNotAllowed(DomainError):
    code = "request.method"
    status = 405
    default_message = "此地址不支持该请求方式，请从页面上的按钮或链接进入。"


class DataConflict(StateConflict):
    code = "database.conflict"
    default_message = "与已有数据冲突（可能有人同时提交了相同内容），请刷新页面后重试。"


class CsrfFailure(Forbidden):
    code = "csrf.failed"
    default_message = (
        "页面已过期或安全校验未通过（CSRF）。请返回上一页刷新后重新提交；"
        "如仍失败，请确认浏览器允许本站的 Cookie。"
    )


def wants_json(request: HttpRequest) -> bool:
    if request.path.startswith("/api/"):
        return True
    try:
        preferred = request.get_preferred_type(["text/html", "application/json"])
    except Exception:  # noqa: BLE001 - a malformed Accept header must not break the error page
        return False
    return preferred == "application/json"


def as_domain_error(exc: BaseException) -> DomainError | None:
    """The domain error an exception stands for; None for an unexpected one."""
    if isinstance(exc, DomainError):
        return exc
    if is_busy(exc):
        return Busy("数据库正忙，请稍后重试。")
    if isinstance(exc, ObjectDoesNotExist | Http404):
        return NotFound()
    if isinstance(exc, PermissionDenied):
        text = str(exc)
        return Forbidden(text if text and not text.isascii() else None)
    if isinstance(exc, ValidationError):
        return InvalidInput(message_of(exc))
    if isinstance(exc, IntegrityError):
        return DataConflict()
    return None


def error_response(request: HttpRequest | None, error: DomainError) -> HttpResponse:
    status = error.status
    if request is not None and wants_json(request):
        return JsonResponse(
            error.as_dict(), status=status, json_dumps_params={"ensure_ascii": False}
        )
    context = {
        "title": TITLES.get(status, "操作未能完成"),
        "status": status,
        "message": error.message,
        "code": error.code,
    }
    try:
        html = render_to_string("error.html", context, request=request)
    except Exception:  # noqa: BLE001 - a broken context processor must not hide the error
        logger.exception("error page rendered without request context")
        html = render_to_string("error.html", context)
    response = HttpResponse(html, status=status)
    if status == 503:
        response["Retry-After"] = "5"
    return response


class DomainErrorMiddleware:
    """Last in MIDDLEWARE, so its ``process_exception`` sees every exception a view raises."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code == 405 and not response.content:
            # require_POST answers with an empty page; give the user a sentence instead.
            allow = response.get("Allow")
            response = error_response(request, MethodNotAllowed())
            if allow:
                response["Allow"] = allow
        return response

    def process_exception(self, request, exc):
        error = as_domain_error(exc)
        if error is None:
            logger.error("Unexpected error on %s %s", request.method, request.path, exc_info=exc)
            error = ServerError()
        elif error.status >= 500:
            logger.warning("%s on %s %s: %s", error.code, request.method, request.path, exc)
        return error_response(request, error)


def bad_request(request, exception=None):
    return error_response(request, InvalidInput("请求有误，无法处理。", code="request.bad"))


def permission_denied(request, exception=None):
    return error_response(request, as_domain_error(exception or PermissionDenied()))


def page_not_found(request, exception=None):
    return error_response(request, NotFound("您要找的页面不存在，或您无权查看。"))


def server_error(request):
    return error_response(request, ServerError())


def csrf_failure(request, reason=""):
    logger.warning("CSRF failure on %s: %s", request.path, reason)
    return error_response(request, CsrfFailure())
