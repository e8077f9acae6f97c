from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from reporting.census_import import census_import


class Command(BaseCommand):
    help = (
        "Load a CIN census XML file. Children are matched by LA child ID; loading the same file "
        "again changes nothing. A child with any problem is not loaded, and is reported."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="The census XML file.")

    def handle(self, *args, **options):
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        report = census_import(data=path.read_bytes(), source_name=path.name)
        self.stdout.write(report.summary())
        for problem in report.problems:
            self.stdout.write(f"  NOT LOADED {problem}")
