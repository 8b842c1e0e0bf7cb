"""Login throttling with django-axes, so that nobody can lock a victim out.

- **Per (account, address).** Axes counts failures per user name *and* client address
  (``AXES_LOCKOUT_PARAMETERS``). After ``SSJ_LOGIN_MAX_FAILURES`` failures that pair waits
  out a cool-off; the same account from another address, and other accounts behind the
  same proxy, are not affected.
- **Growing delays.** The cool-off doubles with every further batch of failures of the
  pair within ``SSJ_LOGIN_MEMORY_HOURS`` (15 min, 30 min, 1 h … up to
  ``SSJ_LOGIN_MAX_COOLOFF_HOURS``); :func:`cool_off` computes it from axes' failure log.
- **Hard lock only from many addresses.** When one account name fails from
  ``SSJ_LOGIN_LOCK_ADDRESSES`` different addresses within the memory window, the account
  is locked (:class:`~shuangsuiji.accounts.models.AccountLock`) until a joint-office admin
  lifts it on the staff page (``services.unlock_account``).
- **Audited.** Every failure, every lock-out of a pair (axes' ``user_locked_out`` signal),
  every hard lock and every success writes an audit row.
- **Client address** from ``SSJ_TRUSTED_PROXY_HEADER`` (e.g. ``X-Forwarded-For``) when
  the platform runs behind a proxy that sets it, else ``REMOTE_ADDR`` (see :func:`client_ip`).
"""

from __future__ import annotations

import datetime
import ipaddress
import math

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import (
    get_client_http_accept,
    get_client_path_info,
    get_client_user_agent,
    get_client_username,
)
from axes.models import AccessAttempt, AccessFailureLog
from axes.signals import user_locked_out
from django.conf import settings
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.db import IntegrityError, transaction
from django.dispatch import receiver
from django.utils import timezone

from shuangsuiji.audit.services import record

LOCKOUT, ACCOUNT_LOCKED = "login.lockout", "login.account_locked"
FAILURE, SUCCESS = "login.failure", "login.success"

# Lock kinds put on the request for the login form's message.
LOCK_ADDRESS, LOCK_ACCOUNT = "address", "account"


def _setting(name: str, default):
    return getattr(settings, name, default)


def max_failures() -> int:
    return _setting("SSJ_LOGIN_MAX_FAILURES", 5)


def _memory() -> datetime.timedelta:
    return datetime.timedelta(hours=_setting("SSJ_LOGIN_MEMORY_HOURS", 24))


# Callables named in the AXES_* settings ----------------------------------------------------


def username_of(request, credentials=None) -> str:
    """The user name as axes counts it: case-folded, so ``Alice`` and ``alice`` are one."""
    if credentials:
        value = credentials.get("username")
    else:
        data = getattr(request, "POST", None) or {}
        value = data.get("username")
    return (value or "").strip().lower()[:150]


def client_ip(request) -> str | None:
    """The client address: from the trusted proxy header when configured, else REMOTE_ADDR.

    ``SSJ_TRUSTED_PROXY_HEADER`` names a header the proxy in front of the platform sets
    (``X-Forwarded-For`` or ``X-Real-IP``); with a list, the ``SSJ_TRUSTED_PROXY_COUNT``-th
    entry from the right is taken (the one the nearest trusted proxy appended), so an
    address a client puts in the header itself is ignored. Only configure it when the
    platform cannot be reached except through that proxy.
    """
    if request is None:
        return None
    remote = request.META.get("REMOTE_ADDR")
    header = _setting("SSJ_TRUSTED_PROXY_HEADER", "")
    if header:
        raw = request.META.get("HTTP_" + header.upper().replace("-", "_"), "")
        parts = [p.strip() for p in raw.split(",") if p.strip()]
        count = max(1, _setting("SSJ_TRUSTED_PROXY_COUNT", 1))
        if len(parts) >= count:
            candidate = parts[-count]
            try:
                return str(ipaddress.ip_address(candidate))
            except ValueError:
                pass
    return remote


def _failures_remembered(username: str, ip: str | None, pending: int) -> int:
    since = timezone.now() - _memory()
    logged = AccessFailureLog.objects.filter(
        username=username, ip_address=ip, attempt_time__gte=since
    ).count()
    return logged + pending


def cool_off(request) -> datetime.timedelta:
    """How long failures of this (account, address) count, and a lock-out lasts.

    ``base`` for the first batch of ``SSJ_LOGIN_MAX_FAILURES`` failures, doubling with each
    further batch remembered (``SSJ_LOGIN_MEMORY_HOURS``), capped.
    """
    base = datetime.timedelta(minutes=_setting("SSJ_LOGIN_COOLOFF_MINUTES", 15))
    cap = datetime.timedelta(hours=_setting("SSJ_LOGIN_MAX_COOLOFF_HOURS", 24))
    if request is None:
        return base
    username = username_of(request, getattr(request, "axes_credentials", None))
    pending = 1 if getattr(request, "ssj_failure_pending", False) else 0
    failures = _failures_remembered(username, getattr(request, "axes_ip_address", None), pending)
    batches = max(1, math.ceil(failures / max_failures()))
    return min(base * (2 ** min(batches - 1, 20)), cap)


def lockout_response(request, original_response=None, credentials=None):
    """The login page as the view rendered it (the form shows the lock), status 429."""
    if original_response is not None:
        original_response.status_code = 429
        return original_response
    from django.http import HttpResponse

    return HttpResponse(lock_message(request), status=429, content_type="text/plain")


def _remaining(request) -> datetime.timedelta:
    """Time left on the (account, address) lock of this request."""
    username = username_of(request, getattr(request, "axes_credentials", None))
    expires = (
        AccessAttempt.objects.filter(
            username=username, ip_address=getattr(request, "axes_ip_address", None)
        )
        .order_by("-expiration__expires_at")
        .values_list("expiration__expires_at", flat=True)
        .first()
    )
    if expires is None:
        return cool_off(request)
    return max(expires - timezone.now(), datetime.timedelta(0))


def lock_message(request) -> str:
    if getattr(request, "ssj_lock", None) == LOCK_ACCOUNT:
        return "该账号因来自多个地址的登录失败已被锁定，请联系联席办管理员解除锁定。"
    minutes = max(1, math.ceil(_remaining(request).total_seconds() / 60))
    return (
        f"登录失败次数过多，从当前地址登录该账号已暂时锁定，请 {minutes} 分钟后再试，"
        "或联系联席办管理员解除。"
    )


# The handler ------------------------------------------------------------------------------


def _hard_lock_of(username: str):
    from .models import AccountLock

    return AccountLock.objects.active().filter(username=username).first()


class ThrottleHandler(AxesDatabaseHandler):
    """Axes' database handler plus the failure memory and the many-addresses lock."""

    def is_locked(self, request, credentials=None) -> bool:
        username = get_client_username(request, credentials)
        if username and _hard_lock_of(username) is not None:
            request.ssj_lock = LOCK_ACCOUNT
            return True
        locked = super().is_locked(request, credentials)
        if locked:
            request.ssj_lock = LOCK_ADDRESS
        return locked

    def user_login_failed(self, sender, credentials, request=None, **kwargs):
        if request is None:
            return super().user_login_failed(sender, credentials, request, **kwargs)
        refused = bool(getattr(request, "ssj_lock", None))
        username = get_client_username(request, credentials)
        request.ssj_failure_pending = not refused
        try:
            super().user_login_failed(sender, credentials, request, **kwargs)
        finally:
            request.ssj_failure_pending = False
        if refused:
            # Refused by a lock before the password was checked: not a failure of its own
            # (so a victim retrying does not prolong the lock), only an audited attempt.
            request.axes_locked_out = True
            return
        with transaction.atomic():
            AccessFailureLog.objects.create(
                username=username,
                ip_address=request.axes_ip_address,
                user_agent=get_client_user_agent(request),
                http_accept=get_client_http_accept(request),
                path_info=get_client_path_info(request),
                locked_out=bool(request.axes_locked_out),
            )
            AccessFailureLog.objects.filter(
                username=username, attempt_time__lt=timezone.now() - _memory() * 2
            ).delete()
            self._lock_if_many_addresses(request, username)
        if getattr(request, "ssj_lock", None) == LOCK_ACCOUNT:
            request.axes_locked_out = True
        elif request.axes_locked_out:
            request.ssj_lock = LOCK_ADDRESS

    def _lock_if_many_addresses(self, request, username: str) -> None:
        from .models import AccountLock, User

        if not username:
            return
        if _hard_lock_of(username) is not None:
            request.ssj_lock = LOCK_ACCOUNT
            return
        since = timezone.now() - _memory()
        last_lift = (
            AccountLock.objects.filter(username=username, lifted_at__isnull=False)
            .order_by("-lifted_at")
            .values_list("lifted_at", flat=True)
            .first()
        )
        if last_lift and last_lift > since:
            since = last_lift
        addresses = (
            AccessFailureLog.objects.filter(username=username, attempt_time__gte=since)
            .values("ip_address")
            .distinct()
            .count()
        )
        if addresses < _setting("SSJ_LOGIN_LOCK_ADDRESSES", 10):
            return
        user = User.objects.filter(username__iexact=username).first()
        try:
            with transaction.atomic():
                lock = AccountLock.objects.create(
                    username=username, user=user, locked_at=timezone.now(), addresses=addresses
                )
        except IntegrityError:  # a concurrent failure set it first
            request.ssj_lock = LOCK_ACCOUNT
            return
        record(
            None,
            ACCOUNT_LOCKED,
            user,
            object_type="accounts.user",
            object_id=username,
            object_repr=username,
            data={"ip": request.axes_ip_address, "addresses": addresses, "lock": lock.pk},
        )
        request.ssj_lock = LOCK_ACCOUNT


def clear_attempts(username: str, ip_address: str | None = None) -> int:
    """Forget axes' live attempts of ``username`` (from ``ip_address`` only, if given)."""
    attempts = AccessAttempt.objects.filter(username=username.lower())
    if ip_address:
        attempts = attempts.filter(ip_address=ip_address)
    count = attempts.count()
    attempts.delete()
    failures = AccessFailureLog.objects.filter(username=username.lower())
    if ip_address:
        failures = failures.filter(ip_address=ip_address)
    failures.delete()
    return count


def throttled_attempts():
    """Live (account, address) pairs that have reached the failure limit, newest first."""
    return AccessAttempt.objects.filter(
        failures_since_start__gte=max_failures(),
        expiration__expires_at__gt=timezone.now(),
    ).order_by("-attempt_time")


# Audit receivers ----------------------------------------------------------------------------


@receiver(user_locked_out)
def _on_locked_out(sender, request=None, username=None, ip_address=None, **kwargs):
    failures = getattr(request, "axes_failures_since_start", None)
    if failures != max_failures():
        return  # refused while already locked (axes sends the signal again): audited as a failure
    with transaction.atomic():
        record(
            None,
            LOCKOUT,
            object_type="accounts.user",
            object_id=username or "",
            object_repr=username or "",
            data={
                "ip": ip_address,
                "failures": failures,
                "cool_off_seconds": int(cool_off(request).total_seconds()) if request else None,
            },
        )


@receiver(user_login_failed)
def _on_failure(sender, credentials, request=None, **kwargs):
    username = username_of(request, credentials)
    with transaction.atomic():
        record(
            None,
            FAILURE,
            object_type="accounts.user",
            object_id=username,
            object_repr=username,
            data={"ip": client_ip(request), "locked": bool(getattr(request, "ssj_lock", None))},
        )


@receiver(user_logged_in)
def _on_success(sender, request, user, **kwargs):
    with transaction.atomic():
        record(user, SUCCESS, user, data={"ip": client_ip(request)})
