"""Staff accounts in the admin site.

Administrators ("users, teams, roles; no case content") keep accounts and teams up to date, but
everything that grants access is read-only to them unless they are a superuser: a user's
password, roles (groups), permissions, staff and superuser flags, and the groups themselves.
Authenticator devices show no key or QR code (OTP_ADMIN_HIDE_SENSITIVE_DATA) and can only be
deleted (a lost phone), never made or changed. To set up a first (or replacement) authenticator
app a user needs an enrolment code, which an administrator issues here (the "Issue an enrolment
code" action on users) and gives them in person or by phone. Every change to a user, group,
team, device or enrolment code is audited (auditlog registrations in accounts/apps.py).
"""

from django.conf import settings
from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin as BaseGroupAdmin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.utils.cache import add_never_cache_headers
from django_otp.plugins.otp_totp.admin import TOTPDeviceAdmin as BaseTOTPDeviceAdmin
from django_otp.plugins.otp_totp.models import TOTPDevice

from .forms import AdminLoginForm
from .models import EnrolmentCode, Team, User
from .otp import enrolment_code_issue

# The admin site's own sign-in page, like ours, answers an overlong username with a message.
admin.site.login_form = AdminLoginForm

ACCESS_FIELDS = ("is_superuser", "is_staff", "groups", "user_permissions")


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    # The stubs allow any admin's fieldsets to be None; UserAdmin's are a tuple.
    fieldsets = BaseUserAdmin.fieldsets + (("Casework", {"fields": ("team", "job_title")}),)  # type: ignore[operator]
    list_display = ("username", "first_name", "last_name", "team", "is_active")
    list_filter = ("team", "groups", "is_active")
    actions = ["issue_enrolment_code"]

    def has_issue_enrolment_code_permission(self, request) -> bool:
        return request.user.has_perm("accounts.add_enrolmentcode")

    @admin.action(
        description="Issue an enrolment code (to set up an authenticator app)",
        permissions=["issue_enrolment_code"],
    )
    def issue_enrolment_code(self, request, queryset):
        """Shows each new code once, to be given to its user in person or by phone."""
        if not request.user.is_superuser and queryset.filter(is_superuser=True).exists():
            # With a superuser's password and a code, an administrator could become one.
            self.message_user(
                request, "Only a superuser may issue an enrolment code for a superuser.", "error"
            )
            return None
        issued = [
            (user, enrolment_code_issue(user=user, issued_by=request.user)[1])
            for user in queryset.filter(is_active=True)
        ]
        context = {
            **self.admin_site.each_context(request),
            "title": "Enrolment codes issued",
            "issued": issued,
            "hours": settings.OTP_ENROLMENT_CODE_HOURS,
            "opts": self.opts,
        }
        response = TemplateResponse(request, "admin/accounts/enrolment_codes_issued.html", context)
        add_never_cache_headers(response)
        return response

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            readonly += [*ACCESS_FIELDS, "last_login", "date_joined"]
        return readonly

    def user_change_password(self, request, id, form_url=""):
        # Setting someone's password is taking over their account.
        if not request.user.is_superuser:
            raise PermissionDenied
        return super().user_change_password(request, id, form_url)

    def has_delete_permission(self, request, obj=None):
        # The audit log names users as actors and cannot be changed, so a user who has left is
        # deactivated (untick "Active"), never deleted.
        return False


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ("name", "front_door", "family_help", "contact_phone", "contact_email")
    filter_horizontal = ("managers",)
    search_fields = ("name",)


admin.site.unregister(Group)


@admin.register(Group)
class GroupAdmin(BaseGroupAdmin):
    """Roles and what they may do: only superusers change them."""

    def has_add_permission(self, request):
        return request.user.is_superuser

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser


if admin.site.is_registered(TOTPDevice):
    admin.site.unregister(TOTPDevice)


@admin.register(TOTPDevice)
class TOTPDeviceAdmin(BaseTOTPDeviceAdmin):
    """Administrators delete a lost authenticator app so its owner can set up a new one; only
    superusers make or change a device."""

    def has_add_permission(self, request):
        return request.user.is_superuser

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser


@admin.register(EnrolmentCode)
class EnrolmentCodeAdmin(admin.ModelAdmin):
    """Which codes were issued, by whom, and whether they were used; never the code itself.
    Codes are issued from the users list, never made or changed here."""

    list_display = ("user", "created_by", "created_at", "expires_at", "used_at", "cancelled_at")
    list_filter = ("created_at",)
    search_fields = ("user__username", "user__first_name", "user__last_name")
    fields = (
        "user",
        "created_by",
        "created_at",
        "expires_at",
        "used_at",
        "cancelled_at",
        "failed_attempts",
    )
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
