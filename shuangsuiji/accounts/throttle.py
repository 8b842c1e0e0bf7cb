"""Login throttling and lockout.

After ``SSJ_LOGIN_MAX_FAILURES`` failed logins for one user name (or from one IP address)
within ``SSJ_LOGIN_WINDOW_SECONDS``, further attempts are refused until the window has
passed, without even checking the password. Failures, lockouts and successful logins are
written to the audit log.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.db import transaction
from django.dispatch import receiver
from django.utils import timezone

from shuangsuiji.audit.services import record

from .models import LoginFailure


def _limits() -> tuple[int, datetime.timedelta]:
    return (
        getattr(settings, "SSJ_LOGIN_MAX_FAILURES", 5),
        datetime.timedelta(seconds=getattr(settings, "SSJ_LOGIN_WINDOW_SECONDS", 900)),
    )


def client_ip(request) -> str | None:
    return request.META.get("REMOTE_ADDR") if request is not None else None


def is_locked(username: str, ip: str | None) -> bool:
    max_failures, window = _limits()
    since = timezone.now() - window
    recent = LoginFailure.objects.filter(at__gte=since)
    if recent.filter(username=username.lower()).count() >= max_failures:
        return True
    return bool(ip) and recent.filter(ip=ip).count() >= max_failures * 4


@receiver(user_login_failed)
def _on_failure(sender, credentials, request=None, **kwargs):
    username = (credentials.get("username") or "").lower()[:150]
    ip = client_ip(request)
    max_failures, window = _limits()
    with transaction.atomic():
        LoginFailure.objects.create(username=username, ip=ip, at=timezone.now())
        count = LoginFailure.objects.filter(
            username=username, at__gte=timezone.now() - window
        ).count()
        action = "login.lockout" if count == max_failures else "login.failure"
        record(
            None,
            action,
            object_type="accounts.user",
            object_id=username,
            object_repr=username,
            data={"ip": ip, "failures_in_window": count},
        )


@receiver(user_logged_in)
def _on_success(sender, request, user, **kwargs):
    with transaction.atomic():
        LoginFailure.objects.filter(username=user.username.lower()).delete()
        record(user, "login.success", user, data={"ip": client_ip(request)})
