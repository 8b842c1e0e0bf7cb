"""The Django admin: a superuser's tool, and every change it makes is audited.

``SuperuserAdminSite`` replaces Django's default site (through ``accounts.admin_config``
in ``INSTALLED_APPS``). Only an active superuser gets in, whatever ``is_staff`` says:
joint-office admins manage the accounts of their region on the staff pages, through
:mod:`shuangsuiji.accounts.services`. Every model admin registered on the site is made
audited: each add, change (including a password change) and delete writes one row to the
audit chain, in the admin's own transaction.
"""

from __future__ import annotations

import json

from django.contrib import admin
from django.db import transaction

from shuangsuiji.audit.services import record
from shuangsuiji.core.snapshots import snapshot

ADMIN_ADD, ADMIN_CHANGE, ADMIN_DELETE = "admin.add", "admin.change", "admin.delete"


def _message_text(message) -> str:
    if isinstance(message, (list, dict)):
        return json.dumps(message, ensure_ascii=False)[:1000]
    return str(message or "")[:1000]


class AuditedAdminMixin:
    """Writes an audit row for each logged admin action (add, change, delete).

    Model admins that save through a service (which writes its own row) set
    ``audited_by_service``; the admin then does not write a second row for saves.
    """

    audited_by_service = False
    audit_exclude: tuple[str, ...] = ("password", "last_login", "updated_at")

    def audit_snapshot(self, obj) -> dict | None:
        return snapshot(obj, exclude=self.audit_exclude)

    def audit_action(self, request, obj, flag: str) -> str:
        return flag

    def get_object(self, request, object_id, from_field=None):
        obj = super().get_object(request, object_id, from_field)
        if obj is not None:
            obj._ssj_admin_before = self.audit_snapshot(obj)
        return obj

    def _audit(self, request, flag: str, obj, message, *, before=None, after=None) -> None:
        with transaction.atomic():
            record(
                request.user,
                self.audit_action(request, obj, flag),
                obj,
                before=before,
                after=after,
                data={"via": "admin", "change_message": _message_text(message)},
            )

    def log_addition(self, request, obj, message):
        entry = super().log_addition(request, obj, message)
        if not self.audited_by_service:
            self._audit(request, ADMIN_ADD, obj, message, after=self.audit_snapshot(obj))
        return entry

    def log_change(self, request, obj, message):
        entry = super().log_change(request, obj, message)
        if not self.audited_by_service:
            before = getattr(obj, "_ssj_admin_before", None)
            self._audit(
                request, ADMIN_CHANGE, obj, message, before=before, after=self.audit_snapshot(obj)
            )
        return entry

    def log_deletions(self, request, queryset):
        with transaction.atomic():
            for obj in queryset:
                self._audit(request, ADMIN_DELETE, obj, "", before=self.audit_snapshot(obj))
            return super().log_deletions(request, queryset)


class SuperuserAdminSite(admin.AdminSite):
    site_header = "双随机、一公开 管理后台"
    site_title = "双随机管理后台"
    index_title = "系统管理（仅限超级管理员）"

    def has_permission(self, request) -> bool:
        user = request.user
        return bool(user.is_active and user.is_superuser)

    def register(self, model_or_iterable, admin_class=None, **options):
        admin_class = admin_class or admin.ModelAdmin
        if not issubclass(admin_class, AuditedAdminMixin):
            admin_class = type(
                f"Audited{admin_class.__name__}",
                (AuditedAdminMixin, admin_class),
                {
                    "__module__": admin_class.__module__,
                    "audited_by_service": getattr(admin_class, "audited_by_service", False),
                },
            )
        return super().register(model_or_iterable, admin_class, **options)
