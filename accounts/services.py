from django.contrib.auth.models import Group, Permission
from django.db import transaction

from .models import Role

ADMIN_MODELS = [("accounts", "user"), ("accounts", "team"), ("auth", "group")]


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
    groups[Role.ADMINISTRATOR].permissions.set(perms)
    return groups
