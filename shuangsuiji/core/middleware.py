"""Request guards and security headers for every response (no CDN: everything is 'self').

``SecurityHeadersMiddleware`` sits first in MIDDLEWARE, outside WhiteNoise, so static files
get the same headers as pages. ``RejectNulMiddleware`` answers 400 to a NUL byte in the query
string once for every view (PostgreSQL refuses NUL in text and used to give a 500).
"""

from __future__ import annotations

from django.conf import settings
from django.utils.cache import add_never_cache_headers

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; "
    "form-action 'self'; object-src 'none'"
)

# Pages and files anyone may keep in a cache: the public portal and static files.
CACHEABLE_PREFIXES = ("/portal/",)


class SecurityHeadersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers.setdefault("Permissions-Policy", "camera=(self), geolocation=()")
        response.headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        path = request.path
        if not path.startswith((settings.STATIC_URL, *CACHEABLE_PREFIXES)):
            # Staff pages and exports hold personal and confidential data.
            add_never_cache_headers(response)
        return response


def has_nul(request) -> bool:
    if "\x00" in request.path or "%00" in request.META.get("QUERY_STRING", ""):
        return True
    return any("\x00" in k or any("\x00" in v for v in vs) for k, vs in request.GET.lists())


class RejectNulMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if has_nul(request):
            from .error_handling import error_response
            from .errors import InvalidInput

            return error_response(
                request, InvalidInput("请求参数中含有不允许的空字符（NUL）。", code="request.nul")
            )
        return self.get_response(request)
