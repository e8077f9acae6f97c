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
        _audit_access_records()


def _audit_access_records() -> None:
    """Who may do what is audited like case records: every change to a user (their roles
    included), a role, a team, an authenticator device or an enrolment code, with the actor."""
    from auditlog.registry import auditlog
    from django.contrib.auth.models import Group
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from .models import EnrolmentCode, Team, User

    auditlog.register(
        User,
        m2m_fields={"groups", "user_permissions"},
        mask_fields=["password"],
        exclude_fields=["last_login"],
    )
    auditlog.register(Group, m2m_fields={"permissions"})
    auditlog.register(Team, m2m_fields={"managers"})
    auditlog.register(
        TOTPDevice,
        exclude_fields=[
            "key",
            "last_t",
            "throttling_failure_timestamp",
            "throttling_failure_count",
            "last_used_at",
        ],
    )
    auditlog.register(EnrolmentCode, exclude_fields=["code_hash"])
