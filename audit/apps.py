from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save


class AuditConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "audit"
    verbose_name = "Audit"

    def ready(self) -> None:
        from .versions import record_changed

        # Any save or delete of a case app's record moves the data version (audit.versions).
        post_save.connect(record_changed, dispatch_uid="audit-data-version-save")
        post_delete.connect(record_changed, dispatch_uid="audit-data-version-delete")
