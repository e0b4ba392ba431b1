"""The administration site is for administrators to manage agencies, teams and staff. It registers no family
data: an administrator cannot read case files (P-4).

Issue 13 finding 2 (b): nor can an administrator become someone who can. The site never sets a password (it sends
the owner a link to set their own), an administrator cannot change their own role, agency, team or permissions,
partner-system accounts and tokens are not here (tokens need an agency manager's approval, on Partner systems), and
every change is an audit row written by the same service in the same transaction."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from . import services
from .forms import ProfessionalAdminForm
from .models import Agency, Professional, Role, Team


class AdministratorsOnlySite(admin.AdminSite):
    site_header = "Doorstep administration"

    def has_permission(self, request):
        return request.user.is_active and request.user.is_authenticated and request.user.is_administrator


site = AdministratorsOnlySite(name="admin")


class AdministratorsOnlyAdmin(admin.ModelAdmin):
    """Administrators view, add and change; nobody deletes (records are referred to by the audit log)."""

    def has_module_permission(self, request):
        return self.admin_site.has_permission(request)  # signed in, active, an administrator (anonymous too)

    def has_view_permission(self, request, obj=None):
        return self.admin_site.has_permission(request)  # signed in, active, an administrator (anonymous too)

    def has_change_permission(self, request, obj=None):
        return self.admin_site.has_permission(request)  # signed in, active, an administrator (anonymous too)

    def has_add_permission(self, request):
        return self.admin_site.has_permission(request)  # signed in, active, an administrator (anonymous too)

    def has_delete_permission(self, request, obj=None):
        return False


def _scoped(request, queryset, field: str):
    """Issue 21: the rows of the agencies a partnership's administrator manages (services.administered_agency_ids);
    every row for a deployment administrator."""
    scope = services.administered_agency_ids(request.user)
    return queryset if scope is None else queryset.filter(**{f"{field}__in": scope})


@admin.register(Agency, site=site)
class AgencyAdmin(AdministratorsOnlyAdmin):
    list_display = ["name", "name_cy", "kind", "is_active"]
    list_filter = ["kind", "is_active"]

    def get_queryset(self, request):
        # Issue 21: a partnership's administrator lists the agencies working in their partnership only.
        return _scoped(request, super().get_queryset(request), "pk")

    def save_model(self, request, obj, form, change):
        services.agency_save_by_administrator(by=request.user, agency=obj)


@admin.register(Team, site=site)
class TeamAdmin(AdministratorsOnlyAdmin):
    list_display = ["name", "agency"]
    list_filter = ["agency"]

    def get_queryset(self, request):
        return _scoped(request, super().get_queryset(request), "agency_id")  # issue 21

    def save_model(self, request, obj, form, change):
        services.team_save_by_administrator(by=request.user, team=obj)


@admin.register(Professional, site=site)
class ProfessionalAdmin(AdministratorsOnlyAdmin):
    """Not Django's UserAdmin: it has a page that sets anyone's password, and a creation form with one."""

    form = ProfessionalAdminForm
    list_display = ["username", "first_name", "last_name", "agency", "role", "is_designated_postholder", "is_active"]
    list_filter = ["agency", "role", "is_designated_postholder", "is_active"]
    search_fields = ["username", "first_name", "last_name", "email"]
    ordering = ["last_name", "first_name"]
    fieldsets = (
        (None, {"fields": ("username", "password_note")}),
        (_("Personal info"), {"fields": ("first_name", "last_name", "email")}),
        ("Doorstep", {"fields": ("agency", "team", "job_title", "role", "line_manager", "is_designated_postholder",
                                 "is_duty_manager", "is_disclosure_officer",
                                 "is_records_manager", "is_case_file_auditor", "phone", "preferred_language")}),
        (_("Status"), {"fields": ("is_active",)}),
    )
    raw_id_fields = ["line_manager"]
    actions = ["send_password_link"]

    @admin.display(description=_("Password"))
    def password_note(self, obj):
        return _("Passwords are never set here. To let this person set a new password, tick them in the list of "
                 "professionals and choose \"Send a password reset link\".")

    def get_queryset(self, request):
        # Partner-system accounts belong to their tokens (Partner systems), not to the admin site.
        # Issue 21: a partnership's administrator lists the staff of agencies working in their partnership only.
        return _scoped(request, super().get_queryset(request).exclude(role=Role.SYSTEM), "agency_id")

    def get_readonly_fields(self, request, obj=None):
        readonly = ["password_note"]
        if obj is not None and obj.pk == request.user.pk:
            form_fields = ProfessionalAdminForm._meta.fields
            readonly += [f for f in services.SELF_PROTECTED_FIELDS if f in form_fields]
        return readonly

    def lookup_allowed(self, lookup, value, request=None):
        # No filtering on password hashes (?password__startswith=...), as Django's UserAdmin.
        return not lookup.startswith("password") and super().lookup_allowed(lookup, value, request)

    def save_model(self, request, obj, form, change):
        services.professional_save_by_administrator(by=request.user, professional=obj)

    @admin.action(description=_("Send a password reset link"))
    def send_password_link(self, request, queryset):
        sent = 0
        for professional in queryset:
            try:
                services.professional_send_password_link(by=request.user, professional=professional)
                sent += 1
            except (ValidationError, PermissionDenied) as exc:
                self.message_user(request, " ".join(getattr(exc, "messages", [str(exc)])), messages.ERROR)
        if sent:
            self.message_user(request, ngettext("Sent %(n)d password reset link.", "Sent %(n)d password reset links.",
                                                sent) % {"n": sent}, messages.SUCCESS)
