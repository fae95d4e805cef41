"""Who a campaign asks, and what it asks of them, from campaigns data only.

A county's campaign asks its sheriff and the county commissioners who fund the jail; a city police
department's, its police chief and the mayor and city council; a statewide agency's, its director
and the governor. What it asks follows the agreements' state: one in force with no end date is
ended (either party can end an agreement in writing), one with a known end ahead is not renewed,
an ended one is kept ended, and one renewed after its known end is ended now.

Every contract's dates read as one status line (`status_line`), never two that contradict.
"""

import re
from dataclasses import dataclass
from datetime import date

from django.contrib.humanize.templatetags.humanize import intcomma
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext

from . import places
from .states import state_name


class Kind:
    """The campaign's kind of place: whose agreement it is, so who decides on it."""

    COUNTY = "county"  # a sheriff (and county agencies): sheriff + county commission
    CITY = "city"  # a city police department: police chief + mayor and city council
    STATE = "state"  # a statewide agency: its director + the governor
    AGENCY = "agency"  # an agency not placed yet: its head only


def campaign_kind(campaign) -> str:
    from .models import AgencyType, Jurisdiction

    if campaign.county_id:
        return Kind.COUNTY
    agency = campaign.agency
    if agency is None:
        return Kind.AGENCY
    if agency.jurisdiction == Jurisdiction.CITY:
        return Kind.CITY if agency.agency_type == AgencyType.POLICE else Kind.AGENCY
    if agency.jurisdiction == Jurisdiction.STATE:
        return Kind.STATE
    if agency.jurisdiction == Jurisdiction.COUNTY:
        return Kind.COUNTY
    return Kind.AGENCY


def _city(campaign) -> str:
    agency = campaign.agency
    return (agency.city if agency else "") or campaign.name


def target_title(campaign, language: str) -> str:
    """The head who decides, as a sentence names them: "the police chief", "el sheriff"."""
    kind = campaign_kind(campaign)
    with translation.override(language):
        if kind == Kind.COUNTY:
            return pgettext("decision maker", "the sheriff")
        if kind == Kind.CITY:
            return pgettext("decision maker", "the police chief")
        return pgettext("decision maker", "the agency's director")


def visibility_label(campaign, language: str) -> str:
    """The sign form's question: "What the police chief may see"."""
    kind = campaign_kind(campaign)
    with translation.override(language):
        if kind == Kind.COUNTY:
            return _("What the sheriff may see")
        if kind == Kind.CITY:
            return _("What the police chief may see")
        return _("What the agency's director may see")


def elected_body(campaign, language: str) -> str:
    """The elected officials who answer for the agreement, with their place:
    "the mayor and city council of Foley, Alabama", "the governor of Alabama"."""
    kind = campaign_kind(campaign)
    state = state_name(campaign.state, language=language)
    with translation.override(language):
        if kind == Kind.COUNTY:
            county = places.place_name(campaign.name, campaign.state, language)
            text = _("the county commissioners of %(county)s, %(state)s") % {
                "county": county,
                "state": state,
            }
        elif kind == Kind.CITY:
            text = _("the mayor and city council of %(city)s, %(state)s") % {
                "city": _city(campaign),
                "state": state,
            }
        elif kind == Kind.STATE:
            text = _("the governor of %(state)s") % {"state": state}
        else:
            text = _("the elected officials of %(state)s") % {"state": state}
    return places.contract_articles(text)


def decision_makers(campaign, language: str) -> str:
    """Who decides, in one phrase: "the police chief and the mayor and city council of Foley,
    Alabama"."""
    with translation.override(language):
        text = _("%(head)s and %(elected)s") % {
            "head": target_title(campaign, language),
            "elected": elected_body(campaign, language),
        }
    return text


def residents(campaign, language: str) -> str:
    """The signers as people say it: "residents of Baldwin County", "people who live in Foley"."""
    kind = campaign_kind(campaign)
    with translation.override(language):
        if kind == Kind.COUNTY:
            place = places.place_name(campaign.name, campaign.state, language)
            text = _("residents of %(place)s") % {"place": place}
        elif kind == Kind.CITY:
            text = _("people who live in %(place)s") % {"place": _city(campaign)}
        else:
            place = state_name(campaign.state, language=language)
            text = _("people who live in %(place)s") % {"place": place}
    return places.contract_articles(text)


# The ask


class AskKind:
    END = "end"  # in force, no end date: either party can end it in writing
    NOT_RENEW = "not_renew"  # a known end date ahead
    KEEP_ENDED = "keep_ended"  # no agreement in force
    END_NOW = "end_now"  # renewed (or still listed) after its known end


@dataclass(frozen=True)
class Ask:
    kind: str
    end_date: date | None = None
    days_left: int | None = None


def term_end(contract) -> date | None:
    """The agreement's known end date. An end before its own signing date belongs to an earlier
    agreement (ICE lists "signed 2020, expires 2019"): this one has no known end."""
    end = contract.expires
    if end is None or (contract.signed_date and end < contract.signed_date):
        return None
    return end


def contract_ask(contract, today: date | None = None) -> Ask:
    today = today or timezone.localdate()
    if not contract.is_in_force:
        return Ask(AskKind.KEEP_ENDED, term_end(contract))
    end = term_end(contract)
    if end is None:
        return Ask(AskKind.END)
    if end >= today:
        return Ask(AskKind.NOT_RENEW, end, (end - today).days)
    return Ask(AskKind.END_NOW, end)


def campaign_ask(campaign, today: date | None = None, contracts=None) -> Ask:
    """What the campaign asks, over all its agreements: ending any in force comes first; "do not
    renew" only when every agreement in force has a known end ahead (the soonest is named)."""
    contracts = list(campaign.contracts() if contracts is None else contracts)
    asks = [contract_ask(c, today) for c in contracts]
    if not asks:
        return Ask(AskKind.END)
    for kind in (AskKind.END_NOW, AskKind.END):
        found = [a for a in asks if a.kind == kind]
        if found:
            return found[0]
    ahead = [a for a in asks if a.kind == AskKind.NOT_RENEW]
    if ahead:
        return min(ahead, key=lambda a: a.end_date)
    return Ask(AskKind.KEEP_ENDED)


# One status line per contract

_LIST_DATE = re.compile(r"participatingAgencies(\d{2})(\d{2})(\d{4})", re.IGNORECASE)


def list_date(contract) -> date | None:
    """The date of the latest ICE list the contract was on (or that its sources cite)."""
    if getattr(contract, "last_listed", None):
        return contract.last_listed
    found = []
    for m in _LIST_DATE.finditer(contract.source or ""):
        try:
            found.append(date(int(m[3]), int(m[1]), int(m[2])))
        except ValueError:
            continue
    return max(found, default=None)


def _day(value: date) -> str:
    return formats.date_format(value, "DATE_FORMAT")


def status_line(contract, language: str, today: date | None = None) -> str:
    """The contract's dates as one line: "Signed June 16, 2020; in force, no end date (ICE's list
    of May 18, 2026)", "Signed May 1, 2018; ran to June 30, 2019; renewed on July 2, 2019"."""
    from .models import ContractStatus

    ask = contract_ask(contract, today)
    end = term_end(contract)
    changed = contract.status_changed
    with translation.override(language):
        parts = []
        if contract.signed_date:
            parts.append(_("signed %(date)s") % {"date": _day(contract.signed_date)})
        if getattr(contract, "unlisted_since", None) and contract.is_in_force:
            # Missing from ICE's newer list; staff have not confirmed that it ended.
            parts.append(
                _("not on ICE's list since %(date)s") % {"date": _day(contract.unlisted_since)}
            )
        elif ask.kind == AskKind.END:
            listed = list_date(contract)
            text = _("in force, no end date")
            if listed:
                text += " " + _("(ICE's list of %(date)s)") % {"date": _day(listed)}
            parts.append(text)
        elif ask.kind == AskKind.NOT_RENEW:
            parts.append(_("in force until %(date)s") % {"date": _day(end)})
        elif ask.kind == AskKind.END_NOW:
            parts.append(_("ran to %(date)s") % {"date": _day(end)})
            if contract.status != ContractStatus.RENEWED:  # ICE lists it past its term
                parts.append(_("still in force"))
            elif changed and changed >= end:
                parts.append(_("renewed on %(date)s") % {"date": _day(changed)})
            else:
                parts.append(_("renewed, still in force"))
        elif contract.status == ContractStatus.TERMINATED and changed:
            parts.append(_("ended on %(date)s") % {"date": _day(changed)})
        elif end and (changed is None or end <= changed):
            parts.append(_("ended on %(date)s") % {"date": _day(end)})
        elif changed:
            parts.append(_("not on ICE's list since %(date)s") % {"date": _day(changed)})
        else:
            parts.append(pgettext("contract status", "ended"))
        line = "; ".join(parts)
    return line[:1].upper() + line[1:]


def campaign_asks(campaigns, today: date | None = None) -> dict:
    """{campaign id: Ask} for many campaigns in one query (rendering every new petition)."""
    from collections import defaultdict

    from django.db.models import Q

    from .models import Contract, Jurisdiction

    campaigns = list(campaigns)
    counties = {c.county_id: c.pk for c in campaigns if c.county_id}
    agencies = {c.agency_id: c.pk for c in campaigns if not c.county_id and c.agency_id}
    found = defaultdict(list)
    if counties or agencies:
        contracts = Contract.objects.filter(
            Q(agency__county_id__in=counties, agency__jurisdiction=Jurisdiction.COUNTY)
            | Q(agency_id__in=agencies)
        ).select_related("agency")
        for contract in contracts:
            agency = contract.agency
            if agency.pk in agencies:
                found[agencies[agency.pk]].append(contract)
            elif agency.jurisdiction == Jurisdiction.COUNTY and agency.county_id in counties:
                found[counties[agency.county_id]].append(contract)
    return {c.pk: campaign_ask(c, today, contracts=found[c.pk]) for c in campaigns}


def where(campaign, language: str) -> str:
    """The place a title names: "Baldwin County" ("el condado de Baldwin"), "Foley", "Alabama"."""
    kind = campaign_kind(campaign)
    if kind == Kind.COUNTY:
        return places.place_name(campaign.name, campaign.state, language)
    if kind == Kind.CITY:
        return _city(campaign)
    if kind == Kind.STATE:
        return state_name(campaign.state, language=language)
    return places.campaign_place(campaign, language)


def call_to_action(campaign, language: str, ask: Ask | None = None) -> str:
    """The flyer's and share text's one-line ask: "Tell the police chief and the mayor and city
    council of Camp Hill, Alabama: end the 287(g) agreement with ICE." """
    ask = ask or campaign_ask(campaign)
    with translation.override(language):
        who = pgettext("addressed to", "%(head)s and %(elected)s") % {
            "head": target_title(campaign, language),
            "elected": elected_body(campaign, language),
        }
        text = {
            AskKind.END: _("Tell %(who)s: end the 287(g) agreement with ICE."),
            AskKind.NOT_RENEW: _("Tell %(who)s: do not renew the 287(g) agreement with ICE."),
            AskKind.KEEP_ENDED: _("Tell %(who)s: keep the 287(g) agreement with ICE ended."),
            AskKind.END_NOW: _("Tell %(who)s: end the renewed 287(g) agreement with ICE now."),
        }[ask.kind] % {"who": who}
    return places.contract_articles(text)


def where_in_state(campaign, language: str) -> str:
    """The place a heading names, with its state once: "Baldwin County, Alabama", "Camp Hill,
    Alabama", "Alabama" (a statewide agency's campaign)."""
    state = state_name(campaign.state, language=language)
    if campaign_kind(campaign) == Kind.STATE:
        return state
    return f"{where(campaign, language)}, {state}"


def residents_label(campaign, count: int, language: str) -> str:
    """The progress block's "N county residents": signers who live where the agreement reaches."""
    kind = campaign_kind(campaign)
    with translation.override(language):
        if kind == Kind.CITY:
            text = ngettext("%(n)s resident of the area", "%(n)s residents of the area", count)
        elif kind == Kind.STATE:
            text = ngettext("%(n)s resident of the state", "%(n)s residents of the state", count)
        else:
            text = ngettext("%(n)s county resident", "%(n)s county residents", count)
        return text % {"n": intcomma(count)}


def leader_text(text: str, campaign, language: str) -> str:
    """Staff-written text for a leader (the training) with the campaign's people in it:
    {head} ("the police chief"), {Head} ("The police chief"), {elected} ("the mayor and city
    council of Camp Hill, Alabama"). Other braces are left as written."""

    class Blank(dict):
        def __missing__(self, key):
            return "{" + key + "}"

    head = target_title(campaign, language)
    values = Blank(
        head=head, Head=head[:1].upper() + head[1:], elected=elected_body(campaign, language)
    )
    try:
        filled = text.format_map(values)
    except (ValueError, IndexError):  # a stray brace in staff's text: show it as written
        return text
    return places.contract_articles(filled) if language == "es" else filled
