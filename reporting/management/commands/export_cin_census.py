from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from reporting.census import latest_census_year
from reporting.services import census_prepare


class Command(BaseCommand):
    help = (
        "Write the CIN census XML for the year ending 31 March YEAR, after running the DfE "
        "validation rules on it. Errors stop the file being written (unless --force)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--year",
            type=int,
            help="e.g. 2026 for 2025-26; default: the latest census year that has ended",
        )
        parser.add_argument("--out", required=True, help="The XML file to write.")
        parser.add_argument(
            "--force",
            action="store_true",
            help="Write the file even if validation found errors or could not run.",
        )

    def handle(self, *args, **options):
        year = options["year"] or latest_census_year(timezone.localdate())
        package = census_prepare(year=year)
        census, validation = package.census, package.validation
        self.stdout.write(f"CIN census {census.year} (rules {validation.ruleset})")
        for name, value in census.counts().items():
            self.stdout.write(f"  {name.replace('_', ' ')}: {value}")
        if validation.problem:
            self.stderr.write(validation.problem)
        for issue in validation.issues:
            who = f"child {issue.la_child_id}" if issue.la_child_id else "whole return"
            self.stdout.write(f"  {issue.type.upper():<5} {issue.rule:<6} {who}: {issue.message}")
        if validation.crashed_rules:
            self.stderr.write(f"Rules that could not run: {', '.join(validation.crashed_rules)}")
        if not package.releasable and not options["force"]:
            raise CommandError(
                f"Not written: {len(validation.errors)} errors"
                if validation.errors
                else "Not written: the file could not be validated (use --force to write it)."
            )
        Path(options["out"]).write_bytes(package.xml)
        if not validation.available or validation.problem:
            self.stdout.write(
                f"Wrote {options['out']}: NOT VALIDATED (forced): the DfE rules did not run on "
                "it, so it must not be sent."
            )
            return
        crashed = (
            f", {len(validation.crashed_rules)} rules could not run"
            if validation.crashed_rules
            else ""
        )
        self.stdout.write(
            f"Wrote {options['out']}, validated against the DfE rules {validation.ruleset}: "
            f"{len(validation.errors)} errors, {len(validation.queries)} queries{crashed}"
            + (" (forced: it must not be sent with errors)." if validation.errors else ".")
        )
