import os
import time

from django.core.management.base import BaseCommand

from demo.synthetic import generate_authority


class Command(BaseCommand):
    help = "Create a large synthetic authority (for benchmarks): N invented children and records."

    def add_arguments(self, parser):
        parser.add_argument("--children", type=int, default=20000)
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument(
            "--workers",
            type=int,
            default=os.cpu_count() or 1,
            help="Processes sharing the chunks on PostgreSQL (default: one a core).",
        )

    def handle(self, *args, **options):
        started = time.perf_counter()
        counts = generate_authority(
            children=options["children"], seed=options["seed"], workers=options["workers"]
        )
        self.stdout.write(
            f"Created {counts.children} children, {counts.referrals} referrals, "
            f"{counts.discussions} strategy discussions, {counts.section47s} s47 enquiries, "
            f"{counts.conferences} conferences, {counts.plans} plans, {counts.visits} visits "
            f"({counts.extra}) in {time.perf_counter() - started:.1f}s."
        )
