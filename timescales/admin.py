from django.contrib import admin

from .models import LocalPolicy


@admin.register(LocalPolicy)
class LocalPolicyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return not LocalPolicy.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False
