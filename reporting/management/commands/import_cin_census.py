from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from reporting.census_import import census_import


class Command(BaseCommand):
    help = (
        "Load a CIN census XML file. Children are matched by LA child ID; loading the same file "
        "again changes nothing. A child with any problem is not loaded, and is reported. The "
        "command fails (exit status 1) when the file held no child or anything was not loaded."
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
        if report.children_skipped:
            n = report.children_skipped
            raise CommandError(
                f"{n} {'child' if n == 1 else 'children'} not loaded: put right the problems "
                "listed above and load the file again (what did load stays loaded)."
            )
        if report.children_in_file == 0:
            raise CommandError(
                "Nothing loaded: " + (str(report.problems[0]) if report.problems else "no child.")
            )
        if report.problems:
            raise CommandError(f"{len(report.problems)} problems with the file: see above.")
