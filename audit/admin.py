"""The audit log in the admin site: searchable, filterable, and read-only for everyone."""

from auditlog.admin import LogEntryAdmin as AuditlogLogEntryAdmin
from auditlog.filters import ResourceTypeFilter
from auditlog.models import LogEntry
from django.contrib import admin

if admin.site.is_registered(LogEntry):
    admin.site.unregister(LogEntry)


@admin.register(LogEntry)
class LogEntryAdmin(AuditlogLogEntryAdmin):
    """Who did what to which record, when and from where.

    Administrators may search and read; nobody may add, change or delete (the database refuses
    too). The before/after values can hold case content, which administrators do not see by
    default (DOMAIN.md), so the change details are shown to superusers only and are not
    searchable.
    """

    list_display = ["created", "resource_url", "action", "user_url", "remote_addr", "what"]
    list_filter = [
        "action",
        ("actor", admin.RelatedOnlyFieldListFilter),
        ("timestamp", admin.DateFieldListFilter),
        ResourceTypeFilter,
    ]
    search_fields = ["object_repr", "object_pk", "actor__username", "actor__last_name"]
    show_full_result_count = False

    @admin.display(description="What")
    def what(self, obj: LogEntry) -> str:
        return (
            (obj.additional_data or {}).get("what", "") if obj.action == obj.Action.ACCESS else ""
        )

    def get_fieldsets(self, request, obj=None):
        who = ["created", "user_url", "remote_addr", "resource_url", "action", "what"]
        if request.user.is_superuser:
            return [(None, {"fields": who}), ("Changes", {"fields": ["msg"]})]
        return [(None, {"fields": who})]

    def get_readonly_fields(self, request, obj=None):
        return ["created", "user_url", "remote_addr", "resource_url", "action", "what", "msg"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
