from django.contrib import admin

from .models import LetterTemplate, RetentionPeriod
from .services import retention_period_set


@admin.register(LetterTemplate)
class LetterTemplateAdmin(admin.ModelAdmin):
    list_display = ["kind", "subject", "updated_at"]


@admin.register(RetentionPeriod)
class RetentionPeriodAdmin(admin.ModelAdmin):
    list_display = ["document_type", "years"]

    def save_model(self, request, obj, form, change):
        # Through the service: every unreviewed document of the type gets its new review date.
        retention_period_set(document_type=obj.document_type, years=obj.years)
