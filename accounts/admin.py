from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from .models import Team, User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    # The stubs allow any admin's fieldsets to be None; UserAdmin's are a tuple.
    fieldsets = BaseUserAdmin.fieldsets + (("Casework", {"fields": ("team", "job_title")}),)  # type: ignore[operator]
    list_display = ("username", "first_name", "last_name", "team", "is_active")
    list_filter = ("team", "groups", "is_active")

    def has_delete_permission(self, request, obj=None):
        # The audit log names users as actors and cannot be changed, so a user who has left is
        # deactivated (untick "Active"), never deleted.
        return False


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ("name",)
    filter_horizontal = ("managers",)
    search_fields = ("name",)
