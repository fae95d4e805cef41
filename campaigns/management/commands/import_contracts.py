"""Import a 287(g) contract list: our CSV format, or ICE's participating-agencies sheet (CSV/XLSX).

Prints the summary first (new agreements, agreements no longer on ICE's list, model changes,
agencies it could not place, by line), then applies it; with --dry-run, only the summary.
Idempotent (a second run changes nothing and tells nobody again) and all-or-nothing (one bad
row: nothing is written). Creates the campaigns new agreements need. The admin's import shows the
same summary and calls the same services.
"""

from datetime import date
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from campaigns.ice_lists import Change, model_label
from campaigns.importing import ImportFileError, mark_listed, parse_contract_file
from campaigns.list_imports import summarize
from campaigns.services import import_contracts


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser):
        parser.add_argument("path", help="CSV or XLSX file")
        parser.add_argument("--dry-run", action="store_true", help="the summary; write nothing")
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
        summary = summarize(rows, problems)
        self._print_summary(file.name, summary, verbosity)
        if summary["counts"][Change.REJECTED]:
            raise CommandError(
                f"{summary['counts'][Change.REJECTED]} rows rejected: nothing was imported."
            )
        if dry_run:
            if verbosity >= 1:
                self.stdout.write("Dry run: nothing was written.")
            return
        report = import_contracts(rows, problems=problems)
        if not report.written:  # the data changed under us and a row no longer fits
            for problem in report.rejected:
                self.stderr.write(f"line {problem.line}: rejected: {problem.reason}")
            raise CommandError("Nothing was imported.")
        if verbosity >= 1:
            self.stdout.write(f"{file.name}: imported: {report.summary()}")

    def _print_summary(self, name: str, summary: dict, verbosity: int) -> None:
        for problem in summary["changes"]:
            if problem["kind"] == Change.REJECTED:
                self.stderr.write(f"line {problem['line']}: rejected: {problem['detail']}")
        if verbosity < 1:
            return
        for alias in summary["aliases"]:
            self.stdout.write(f"alias used, {alias}")
        counts = summary["counts"]
        listed = f" (ICE's list of {summary['listed_on']})" if summary["listed_on"] else ""
        self.stdout.write(
            f"{name}{listed}: {summary['rows']} rows; "
            f"{counts[Change.NEW]} new agreements, "
            f"{counts[Change.UNLISTED]} no longer on ICE's list, "
            f"{counts[Change.MODEL]} model changes, "
            f"{counts[Change.UNPLACED]} agencies not placed, "
            f"{counts[Change.REJECTED]} rows rejected; "
            f"{summary['created']} contracts to create, {summary['updated']} to update, "
            f"{summary['unchanged']} unchanged, {summary['campaigns_created']} new campaigns"
        )
        # Every change at -v 2; at -v 1 the ones staff act on (a first load is all new).
        shown = {Change.UNLISTED, Change.MODEL, Change.UNPLACED}
        if verbosity >= 2:
            shown |= {Change.NEW, Change.UPDATED}
        for change in summary["changes"]:
            if change["kind"] not in shown:
                continue
            line = f"line {change['line']}: " if change["line"] else ""
            if change["kind"] == Change.UNPLACED:  # the reason names the agency
                self.stdout.write(f"{line}not placed: {change['detail']}")
                continue
            models = model_label(change["models"]) if change["models"] else ""
            detail = f" ({change['detail']})" if change["detail"] else ""
            label = {
                Change.NEW: "new",
                Change.UNLISTED: "no longer listed",
                Change.MODEL: "model changed",
                Change.UPDATED: "updated",
            }[change["kind"]]
            self.stdout.write(
                f"{line}{label}: {change['state']} {change['agency']}: {models}{detail}"
            )
