"""Accounts in the admin: users with their department and roles (groups).

Joint-office admins (with ``is_staff``) and superusers manage accounts here. Only a
superuser may grant superuser status or individual permissions. Every save writes an
audit record.
"""

from __future__ import annotations

from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin as BaseGroupAdmin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.models import Group
from django.db import transaction

from shuangsuiji.audit.services import record
from shuangsuiji.core.admin import RulesAdminMixin
from shuangsuiji.core.snapshots import snapshot

from .models import User

_SNAPSHOT_EXCLUDE = ("password", "last_login", "updated_at")


def _user_snapshot(user: User) -> dict | None:
    data = snapshot(user, exclude=_SNAPSHOT_EXCLUDE)
    if data is not None and user.pk:
        data["groups"] = sorted(user.groups.values_list("name", flat=True))
    return data


@admin.register(User)
class UserAdmin(RulesAdminMixin, BaseUserAdmin):
    list_display = ("username", "full_name", "department", "role_list", "is_active", "is_staff")
    list_filter = ("is_active", "is_staff", "groups", "department")
    search_fields = ("username", "full_name", "email")
    list_select_related = ("department",)
    ordering = ("username",)
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        ("个人信息", {"fields": ("full_name", "email", "department")}),
        (
            "角色与权限",
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        ("重要日期", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("username", "full_name", "department", "password1", "password2"),
            },
        ),
    )
    readonly_fields = ("last_login", "date_joined")

    @admin.display(description="角色")
    def role_list(self, obj: User) -> str:
        return "、".join(obj.role_labels) or "—"

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            fields += ["is_superuser", "user_permissions"]
        return fields

    def save_model(self, request, obj, form, change):
        with transaction.atomic():
            before = _user_snapshot(User.objects.get(pk=obj.pk)) if change else None
            super().save_model(request, obj, form, change)
            obj._ssj_audit_before = before

    def save_related(self, request, form, formsets, change):
        with transaction.atomic():
            super().save_related(request, form, formsets, change)
            obj = form.instance
            obj._role_cache = None
            record(
                request.user,
                "user.update" if change else "user.create",
                obj,
                before=getattr(obj, "_ssj_audit_before", None),
                after=_user_snapshot(obj),
            )


admin.site.unregister(Group)


@admin.register(Group)
class GroupAdmin(RulesAdminMixin, BaseGroupAdmin):
    """Roles are groups; their names are fixed by ``accounts.Role``."""

    def has_add_permission(self, request, *args):
        return request.user.is_superuser

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser
