from django.apps import AppConfig


class ReportingConfig(AppConfig):
    """Statutory returns: the CIN census (export, validation, import) and Ofsted's Annex A."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "reporting"
