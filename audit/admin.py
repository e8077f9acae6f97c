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
    too). The before/after values and a record's description (a child's name, a note's subject)
    can hold case content, which administrators do not see (DOMAIN.md): only superusers see the
    change details and descriptions of case records, or search by description.
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

    # Records whose description is about staff accounts, not children: shown to administrators.
    ACCOUNT_APPS = {"accounts", "auth", "otp_totp", "axes", "timescales"}

    def get_search_fields(self, request):
        # A record's description can be a child's name or a note's subject: only superusers
        # search it. Administrators find entries by record number and by who acted.
        if request.user.is_superuser:
            return self.search_fields
        return ["object_pk", "actor__username", "actor__last_name"]

    def get_list_display(self, request):
        if request.user.is_superuser:
            return self.list_display
        return ["created", "resource", "action", "user_url", "remote_addr", "what"]

    def get_object(self, request, object_id, from_field=None):
        obj = super().get_object(request, object_id, from_field)
        if obj is not None and not request.user.is_superuser:
            # The page's title and breadcrumbs name the entry by its record's description.
            obj.object_repr = self.resource(obj)
        return obj

    @admin.display(description="Resource")
    def resource(self, obj: LogEntry) -> str:
        """The record's type and number; its description only for staff account records."""
        if obj.content_type.app_label in self.ACCOUNT_APPS:
            return f"{obj.content_type.name} - {obj.object_repr}"
        return f"{obj.content_type.name} #{obj.object_pk}"

    @admin.display(description="What")
    def what(self, obj: LogEntry) -> str:
        return (
            (obj.additional_data or {}).get("what", "") if obj.action == obj.Action.ACCESS else ""
        )

    def get_fieldsets(self, request, obj=None):
        who = ["created", "user_url", "remote_addr", "resource_url", "action", "what"]
        if request.user.is_superuser:
            return [(None, {"fields": who}), ("Changes", {"fields": ["msg"]})]
        who[who.index("resource_url")] = "resource"
        return [(None, {"fields": who})]

    def get_readonly_fields(self, request, obj=None):
        return [
            "created",
            "user_url",
            "remote_addr",
            "resource_url",
            "resource",
            "action",
            "what",
            "msg",
        ]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
