from django.apps import AppConfig


class CasesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "cases"

    def ready(self) -> None:
        # Registers the record's chronology sources (referrals, visits, notes ...).
        from . import chronology_sources  # noqa: F401
