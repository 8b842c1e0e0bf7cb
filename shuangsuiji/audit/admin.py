"""The audit log in the admin: read-only (no add, change or delete)."""

from __future__ import annotations

from django.contrib import admin

from shuangsuiji.core.admin import ReadOnlyAdminMixin

from .models import AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    view_perm = "audit.view"
    list_display = ("seq", "at", "actor_name", "department", "action", "object_repr")
    list_filter = ("action",)
    search_fields = ("object_repr", "actor_name", "object_id")
    ordering = ("-seq",)
    date_hierarchy = "at"
    actions = None

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]
