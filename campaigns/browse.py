"""A state's page: its counties shaded by what they hold, its statewide agencies, its campaigns.

Two queries whatever the state's size: its agreements (with their agencies) and its campaigns.
"""

from django.urls import reverse
from django.utils.text import capfirst
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from . import map as maps
from .asks import Kind, campaign_kind
from .geography import county_names, zip_for_county
from .models import Campaign, CampaignStatus, Contract, Jurisdiction
from .places import place_name
from .text import fold

# The campaign groups in the order the page shows them.
GROUPS = (Kind.COUNTY, Kind.CITY, Kind.STATE, Kind.AGENCY)


def _group_title(kind: str) -> str:
    return {
        Kind.COUNTY: _("County campaigns: the sheriff and county agencies"),
        Kind.CITY: _("City police campaigns"),
        Kind.STATE: _("Statewide agencies' campaigns"),
        Kind.AGENCY: _("Other agencies' campaigns"),
    }[kind]


def state_page(code: str) -> dict:
    contracts = list(
        Contract.objects.filter(agency__state=code)
        .select_related("agency")
        .order_by("agency__name", "model")
    )
    campaigns = list(
        Campaign.objects.public()
        .filter(state=code)
        .select_related("county", "agency")
        .order_by("name", "pk")
    )

    holds: dict[str, set[bool]] = {}
    statewide: dict[int, dict] = {}
    for contract in contracts:
        agency = contract.agency
        if agency.county_id and agency.jurisdiction in (Jurisdiction.COUNTY, Jurisdiction.CITY):
            holds.setdefault(agency.county_id, set()).add(contract.is_in_force)
        elif agency.jurisdiction == Jurisdiction.STATE:
            entry = statewide.setdefault(agency.pk, {"agency": agency, "contracts": []})
            entry["contracts"].append(contract)

    groups: dict[str, list] = {kind: [] for kind in GROUPS}
    county_campaign: dict[str, Campaign] = {}
    police: dict[str, list[Campaign]] = {}
    for campaign in campaigns:
        kind = campaign_kind(campaign)
        groups[kind].append(campaign)
        if campaign.county_id:
            county_campaign[campaign.county_id] = campaign
        elif kind == Kind.CITY:
            police.setdefault(campaign.agency.county_id, []).append(campaign)
        if campaign.agency_id in statewide:
            statewide[campaign.agency_id]["campaign"] = campaign

    frame = maps.state_frame(code)
    names = county_names()
    fipses = set(frame["counties"]) | set(holds) | set(county_campaign) | set(police)
    language = get_language() or "en"
    counties = []
    for fips in fipses:
        name = names.get(fips) or (
            county_campaign[fips].county.name
            if fips in county_campaign
            else frame["counties"][fips]
        )
        counties.append(_county(fips, name, code, language, holds, county_campaign, police, frame))
    counties.sort(key=lambda c: c["sort"])

    return {
        "state": code,
        "counties": counties,
        "map_svg": maps.state_svg(code, counties),
        "map_fits": frame["fits"],
        "map_missing": [c for c in counties if not c["drawn"]],
        "in_force_count": sum(1 for c in counties if c["holding"] == maps.Holding.IN_FORCE),
        "ended_count": sum(1 for c in counties if c["holding"] == maps.Holding.ENDED),
        "statewide": sorted(statewide.values(), key=lambda e: e["agency"].name),
        "groups": [
            {
                "kind": kind,
                "title": _group_title(kind),
                # As people read names ("Deaf Smith" before "DeWitt"), not in code-point order.
                "campaigns": sorted(groups[kind], key=lambda c: fold(c.name)),
            }
            for kind in GROUPS
            if groups[kind]
        ],
        "campaign_total": len(campaigns),
        "needing_leader": sum(1 for c in campaigns if c.status == CampaignStatus.OPEN),
    }


def _county(fips, name, code, language, holds, county_campaign, police, frame) -> dict:
    held = holds.get(fips, set())
    holding = (
        maps.Holding.IN_FORCE if True in held else maps.Holding.ENDED if held else maps.Holding.NONE
    )
    campaign = county_campaign.get(fips)
    city_campaigns = police.get(fips, [])
    if campaign:
        url = campaign.get_absolute_url()
    else:
        # Its ZIP code's search shows what covers the county: its cities' police, the state's
        # agencies, or that nothing is on file.
        zip_code = zip_for_county(fips)
        url = f"{reverse('campaigns:search')}?q={zip_code}" if zip_code else f"#county-{fips}"
    title = capfirst(place_name(name, code, language, article=False))
    needs_leader = any(
        c.status == CampaignStatus.OPEN for c in ([campaign] if campaign else []) + city_campaigns
    )
    label = f"{title}: {maps.holding_phrase(holding)}"
    if needs_leader:
        label += "; " + _("a campaign needs a leader")
    return {
        "fips": fips,
        "name": name,
        "title": title,
        "sort": fold(title),
        "holding": holding,
        "holding_text": maps.holding_phrase(holding),
        "url": url,
        "label": label,
        "campaign": campaign,
        "police": city_campaigns,
        "needs_leader": needs_leader,
        "drawn": fips in frame["counties"],
    }
