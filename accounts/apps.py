from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _ensure_roles(sender, **kwargs) -> None:
    from .services import roles_ensure

    roles_ensure()


class AccountsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "accounts"

    def ready(self) -> None:
        # Permissions exist only after post_migrate, so role permissions are set here.
        post_migrate.connect(_ensure_roles, sender=self)
