"""Accounts in the admin (superusers only): users with their department and roles (groups).

The site (``accounts.admin_site``) audits every add, change and delete; a password set
here is audited as ``user.password_reset`` (the password itself is never recorded).
Joint-office admins manage the accounts of their region on the staff pages instead.
"""

from __future__ import annotations

from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin as BaseGroupAdmin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.models import Group
from django.db import transaction

from shuangsuiji.core.admin import RulesAdminMixin

from .admin_site import ADMIN_CHANGE, AuditedAdminMixin
from .models import User
from .services import PASSWORD_RESET, user_snapshot


@admin.register(User)
class UserAdmin(AuditedAdminMixin, RulesAdminMixin, BaseUserAdmin):
    list_display = ("username", "full_name", "department", "role_list", "is_active", "is_superuser")
    list_filter = ("is_active", "is_superuser", "groups", "department")
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

    def audit_snapshot(self, obj):
        obj._role_cache = None
        return user_snapshot(obj)

    def audit_action(self, request, obj, flag):
        if flag == ADMIN_CHANGE and getattr(request, "_ssj_password_change", False):
            return PASSWORD_RESET
        return flag

    def user_change_password(self, request, id, form_url=""):
        request._ssj_password_change = True
        with transaction.atomic():
            return super().user_change_password(request, id, form_url)


admin.site.unregister(Group)


@admin.register(Group)
class GroupAdmin(AuditedAdminMixin, RulesAdminMixin, BaseGroupAdmin):
    """Roles are groups; their names are fixed by ``accounts.Role``."""
