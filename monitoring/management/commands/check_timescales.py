import json
from datetime import date

from django.core.management.base import BaseCommand, CommandError

from cases.models import Child
from monitoring.models import AlertStatus
from monitoring.rules import RULES_BY_CODE
from monitoring.services import timescales_scan


class Command(BaseCommand):
    help = (
        "Run the timescale and compliance scan now (the same one Celery runs), store the "
        "alerts and print the findings."
    )

    def add_arguments(self, parser):
        parser.add_argument("--as-of", help="Scan as on this date (YYYY-MM-DD); default today.")
        parser.add_argument("--json", action="store_true", help="Print findings as JSON.")

    def handle(self, *args, **options):
        as_of = None
        if options["as_of"]:
            try:
                as_of = date.fromisoformat(options["as_of"])
            except ValueError as error:
                raise CommandError("--as-of must be a date like 2026-11-26") from error
        result = timescales_scan(as_of=as_of)
        # Timescales not yet due are stored too (the child's "Next due"); only alerts print.
        found = [c for c in result.found if c.status != AlertStatus.UPCOMING]
        ids = {c.finding.child_id for c in found if c.finding.child_id}
        la_ids = dict(Child.objects.filter(pk__in=ids).values_list("pk", "la_child_id"))
        rows = [
            {
                "rule": c.finding.rule,
                "child": la_ids.get(c.finding.child_id),
                "subject": c.finding.subject_key,
                "due": c.finding.due_date.isoformat() if c.finding.due_date else None,
                "days_overdue": c.days_overdue,
                "status": c.status,
                "evidence": c.finding.evidence,
            }
            for c in sorted(found, key=lambda c: (c.finding.rule, c.finding.subject_key))
        ]
        if options["json"]:
            self.stdout.write(json.dumps(rows, indent=2))
            return
        for row in rows:
            title = RULES_BY_CODE[row["rule"]].title
            self.stdout.write(
                f"{row['status']:<9} {title:<45} child {row['child'] or '-':<14} "
                f"due {row['due']} ({row['days_overdue']:+d} wd)  {row['evidence']}"
            )
        self.stdout.write(
            f"{len(rows)} findings; {result.created} new alerts, {result.updated} updated, "
            f"{result.resolved} resolved."
        )
