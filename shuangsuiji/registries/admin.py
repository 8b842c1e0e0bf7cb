"""The directories in the admin: read-only. Changes go through the staff pages, whose
services check permissions and write the audit log."""

from __future__ import annotations

from django.contrib import admin

from shuangsuiji.core.admin import ReadOnlyAdminMixin

from .models import CheckItem, Conflict, Entity, Inspector, RiskRating, Unavailability


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm("registries.view")


class RiskRatingInline(ReadOnlyInline):
    model = RiskRating
    fields = ("risk_class", "effective_date", "source", "created_by", "created_at")
    ordering = ("-effective_date", "-pk")


class UnavailabilityInline(ReadOnlyInline):
    model = Unavailability
    fields = ("start", "end", "reason")


class RegistryAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    view_perm = "core.change_organisation"
    actions = None


@admin.register(Entity)
class EntityAdmin(RegistryAdmin):
    list_display = ("credit_code", "name", "region", "industry", "status", "risk_class")
    list_filter = ("risk_class", "status")
    search_fields = ("credit_code", "name")
    list_select_related = ("region",)
    show_full_result_count = False
    inlines = (RiskRatingInline,)


@admin.register(Inspector)
class InspectorAdmin(RegistryAdmin):
    list_display = ("name", "department", "certificate_no", "may_lead", "active")
    list_filter = ("department", "may_lead", "active")
    search_fields = ("name", "certificate_no")
    list_select_related = ("department",)
    inlines = (UnavailabilityInline,)


@admin.register(Conflict)
class ConflictAdmin(RegistryAdmin):
    list_display = ("inspector", "entity", "reason", "declared_on")
    search_fields = ("inspector__name", "entity__name", "entity__credit_code")
    list_select_related = ("inspector", "entity")


@admin.register(CheckItem)
class CheckItemAdmin(RegistryAdmin):
    list_display = ("code", "title", "department", "active")
    list_filter = ("department", "active")
    search_fields = ("code", "title")
    list_select_related = ("department",)
