import json
from datetime import date

from django.core.management.base import BaseCommand, CommandError

from accounts.models import Team
from dashboards.measures import Measures, Scope


class Command(BaseCommand):
    help = "Print the child protection measures for a period (the same as the dashboards)."

    def add_arguments(self, parser):
        parser.add_argument("--from", dest="date_from", required=True, help="YYYY-MM-DD")
        parser.add_argument("--to", dest="date_to", required=True, help="YYYY-MM-DD")
        parser.add_argument("--as-of", dest="as_of", help="YYYY-MM-DD (default: --to)")
        parser.add_argument("--team", type=int, help="A team's id (default: the authority)")
        parser.add_argument("--json", action="store_true", help="Print JSON (the default).")

    def handle(self, *args, **options):
        try:
            start = date.fromisoformat(options["date_from"])
            end = date.fromisoformat(options["date_to"])
            as_of = date.fromisoformat(options["as_of"]) if options["as_of"] else None
        except ValueError as error:
            raise CommandError("Dates must look like 2026-11-26.") from error
        if end < start:
            raise CommandError("--to must not be before --from.")
        if options["team"]:
            team = Team.objects.filter(pk=options["team"]).first()
            if team is None:
                raise CommandError(f"No team with id {options['team']}.")
            scope = Scope("team", team.name, (team.pk,))
        else:
            scope = Scope.authority()
        self.stdout.write(json.dumps(Measures(scope, start, end, as_of).summary(), indent=2))
