"""The administration site is for administrators to manage agencies, teams and staff. It registers no family
data: an administrator cannot read case files (P-4)."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from .models import Agency, Professional, Team


class AdministratorsOnlySite(admin.AdminSite):
    site_header = "Doorstep administration"

    def has_permission(self, request):
        return request.user.is_active and request.user.is_authenticated and request.user.is_administrator


site = AdministratorsOnlySite(name="admin")


@admin.register(Agency, site=site)
class AgencyAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "is_active"]
    list_filter = ["kind", "is_active"]


@admin.register(Team, site=site)
class TeamAdmin(admin.ModelAdmin):
    list_display = ["name", "agency"]
    list_filter = ["agency"]


@admin.register(Professional, site=site)
class ProfessionalAdmin(UserAdmin):
    list_display = ["username", "first_name", "last_name", "agency", "role", "is_designated_postholder", "is_active"]
    list_filter = ["agency", "role", "is_designated_postholder", "is_active"]
    fieldsets = UserAdmin.fieldsets[:2] + (
        ("Doorstep", {"fields": ("agency", "team", "job_title", "role", "line_manager", "is_designated_postholder",
                                 "is_duty_manager", "phone", "preferred_language")}),
        ("Status", {"fields": ("is_active",)}),
    )
    raw_id_fields = ["line_manager"]

    def has_module_permission(self, request):
        return request.user.is_administrator

    def has_view_permission(self, request, obj=None):
        return request.user.is_administrator

    has_change_permission = has_add_permission = has_view_permission

    def has_delete_permission(self, request, obj=None):
        return False


for model_admin in (AgencyAdmin, TeamAdmin):
    model_admin.has_module_permission = lambda self, request: request.user.is_administrator
    model_admin.has_view_permission = lambda self, request, obj=None: request.user.is_administrator
    model_admin.has_change_permission = model_admin.has_view_permission
    model_admin.has_add_permission = lambda self, request: request.user.is_administrator
    model_admin.has_delete_permission = lambda self, request, obj=None: False
