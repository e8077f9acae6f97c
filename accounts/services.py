from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.db.models import Q

from .models import Role

ADMIN_MODELS = [
    ("accounts", "user"),
    ("accounts", "team"),
    ("auth", "group"),
    # The dashboard's local targets (no case content).
    ("dashboards", "figuretarget"),
    # Partner agencies, their API clients and webhooks (keys are issued from the client).
    ("partners", "partnerorganisation"),
    ("partners", "partnerperson"),
    ("partners", "partnerclient"),
    ("partners", "webhooksubscription"),
]
# Security housekeeping for administrators: read the audit log, see and clear login lockouts
# (django-axes), remove a lost authenticator app and issue an enrolment code so its owner can
# set up a new one (and see which codes were issued).
ADMIN_EXTRA_PERMISSIONS = [
    ("auditlog", "view_logentry"),
    ("axes", "view_accessattempt"),
    ("axes", "delete_accessattempt"),
    ("axes", "view_accesslog"),
    ("otp_totp", "view_totpdevice"),
    ("otp_totp", "delete_totpdevice"),
    ("accounts", "add_enrolmentcode"),
    ("accounts", "view_enrolmentcode"),
    # The webhook delivery log, and sending an event again (an admin action).
    ("partners", "view_webhookdelivery"),
    ("partners", "change_webhookdelivery"),
    ("partners", "view_partnerapikey"),
]


@transaction.atomic
def roles_ensure() -> dict[str, Group]:
    """Make sure every role group exists; administrators may manage users, teams and roles.

    Permissions are created by post_migrate, after data migrations, so this runs from
    seed_demo and from the `ensure_roles` command rather than a migration.
    """
    groups = {role.value: Group.objects.get_or_create(name=role.value)[0] for role in Role}
    perms = Permission.objects.filter(
        content_type__app_label__in=[a for a, _ in ADMIN_MODELS],
        content_type__model__in=[m for _, m in ADMIN_MODELS],
    )
    extra = Q()
    for app_label, codename in ADMIN_EXTRA_PERMISSIONS:
        extra |= Q(content_type__app_label=app_label, codename=codename)
    groups[Role.ADMINISTRATOR].permissions.set([*perms, *Permission.objects.filter(extra)])
    return groups


def form_tokens_forget(*, older_than_hours: int = 24) -> int:
    """Spent form tokens are only needed while someone might send the same page again."""
    from datetime import timedelta

    from django.utils import timezone

    from .models import FormSubmission

    cutoff = timezone.now() - timedelta(hours=older_than_hours)
    deleted, _ = FormSubmission.objects.filter(created_at__lt=cutoff).delete()
    return deleted
