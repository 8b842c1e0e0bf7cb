"""Admin for the organisation. Writes go through :mod:`shuangsuiji.core.services`.

The admin is for superusers only (``accounts.admin_site.SuperuserAdminSite``); inside it,
permissions come from the rules in ``accounts.permissions``, not from Django's per-model
permissions.
"""

from __future__ import annotations

from django.contrib import admin
from django.core.exceptions import ValidationError

from . import services
from .models import Department, Region


class RulesAdminMixin:
    """Admin access from a rules permission: ``view_perm`` to read, ``change_perm`` to write."""

    view_perm = "core.change_organisation"
    change_perm: str | None = "core.change_organisation"

    def has_module_permission(self, request):
        return request.user.has_perm(self.view_perm)

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm(self.view_perm)

    def has_add_permission(self, request, *args):
        return bool(self.change_perm) and request.user.has_perm(self.change_perm)

    def has_change_permission(self, request, obj=None):
        return bool(self.change_perm) and request.user.has_perm(self.change_perm)

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyAdminMixin(RulesAdminMixin):
    change_perm = None


class ServiceAdminMixin(RulesAdminMixin):
    """Saves through ``create_service`` / ``update_service`` (transaction, ensure, audit)."""

    audited_by_service = True  # the service writes the audit row (see accounts.admin_site)
    create_service = None
    update_service = None
    service_fields: tuple[str, ...] = ()

    def save_model(self, request, obj, form, change):
        fields = {f: form.cleaned_data[f] for f in self.service_fields if f in form.cleaned_data}
        try:
            if change:
                original = type(obj).objects.get(pk=obj.pk)
                changes = {f: v for f, v in fields.items() if f in form.changed_data}
                saved = type(self).update_service(request.user, original, **changes)
            else:
                saved = type(self).create_service(request.user, **fields)
        except ValidationError as exc:
            # The admin form validated already; a service error here is a rare race.
            raise ValidationError(exc.messages) from exc
        obj.pk = saved.pk
        obj._state.adding = False

    def delete_model(self, request, obj):  # pragma: no cover - deletion is disabled
        raise PermissionError("删除请联系系统管理员")


@admin.register(Region)
class RegionAdmin(ServiceAdminMixin, admin.ModelAdmin):
    list_display = ("code", "name", "parent")
    search_fields = ("code", "name")
    ordering = ("code",)
    autocomplete_fields = ("parent",)
    create_service = staticmethod(services.create_region)
    update_service = staticmethod(services.update_region)
    service_fields = services.REGION_FIELDS


@admin.register(Department)
class DepartmentAdmin(ServiceAdminMixin, admin.ModelAdmin):
    list_display = ("code", "name", "short_name", "region", "is_joint_office", "active")
    list_filter = ("active", "is_joint_office")
    search_fields = ("code", "name", "short_name")
    ordering = ("code",)
    autocomplete_fields = ("region",)
    create_service = staticmethod(services.create_department)
    update_service = staticmethod(services.update_department)
    service_fields = services.DEPARTMENT_FIELDS
