"""Import a 287(g) contract list: our CSV format, or ICE's participating-agencies sheet (CSV/XLSX).

Idempotent (a second run changes nothing) and all-or-nothing (one bad row: nothing is written).
Creates the county campaigns the new contracts need. Places every agency (its county, city or
state) and lists, by line, the ones it could not place; staff place those in the admin. The admin's import calls the same service.
"""

from datetime import date
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from campaigns.importing import ImportFileError, mark_listed, parse_contract_file
from campaigns.services import import_contracts


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser):
        parser.add_argument("path", help="CSV or XLSX file")
        parser.add_argument("--dry-run", action="store_true", help="report, write nothing")
        parser.add_argument(
            "--list-date",
            type=date.fromisoformat,
            help="the date of ICE's list (YYYY-MM-DD), when its sources do not name it",
        )

    def handle(self, path, dry_run=False, list_date=None, verbosity=1, **options):
        file = Path(path)
        if not file.is_file():
            raise CommandError(f"No such file: {path}")
        try:
            rows, problems = parse_contract_file(file.read_bytes(), file.name)
        except ImportFileError as exc:
            raise CommandError(f"{file.name}: {exc}") from exc
        if list_date:
            mark_listed(rows, list_date, file.name)
        report = import_contracts(rows, problems=problems, dry_run=dry_run)
        for alias in report.aliases:
            if verbosity >= 1:
                self.stdout.write(f"alias used, {alias}")
        for problem in report.unplaced:
            if verbosity >= 1:
                self.stdout.write(f"line {problem.line}: not placed: {problem.reason}")
        for problem in report.rejected:
            self.stderr.write(f"line {problem.line}: rejected: {problem.reason}")
        if verbosity >= 1:
            self.stdout.write(f"{file.name}: {report.summary()}")
        if report.rejected:
            raise CommandError(f"{len(report.rejected)} rows rejected: nothing was imported.")
        if dry_run and verbosity >= 1:
            self.stdout.write("Dry run: nothing was written.")
