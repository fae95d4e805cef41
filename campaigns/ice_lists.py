"""What a newer ICE list changes: the summary staff read before it is applied (new agreements,
agreements no longer listed, model changes, unplaced agencies), the mark an agreement missing from
it carries ("not on ICE's list since"), and the news it makes for leaders and signers once applied.

Reads and marks only; the import itself stays in services.import_contracts, which calls in here.
"""

from collections import defaultdict
from dataclasses import asdict, dataclass, field
from datetime import date

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from config.outbox import enqueue_with_transaction

from . import signals
from .importing import ContractRow, ImportReport
from .models import (
    IN_FORCE_STATUSES,
    Agency,
    Campaign,
    Contract,
    ContractList,
    ContractModel,
    Jurisdiction,
    Leadership,
)
from .tasks import notify_leader_of_list_changes


class Change:
    """The kinds of line a summary lists; staff filter the list by them."""

    NEW = "new"
    UNLISTED = "unlisted"
    MODEL = "model"
    UPDATED = "updated"
    UNPLACED = "unplaced"
    REJECTED = "rejected"

    LABELS = {
        NEW: _("New agreement"),
        UNLISTED: _("No longer on the list"),
        MODEL: _("Model changed"),
        UPDATED: _("Dates or status changed"),
        UNPLACED: _("Agency not placed"),
        REJECTED: _("Row rejected"),
    }


@dataclass
class ListChange:
    kind: str
    state: str
    agency: str
    line: int | None = None
    # A model's value, or "old→new" for a model change (several joined by ",").
    models: str = ""
    detail: str = ""


@dataclass
class ListDiff:
    """What the rows change against the agreements we hold, before anything is written."""

    listed_on: date | None
    # True when the rows are ICE's list of a date after the newest we hold: only then does an
    # agreement missing from it count as no longer listed, and only then is it news.
    newer: bool
    new_rows: list[ContractRow] = field(default_factory=list)
    gone: list[Contract] = field(default_factory=list)
    # Agencies whose listed agreements changed model: match key -> (gone contracts, new rows).
    model_changes: dict[tuple[str, str], tuple[list, list]] = field(default_factory=dict)


def _key(state: str, agency: str, model: str) -> tuple[str, str, str]:
    return (state, Agency.match_key(agency), model)


def list_date(rows: list[ContractRow]) -> date | None:
    dates = {row.listed_on for row in rows}
    return dates.pop() if len(dates) == 1 else None


def diff(rows: list[ContractRow], *, only_news: bool = False) -> ListDiff:
    """Compare the rows with the database: two queries, whatever the list's size (one when
    `only_news` and the rows are no newer list: the import then has nothing to announce)."""
    listed_on = list_date(rows)
    latest = ContractList.objects.latest_date()
    newer = bool(listed_on and latest and listed_on > latest)
    result = ListDiff(listed_on=listed_on, newer=newer)
    if only_news and not newer:
        return result
    held = {
        (c.agency.state, c.agency.match_name, c.model): c
        for c in Contract.objects.select_related("agency")
    }
    in_file = {_key(row.state, row.agency, row.model) for row in rows}
    result.new_rows = [row for row in rows if _key(row.state, row.agency, row.model) not in held]
    if newer:
        result.gone = [
            c
            for key, c in held.items()
            if key not in in_file
            and c.status in IN_FORCE_STATUSES
            and c.last_listed is not None
            and c.last_listed < listed_on
            and c.unlisted_since is None
        ]
    new_by_agency, gone_by_agency = defaultdict(list), defaultdict(list)
    for row in result.new_rows:
        new_by_agency[(row.state, Agency.match_key(row.agency))].append(row)
    for contract in result.gone:
        gone_by_agency[(contract.agency.state, contract.agency.match_name)].append(contract)
    for agency_key in new_by_agency.keys() & gone_by_agency.keys():
        result.model_changes[agency_key] = (gone_by_agency[agency_key], new_by_agency[agency_key])
    return result


def summary(rows: list[ContractRow], report: ImportReport) -> dict:
    """The summary as JSON: counts, then one line per change (a dry run's `report` gives the rows
    rejected and the agencies not placed, with their line numbers)."""
    found = diff(rows)
    changed = found.model_changes
    changes: list[ListChange] = []
    for row in found.new_rows:
        if (row.state, Agency.match_key(row.agency)) not in changed:
            changes.append(ListChange(Change.NEW, row.state, row.agency, row.line, row.model))
    for contract in found.gone:
        if (contract.agency.state, contract.agency.match_name) not in changed:
            changes.append(
                ListChange(
                    Change.UNLISTED,
                    contract.agency.state,
                    contract.agency.name,
                    models=contract.model,
                    detail=_since(contract),
                )
            )
    for (state, _match), (gone, new_rows) in changed.items():
        changes.append(
            ListChange(
                Change.MODEL,
                state,
                new_rows[0].agency,
                min(row.line for row in new_rows),
                ",".join(c.model for c in gone) + "→" + ",".join(r.model for r in new_rows),
            )
        )
    for change in report.changes:
        fields = [f for f in change.fields if f[0] in _SHOWN_FIELDS]
        if change.action == "updated" and fields:
            changes.append(
                ListChange(
                    Change.UPDATED,
                    change.state,
                    change.agency,
                    change.line,
                    change.model,
                    "; ".join(f"{name}: {_text(old)} → {_text(new)}" for name, old, new in fields),
                )
            )
    by_line = {row.line: row for row in rows}
    for problem in report.unplaced:
        row = by_line.get(problem.line)
        changes.append(
            ListChange(
                Change.UNPLACED,
                row.state if row else "",
                row.agency if row else "",
                problem.line,
                row.model if row else "",
                problem.reason,
            )
        )
    for problem in report.rejected:
        row = by_line.get(problem.line)
        changes.append(
            ListChange(
                Change.REJECTED,
                row.state if row else "",
                row.agency if row else "",
                problem.line,
                detail=problem.reason,
            )
        )
    changes.sort(key=lambda c: (c.state, c.agency.casefold(), c.line or 0))
    counts = defaultdict(int)
    for change in changes:
        counts[change.kind] += 1
    return {
        "listed_on": found.listed_on.isoformat() if found.listed_on else "",
        "newer": found.newer,
        "rows": len(rows) + len(report.rejected),
        "created": report.created,
        "updated": report.updated,
        "unchanged": report.unchanged,
        "campaigns_created": report.campaigns_created,
        "counts": {kind: counts[kind] for kind in Change.LABELS},
        "aliases": report.aliases,
        "changes": [asdict(c) for c in changes],
    }


# What staff read among a contract's updates: its dates and status (not its sources and lists,
# which every newer list moves).
_SHOWN_FIELDS = ("signed_date", "expires", "status", "unlisted_since")


def _text(value) -> str:
    if value in (None, ""):
        return "—"
    return value.isoformat() if isinstance(value, date) else str(value)


def _since(contract: Contract) -> str:
    return f"last listed {contract.last_listed.isoformat()}" if contract.last_listed else ""


def model_label(models: str) -> str:
    """ "task_force→jail_enforcement" as staff read it: "Task force → Jail enforcement"."""
    labels = dict(ContractModel.choices)
    sides = [
        ", ".join(str(labels.get(m, m)) for m in side.split(",") if m) for side in models.split("→")
    ]
    return " → ".join(sides)


# After the list is applied (inside the import's transaction).


def mark_unlisted(found: ListDiff) -> int:
    """Mark each agreement missing from the newer list with the list's date."""
    if not found.newer or not found.gone:
        return 0
    return Contract.objects.filter(pk__in=[c.pk for c in found.gone]).update(
        unlisted_since=found.listed_on
    )


def _campaigns_of(agency: Agency, by_county: dict, by_agency: dict) -> tuple:
    """(the campaign against this agency's agreement, the campaign of the county it lies in when
    that is another one: a city's police is news in its county)."""
    if agency.jurisdiction == Jurisdiction.COUNTY:
        return by_county.get(agency.county_id), None
    county = by_county.get(agency.county_id) if agency.jurisdiction == Jurisdiction.CITY else None
    return by_agency.get(agency.pk), county


def announce(found: ListDiff, created: list[Contract]) -> None:
    """Tell leaders and signers of the campaigns the newer list touches, once per list: each
    leader one email listing what changed for their campaign; signers who asked for updates
    through petitions (campaigns.signals.agreement_changed), news keyed by the list's date."""
    if not found.newer:
        return
    changed_agencies = set(found.model_changes)
    agency_ids = {c.agency_id for c in created} | {c.agency_id for c in found.gone}
    agencies = Agency.objects.in_bulk(agency_ids)
    campaigns = Campaign.objects.public().filter(
        Q(county_id__in={a.county_id for a in agencies.values() if a.county_id})
        | Q(agency_id__in=agency_ids)
    )
    by_county = {c.county_id: c for c in campaigns if c.county_id}
    by_agency = {c.agency_id: c for c in campaigns if c.agency_id}
    news = defaultdict(lambda: {"new": [], "unlisted": [], "model": []})

    def changed(agency):
        return (agency.state, agency.match_name) in changed_agencies

    for contract in created:
        agency = agencies[contract.agency_id]
        own, county = _campaigns_of(agency, by_county, by_agency)
        if own is not None:
            kind = "model" if changed(agency) else "new"
            news[own.pk][kind].append(contract.pk)
        if county is not None and not changed(agency):
            news[county.pk]["new"].append(contract.pk)
    for contract in found.gone:
        agency = agencies[contract.agency_id]
        own, _county = _campaigns_of(agency, by_county, by_agency)
        if own is not None and not changed(agency):
            news[own.pk]["unlisted"].append(contract.pk)
    if not news:
        return
    listed_on = found.listed_on.isoformat()
    leaders = dict(
        Leadership.objects.active().filter(campaign_id__in=news).values_list("campaign_id", "pk")
    )
    names = {
        c.pk: f"{agencies[c.agency_id].name} ({c.get_model_display()})"
        for c in [*created, *found.gone]
    }
    campaigns_by_pk = {c.pk: c for c in campaigns}
    for campaign_id, items in news.items():
        if campaign_id in leaders:
            enqueue_with_transaction(
                notify_leader_of_list_changes,
                leadership_id=leaders[campaign_id],
                listed_on=listed_on,
                new_ids=items["new"],
                unlisted_ids=items["unlisted"],
                changed_ids=items["model"],
            )
        # Signers hear of a new agreement in their county and of the one they signed against
        # leaving the list; a model change keeps an agreement in force, so it is the leader's.
        for change in ("new", "unlisted"):
            if items[change]:
                signals.agreement_changed.send(
                    Campaign,
                    campaign=campaigns_by_pk[campaign_id],
                    change=change,
                    agency=", ".join(names[pk] for pk in items[change]),
                    renewed=False,
                    listed_on=found.listed_on,
                    event=f"list:{listed_on}:{change}",
                )
