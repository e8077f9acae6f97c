from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Synthetic data only: the demo's seed and the large authority for benchmarks. It sits on
    top, beside dashboards and reporting, because it writes through every app's models."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "demo"
