"""Search: one box for a ZIP code, a city, a county, a sheriff or agency, or a state.

A ZIP code or a city is a place: it shows everything that reaches it, in three groups, the
county's own agreements, the police of the county's cities and towns (that city's first), and the
state's statewide agencies.
"""

import re
from dataclasses import dataclass, field

from django.db.models import Count, Prefetch, Q

from .geography import (
    city_for_zip,
    city_key,
    county_for_city,
    county_for_zip,
    county_names,
    states_with_city,
    zip_for_county,
    zip_is_known,
)
from .models import Agency, Campaign, Contract, County, Jurisdiction
from .states import (
    STATE_CODES_BY_NAME,
    STATE_FIPS,
    STATE_NAMES,
    state_code_for_translated_name,
    state_name,
)
from .text import fold

MAX_QUERY = 100
MAX_RESULTS = 60
MAX_WORDS = 8
# A city name found in several states ("Foley"): at most this many places are shown.
MAX_PLACES = 4
# "77550" or ZIP+4 "77550-1234" / "77550 1234": the county comes from the first five digits.
ZIP = re.compile(r"(\d{5})(?:[-\s]?\d{4})?")
WORD = re.compile(r"\w+")


@dataclass
class Place:
    """A ZIP code's or a city's county, and the campaigns of every agency that reaches it."""

    county: County
    city: str = ""
    county_campaigns: list = field(default_factory=list)
    city_campaigns: list = field(default_factory=list)
    state_campaigns: list = field(default_factory=list)

    @property
    def state(self) -> str:
        return self.county.state

    @property
    def state_name(self) -> str:
        return state_name(self.county.state)

    @property
    def campaigns(self) -> list:
        return [*self.county_campaigns, *self.city_campaigns, *self.state_campaigns]


@dataclass
class SearchResult:
    query: str = ""
    kind: str = ""  # "", "zip", "city", "state", "text"
    campaigns: list = field(default_factory=list)
    places: list[Place] = field(default_factory=list)
    # Campaigns the words match by name that no place above shows already.
    other_campaigns: list = field(default_factory=list)
    zip_code: str = ""
    zip_county: County | None = None
    zip_unknown: bool = False
    state: str = ""  # the state code when the query named a state
    too_long: bool = False
    truncated: bool = False

    @property
    def state_name(self) -> str:
        return state_name(self.state) if self.state else ""


def clean_query(raw: str) -> str:
    """Printable characters only (no NUL, no control or direction marks), spaces collapsed."""
    text = "".join(ch for ch in (raw or "") if ch.isprintable())
    return " ".join(text.split())


def _state_code(query: str, folded: str) -> str:
    if len(query) == 2 and query.upper() in STATE_NAMES:
        return query.upper()
    return STATE_CODES_BY_NAME.get(folded) or state_code_for_translated_name(folded)


def _campaigns():
    contracts = Contract.objects.order_by("model")
    return (
        Campaign.objects.public()
        .select_related("county", "agency", "tally")
        .prefetch_related(
            Prefetch("county__agencies__contracts", queryset=contracts),
            Prefetch("agency__contracts", queryset=contracts),
        )
    )


def search_campaigns(raw: str) -> SearchResult:
    query = clean_query(raw)
    result = SearchResult(query=query[:MAX_QUERY])
    if not query:
        return result
    if len(query) > MAX_QUERY:
        result.too_long = True
        return result

    if zip_match := ZIP.fullmatch(query):
        result.kind = "zip"
        result.zip_code = zip_match.group(1)
        found = county_for_zip(result.zip_code)
        if found is None:
            result.zip_unknown = not zip_is_known(result.zip_code)
            return result
        fips, _state = found
        place = _places([(fips, city_for_zip(result.zip_code))])[0][0]
        result.zip_county = place.county
        result.places = [place]
        result.campaigns = place.campaigns
        return result

    folded = fold(query)
    result.state = _state_code(query, folded)
    words = WORD.findall(folded)[:MAX_WORDS]
    if result.state:
        result.kind = "state"
        matches = Q(state=result.state)
        if len(query) > 2:
            # "Washington" is a state and thirty counties: show both.
            matches |= _text_matches(words)
    elif words:
        result.kind = "text"
        matches = _text_matches(words)
        # A city's name ("Foley", "Foley, AL") is a place; what else the words match follows.
        cities = _cities(query)
        if cities:
            result.kind = "city"
            result.places, others = _places(cities, also=matches)
            if len(result.places) > 1:
                with_campaigns = [p for p in result.places if p.campaigns]
                result.places = (with_campaigns or result.places[:1])[:MAX_PLACES]
            result.other_campaigns = others[:MAX_RESULTS]
            result.truncated = len(others) > MAX_RESULTS
            result.campaigns = [c for p in result.places for c in p.campaigns]
            result.campaigns += result.other_campaigns
            return result
    else:
        result.kind = "text"
        return result
    found = list(_campaigns().filter(matches).order_by("state", "name")[: MAX_RESULTS + 1])
    result.truncated = len(found) > MAX_RESULTS
    result.campaigns = found[:MAX_RESULTS]
    return result


def _text_matches(words: list[str]) -> Q:
    """Campaigns with an agency whose folded name, city, county or state contains every word."""
    agencies = Agency.objects.all()
    for word in words:
        agencies = agencies.filter(search_text__contains=word)
    return Q(agency__in=agencies.values("pk")) | Q(
        county__in=agencies.filter(jurisdiction=Jurisdiction.COUNTY).values("county_id")
    )


def _cities(query: str) -> list[tuple[str, str]]:
    """(county fips, city) for a city name: "Foley, AL", "Foley Alabama", or "Foley" in every
    state that has one (those where something reaches it are kept, at most MAX_PLACES)."""
    city, state = _split_state(query)
    states = [state] if state else states_with_city(city)
    return [found for code in states if (found := county_for_city(city, code))]


def _split_state(query: str) -> tuple[str, str]:
    """("Foley", "AL") from "Foley, AL", "Foley, Alabama" or "Foley AL"; (query, "") if none."""
    if "," in query:
        city, _comma, rest = query.rpartition(",")
        code = _state_code(rest.strip(), fold(rest))
        if code:
            return city.strip(), code
    head, _space, last = query.rpartition(" ")
    if head and len(last) == 2 and last.upper() in STATE_NAMES:
        return head, last.upper()
    return query, ""


def _places(found: list[tuple[str, str]], also: Q | None = None) -> tuple[list[Place], list]:
    """Everything that reaches each (county fips, city), in the three groups, and the campaigns
    `also` matches that no group shows: one query (and its prefetches) however many places."""
    fips_list = [fips for fips, _city in found]
    places = [
        # The Census name, as the import stores it: no query for the county itself.
        Place(
            county=County(fips=fips, name=county_names().get(fips, ""), state=fips_state(fips)),
            city=city,
        )
        for fips, city in found
    ]
    states = {place.state for place in places}
    matches = (
        Q(county_id__in=fips_list)
        | Q(
            agency__county_id__in=fips_list,
            agency__jurisdiction__in=[Jurisdiction.COUNTY, Jurisdiction.CITY],
        )
        | Q(agency__state__in=states, agency__jurisdiction=Jurisdiction.STATE)
    )
    campaigns = list(_campaigns().filter(matches | also if also else matches))
    campaigns.sort(key=lambda c: fold(c.name))
    shown: set[int] = set()
    for place in places:
        for campaign in campaigns:
            agency = campaign.agency if campaign.agency_id else None
            if agency is None or agency.jurisdiction == Jurisdiction.COUNTY:
                if (campaign.county_id or agency.county_id) == place.county.fips:
                    place.county_campaigns.append(campaign)
            elif agency.jurisdiction == Jurisdiction.CITY:
                if agency.county_id == place.county.fips:
                    place.city_campaigns.append(campaign)
            elif agency.state == place.state:
                place.state_campaigns.append(campaign)
        # The city's own police first, then the county's other cities and towns.
        own_city = city_key(place.city)
        place.city_campaigns.sort(key=lambda c: city_key(c.agency.city) != own_city)
        shown.update(c.pk for c in place.campaigns)
    others = sorted((c for c in campaigns if c.pk not in shown), key=lambda c: (c.state, c.name))
    return places, others


def fips_state(fips: str) -> str:
    """The postal code of the state a county FIPS code lies in."""
    return next((code for code, f in STATE_FIPS.items() if f == fips[:2]), "")


def search_examples() -> dict[str, str]:
    """Examples for the search hint, taken from the agreements on file (never a name that would
    find nothing): the ZIP code and name of the county with the most agreements, a city of that
    state whose police has one, and the state. Two short queries: the city is looked up for the
    one county chosen, not for every county (that correlated subquery grew with the list)."""
    county = (
        Agency.objects.filter(jurisdiction=Jurisdiction.COUNTY)
        .values("county_id", "county__name", "state")
        .annotate(n=Count("contracts"))
        .order_by("-n", "county_id")
        .first()
    )
    if not county:
        return {}
    examples = {
        "zip": zip_for_county(county["county_id"]),
        "county": county["county__name"].removesuffix(" County"),
        "state": state_name(county["state"]),
    }
    city = (
        Agency.objects.filter(
            jurisdiction=Jurisdiction.CITY, state=county["state"], contracts__isnull=False
        )
        .order_by("city")
        .values_list("city", flat=True)
        .first()
    )
    if city:
        examples["city"] = f"{city}, {county['state']}"
    return examples
