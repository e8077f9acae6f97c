from datetime import date
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from reporting.annex_a import annex_a_build, annex_a_workbook


class Command(BaseCommand):
    help = (
        "Write Ofsted's Annex A workbook (every list; 1 to 7 filled, the six months before "
        "--as-of) as an .xlsx file."
    )

    def add_arguments(self, parser):
        parser.add_argument("--as-of", help="YYYY-MM-DD; default: today")
        parser.add_argument("--out", required=True, help="The .xlsx file to write.")

    def handle(self, *args, **options):
        try:
            as_of = (
                date.fromisoformat(options["as_of"]) if options["as_of"] else timezone.localdate()
            )
        except ValueError as error:
            raise CommandError("--as-of must be a date like 2026-11-26") from error
        lists = annex_a_build(as_of=as_of)
        Path(options["out"]).write_bytes(annex_a_workbook(lists))
        for annex in lists:
            held = "not held here" if annex.note else f"{len(annex.rows)} rows"
            self.stdout.write(f"{annex.sheet_name} ({annex.title}): {held}")
        self.stdout.write(f"Wrote {options['out']}")
