"""A contract list staged before it is applied: its summary first, nothing changed until staff
confirm, and confirmed once (admin and `import_contracts` call these)."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import ice_lists
from .importing import ContractRow, ImportReport, RowProblem, parse_contract_file
from .models import (
    IN_FORCE_STATUSES,
    Contract,
    ContractImport,
    ContractImportStatus,
    ContractStatus,
)
from .services import import_contracts


class ImportRefused(Exception):
    """A staged import that cannot be applied now; the message says why, to staff."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


ALREADY_APPLIED = _("This list was already imported (by %(who)s, %(when)s). Nothing was changed.")
DISCARDED = _("This upload was discarded. Upload the file again.")
HAS_REJECTED_ROWS = _("Some rows are rejected: nothing can be imported from this file.")
CHANGED_SINCE = _(
    "The agreements on file changed since this summary was made (another import?). Check the "
    "new summary below, then confirm again."
)


def summarize(rows: list[ContractRow], problems: list[RowProblem]) -> dict:
    """What importing the rows would change, written nowhere (a dry run of the import)."""
    report = import_contracts(rows, problems=problems, dry_run=True)
    return ice_lists.summary(rows, report)


def stage_import(content: bytes, name: str, *, by) -> ContractImport:
    """Keep the uploaded file with its summary; ImportFileError when it is no contract list."""
    rows, problems = parse_contract_file(content, name)
    summary = summarize(rows, problems)
    return ContractImport.objects.create(
        name=name[:200],
        content=content,
        listed_on=ice_lists.list_date(rows),
        summary=summary,
        uploaded_by=by,
    )


def _same(a: dict, b: dict) -> bool:
    keys = ("created", "updated", "counts", "changes")
    return all(a.get(k) == b.get(k) for k in keys)


def confirm_import(staged_id: int, *, by) -> ImportReport:
    """Apply a staged list, once: the row is locked, so a second confirmation (the same person
    twice, or a colleague on the same upload) waits, then finds it applied and changes nothing.
    When the data changed since the summary was made, nothing is applied and the summary is
    made again for staff to read."""
    with transaction.atomic():
        staged = ContractImport.objects.select_for_update().get(pk=staged_id)
        if staged.status == ContractImportStatus.APPLIED:
            when = timezone.localtime(staged.applied_at).strftime("%Y-%m-%d %H:%M")
            who = staged.applied_by or "—"
            raise ImportRefused(ALREADY_APPLIED % {"who": who, "when": when})
        if staged.status == ContractImportStatus.DISCARDED:
            raise ImportRefused(DISCARDED)
        rows, problems = parse_contract_file(bytes(staged.content), staged.name)
        fresh = summarize(rows, problems)
        if fresh["counts"]["rejected"]:
            raise ImportRefused(HAS_REJECTED_ROWS)
        if not _same(fresh, staged.summary):
            staged.summary = fresh
            staged.save(update_fields=["summary"])
            changed = True
        else:
            changed = False
            report = import_contracts(rows, problems=problems)
            staged.status = ContractImportStatus.APPLIED
            staged.applied_by = by
            staged.applied_at = timezone.now()
            staged.save(update_fields=["status", "applied_by", "applied_at"])
    if changed:
        raise ImportRefused(CHANGED_SINCE)
    return report


@transaction.atomic
def discard_import(staged_id: int) -> bool:
    """Staff cancel a staged upload; False when it was no longer waiting."""
    return bool(
        ContractImport.objects.filter(pk=staged_id, status=ContractImportStatus.STAGED).update(
            status=ContractImportStatus.DISCARDED, content=b""
        )
    )


@transaction.atomic
def confirm_ended(contract: Contract, *, on=None) -> bool:
    """Staff confirm that an agreement missing from ICE's list ended: it is terminated, dated
    `on` (default: the date of the first list without it). False when it was not so marked."""
    locked = Contract.objects.select_for_update().get(pk=contract.pk)
    if locked.status not in IN_FORCE_STATUSES or locked.unlisted_since is None:
        return False
    locked.set_status(ContractStatus.TERMINATED, on=on or locked.unlisted_since)
    locked.save(update_fields=["status", "status_changed", "updated_at"])
    contract.status, contract.status_changed = locked.status, locked.status_changed
    return True
