"""The agencies' lone-working procedures, on the administration site (ESC-12: timescales are configuration)."""

from django.contrib import admin

from doorstep.agencies.admin import site

from .models import LoneWorkingProcedure


@admin.register(LoneWorkingProcedure, site=site)
class LoneWorkingProcedureAdmin(admin.ModelAdmin):
    list_display = ["agency", "reminder_minutes", "line_manager_minutes", "duty_manager_minutes", "emergency_minutes",
                    "acknowledgement_hold_minutes"]

    def has_module_permission(self, request):
        return self.admin_site.has_permission(request)  # signed in, active, an administrator (anonymous too)

    def has_view_permission(self, request, obj=None):
        return self.admin_site.has_permission(request)  # signed in, active, an administrator (anonymous too)

    has_change_permission = has_add_permission = has_view_permission

    def has_delete_permission(self, request, obj=None):
        return self.admin_site.has_permission(request)  # signed in, active, an administrator (anonymous too)
