from django.core.management.base import BaseCommand, CommandError

from cases.demo import DEMO_PASSWORD, demo_allowed, seed_demo


class Command(BaseCommand):
    help = "Create clearly synthetic demo teams, users (one per role) and children. Idempotent."

    def handle(self, *args, **options):
        if not demo_allowed():
            raise CommandError(
                "Demo data (with its published passwords) is only allowed with DEMO_MODE=true."
            )
        counts = seed_demo()
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo data ready: {counts['teams']} teams, {counts['users']} users, "
                f"{counts['children']} children. Password for every demo user: {DEMO_PASSWORD}"
            )
        )
