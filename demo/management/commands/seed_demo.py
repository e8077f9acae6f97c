import time

from django.core.management.base import BaseCommand, CommandError

from demo.seed import DEMO_PASSWORD, demo_allowed, seed_demo


class Command(BaseCommand):
    help = "Create clearly synthetic demo teams, users (one per role) and children. Idempotent."

    def add_arguments(self, parser):
        parser.add_argument(
            "--authority",
            type=int,
            default=0,
            metavar="N",
            help="Also create a synthetic authority of N children (once), so that dashboards "
            "and alerts have figures to show; `make run` asks for 300.",
        )

    def handle(self, *args, **options):
        if not demo_allowed():
            raise CommandError(
                "Demo data (with its published passwords) is only allowed with DEMO_MODE=true."
            )
        if options["authority"] < 0:
            raise CommandError("--authority is a number of children: 0 or more.")
        started = time.perf_counter()

        def progress(step: str) -> None:
            self.stdout.write(f"[{time.perf_counter() - started:5.1f}s] {step}...")
            self.stdout.flush()

        counts = seed_demo(authority_children=options["authority"], progress=progress)
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo data ready: {counts['teams']} teams, {counts['users']} users, "
                f"{counts['children']} children ({time.perf_counter() - started:.1f}s). "
                f"Password for every demo user: {DEMO_PASSWORD}"
            )
        )
