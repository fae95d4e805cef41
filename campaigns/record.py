"""The record: every 287(g) agreement since 2019, what became of it, and the campaigns against them.

Reads only. "Today's list" is the newest of ICE's lists we imported (ContractList); an agreement is on
it when its `last_listed` is that date. Counts that need petitions' data (campaigns signed,
delivered) come in as aggregate expressions from the view layer (`campaign_extra`): campaigns
imports nothing from petitions.
"""

import hashlib
from dataclasses import dataclass, field
from datetime import date
from typing import NamedTuple

from django.db.models import Count, Exists, Max, OuterRef, Q, Subquery, TextChoices
from django.template.defaultfilters import date as date_filter
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from .models import (
    IN_FORCE_STATUSES,
    Campaign,
    CampaignStatus,
    Contract,
    ContractList,
    ContractModel,
    Leadership,
)
from .states import state_name


class Outcome(TextChoices):
    ENDED = "ended", _("Ended")
    RENEWED = "renewed", _("Renewed")
    NEW = "new", _("New since 2019")
    # Only while no ICE list is loaded: in force, on no list we hold.
    IN_FORCE = "in_force", _("In force")


def outcome_filters(latest: date | None) -> dict[str, Q]:
    """What happened to each agreement, as filters: with a list, in force means on today's list;
    renewed means known before any ICE list (the 2019 cohort) and on it again."""
    in_force = Q(status__in=IN_FORCE_STATUSES)
    if latest is None:
        return {Outcome.ENDED: ~in_force, Outcome.IN_FORCE: in_force}
    on_list = in_force & Q(last_listed=latest)
    return {
        Outcome.ENDED: ~on_list,
        Outcome.RENEWED: on_list & Q(first_listed__isnull=True),
        Outcome.NEW: on_list & Q(first_listed__isnull=False),
    }


def outcome_of(contract: Contract, latest: date | None) -> str:
    in_force = contract.status in IN_FORCE_STATUSES
    if latest is None:
        return Outcome.IN_FORCE if in_force else Outcome.ENDED
    if not in_force or contract.last_listed != latest:
        return Outcome.ENDED
    return Outcome.RENEWED if contract.first_listed is None else Outcome.NEW


# Column headings: several agreements (Spanish agrees in number: "Renovados").
OUTCOME_HEADINGS = {
    Outcome.ENDED: pgettext_lazy("agreements", "Ended"),
    Outcome.RENEWED: pgettext_lazy("agreements", "Renewed"),
    Outcome.NEW: pgettext_lazy("agreements", "New since 2019"),
    Outcome.IN_FORCE: pgettext_lazy("agreements", "In force"),
}


def outcomes_shown(latest: date | None) -> list[tuple[str, str]]:
    return [(o.value, OUTCOME_HEADINGS[o]) for o in Outcome if o in outcome_filters(latest)]


def _campaign_counts(extra: dict | None) -> dict:
    led = Exists(Leadership.objects.active().filter(campaign=OuterRef("pk")))
    return {
        "campaigns": Count("id"),
        "open": Count("id", filter=Q(status=CampaignStatus.OPEN)),
        "led": Count("id", filter=Q(led)),
        "won": Count("id", filter=Q(status=CampaignStatus.WON)),
        **(extra or {}),
    }


def _cohort():
    """The 2019 cohort: the largest group of agreements sharing one end date."""
    return (
        Contract.objects.exclude(expires=None)
        .values("expires")
        .annotate(n=Count("id"))
        .order_by("-n", "expires")
        .first()
    )


@dataclass
class HomeFigures:
    list_date: date | None
    agreements: int
    agencies: int
    states: int
    cohort_date: date | None
    cohort_agreements: int
    cohort_back: int
    campaigns: dict = field(default_factory=dict)


def home_figures(campaign_extra: dict | None = None) -> HomeFigures:
    """The home page's numbers, in three queries: the 2019 cohort, today's list, the campaigns."""
    cohort = _cohort()
    latest = ContractList.objects.order_by("-listed_on").values("listed_on")[:1]
    on_list = Q(last_listed=Subquery(latest))
    counts = {
        "agreements": Count("id", filter=on_list),
        "agencies": Count("agency", distinct=True, filter=on_list),
        "states": Count("agency__state", distinct=True, filter=on_list),
        "list_date": Max("last_listed", filter=on_list),
    }
    if cohort:
        # The cohort's agencies with an agreement (of any model) on today's list.
        cohort_agencies = Contract.objects.filter(expires=cohort["expires"]).values("agency")
        counts["back"] = Count(
            "agency", distinct=True, filter=on_list & Q(agency__in=cohort_agencies)
        )
    listed = Contract.objects.aggregate(**counts)
    campaigns = Campaign.objects.public().aggregate(**_campaign_counts(campaign_extra))
    return HomeFigures(
        list_date=listed["list_date"],
        agreements=listed["agreements"],
        agencies=listed["agencies"],
        states=listed["states"],
        cohort_date=cohort["expires"] if cohort else None,
        cohort_agreements=cohort["n"] if cohort else 0,
        cohort_back=listed.get("back", 0),
        campaigns=campaigns,
    )


@dataclass
class StateRecord:
    state: str
    agreements: dict
    campaigns: dict

    @property
    def name(self) -> str:
        return state_name(self.state)

    @property
    def outcomes(self) -> list[tuple[str, int]]:
        """(label, count) for what happened to the agreements, in the order of Outcome."""
        return [(OUTCOME_HEADINGS[o], self.agreements[o]) for o in Outcome if o in self.agreements]


@dataclass
class NationalRecord:
    list_date: date | None
    lists: list
    cohort: dict | None
    states: list[StateRecord]
    totals: StateRecord
    by_model: list[tuple[str, int]]


def _agreement_counts(latest: date | None) -> dict:
    counts = {"total": Count("id")}
    if latest:
        counts["on_list"] = Count("id", filter=Q(last_listed=latest))
    counts |= {key: Count("id", filter=q) for key, q in outcome_filters(latest).items()}
    return counts


def national_record(campaign_extra: dict | None = None, state: str | None = None) -> NationalRecord:
    """Agreements (since 2019) and campaigns, by state, with the totals and today's list by model."""
    lists = list(ContractList.objects.order_by("listed_on"))
    latest = lists[-1].listed_on if lists else None
    contracts = Contract.objects.all()
    campaigns = Campaign.objects.public()
    if state:
        contracts = contracts.filter(agency__state=state)
        campaigns = campaigns.filter(state=state)
    agreements = {
        row.pop("agency__state"): row
        for row in contracts.values("agency__state")
        .annotate(**_agreement_counts(latest))
        .order_by("agency__state")
    }
    campaign_rows = {
        row.pop("state"): row
        for row in campaigns.values("state")
        .annotate(**_campaign_counts(campaign_extra))
        .order_by("state")
    }
    zero_agreements = dict.fromkeys(_agreement_counts(latest), 0)
    zero_campaigns = dict.fromkeys(_campaign_counts(campaign_extra), 0)
    states = [
        StateRecord(
            code,
            agreements.get(code, zero_agreements),
            campaign_rows.get(code, zero_campaigns),
        )
        for code in sorted(agreements.keys() | campaign_rows.keys(), key=state_name)
    ]
    totals = StateRecord(
        "",
        {k: sum(s.agreements[k] for s in states) for k in zero_agreements},
        {k: sum(s.campaigns[k] for s in states) for k in zero_campaigns},
    )
    by_model = []
    if latest:
        models = dict(
            contracts.on_list(latest)
            .values("model")
            .annotate(n=Count("id"))
            .values_list("model", "n")
        )
        by_model = [(label, models.get(value, 0)) for value, label in ContractModel.choices]
    return NationalRecord(latest, lists, _cohort(), states, totals, by_model)


class AgreementRow(NamedTuple):
    """One agreement as a state's record lists it (what `outcome_of` reads, and the table)."""

    agency: str
    county_id: str | None
    county: str | None
    model: str
    signed_date: date | None
    status: str
    first_listed: date | None
    last_listed: date | None
    unlisted_since: date | None


def state_agreements(state: str) -> list[AgreementRow]:
    """Every agreement in a state since 2019, with its agency and county, for the state's page."""
    rows = (
        Contract.objects.filter(agency__state=state)
        .order_by("agency__name", "model")
        .values_list(
            "agency__name",
            "agency__county_id",
            "agency__county__name",
            "model",
            "signed_date",
            "status",
            "first_listed",
            "last_listed",
            "unlisted_since",
        )
    )
    return [AgreementRow(*row) for row in rows]


# The last tables drawn in this process, by language and exactly what they show: a state with
# hundreds of agreements (Texas, Florida) costs a hash, not hundreds of rows through the
# template engine, even after the shared cache is flushed. Bounded: a few states at a time.
_tables: dict[str, SafeString] = {}
TABLES_KEPT = 16


def _unlisted_words(row: AgreementRow) -> str:
    """Missing from ICE's newer list and not yet confirmed ended (as `Contract.is_unlisted`)."""
    if row.unlisted_since is None or row.status not in IN_FORCE_STATUSES:
        return ""
    return _("not on ICE's list since %(date)s") % {
        "date": date_filter(row.unlisted_since, "DATE_FORMAT")
    }


def agreement_rows_html(rows: list[AgreementRow], latest: date | None) -> SafeString:
    """The rows of a state's table of agreements (<tr> elements), each with what happened to it."""
    version = hashlib.sha256(repr((rows, latest)).encode()).hexdigest()[:20]
    key = f"{get_language()}:{version}"
    html = _tables.get(key)
    if html is None:
        labels, models = dict(Outcome.choices), dict(ContractModel.choices)
        out = []
        for row in rows:
            outcome = outcome_of(row, latest)
            county = (
                format_html('<br><span class="form-text">{}</span>', row.county)
                if row.county_id
                else ""
            )
            out.append(
                format_html(
                    '  <tr>\n    <th scope="row">{}{}</th>\n'
                    '    <td class="outcome-{}">{}</td>\n'
                    "    <td>{}</td>\n"
                    '    <td class="text-nowrap">{}</td>\n  </tr>\n',
                    row.agency,
                    county,
                    outcome,
                    _unlisted_words(row) or labels[outcome],
                    models.get(row.model, row.model),
                    date_filter(row.signed_date, "SHORT_DATE_FORMAT") or "—",
                )
            )
        html = mark_safe("".join(out))  # noqa: S308 - each row went through format_html
        while len(_tables) >= TABLES_KEPT:
            del _tables[next(iter(_tables))]
        _tables[key] = html
    return html


def latest_list_date() -> date | None:
    return ContractList.objects.latest_date()


def agreements_for_export():
    """Every agreement, with what happened to it and its campaign: public facts only."""
    return Contract.objects.select_related("agency", "agency__county").order_by(
        "agency__state", "agency__name", "model"
    )
