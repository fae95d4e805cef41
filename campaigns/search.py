"""Search: one box for a ZIP code, a city, a county, a sheriff or agency, or a state.

A ZIP code or a city is a place: it shows everything that reaches it, in three groups, the
county's own agreements, the police of the county's cities and towns (that city's first), and the
state's statewide agencies.
"""

import re
from dataclasses import dataclass, field

from django.db.models import Case, Count, Prefetch, Q, When

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
        place = _place(fips, city_for_zip(result.zip_code))
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
        result.places = _city_places(query)
    else:
        result.kind = "text"
        return result
    found = list(_campaigns().filter(matches).order_by("state", "name")[: MAX_RESULTS + 1])
    result.truncated = len(found) > MAX_RESULTS
    found = found[:MAX_RESULTS]
    if result.places:
        result.kind = "city"
        shown = {c.pk for place in result.places for c in place.campaigns}
        result.other_campaigns = [c for c in found if c.pk not in shown]
        result.campaigns = [c for place in result.places for c in place.campaigns]
        result.campaigns += result.other_campaigns
    else:
        result.campaigns = found
    return result


def _text_matches(words: list[str]) -> Q:
    """Campaigns with an agency whose folded name, city, county or state contains every word."""
    agencies = Agency.objects.all()
    for word in words:
        agencies = agencies.filter(search_text__contains=word)
    return Q(agency__in=agencies.values("pk")) | Q(
        county__in=agencies.filter(jurisdiction=Jurisdiction.COUNTY).values("county_id")
    )


def _city_places(query: str) -> list[Place]:
    """The places a city name stands for: "Foley, AL", "Foley Alabama", or "Foley" in any state.

    Of several states, those where something reaches the city come first; at most MAX_PLACES.
    """
    city, state = _split_state(query)
    states = [state] if state else states_with_city(city)
    places = []
    for code in states:
        found = county_for_city(city, code)
        if found:
            fips, spelling = found
            places.append(_place(fips, spelling))
    if len(places) > 1:
        places.sort(key=lambda p: not p.campaigns)
        places = [p for p in places if p.campaigns] or places[:1]
    return places[:MAX_PLACES]


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


def _place(fips: str, city: str) -> Place:
    """Everything that reaches a county and one of its cities, in the three groups."""
    county = County.objects.filter(fips=fips).first()
    if county is None:
        county = County(fips=fips, name=county_names().get(fips, ""), state=fips_state(fips))
    campaigns = list(
        _campaigns().filter(
            Q(county_id=fips)
            | Q(agency__county_id=fips, agency__jurisdiction=Jurisdiction.COUNTY)
            | Q(agency__county_id=fips, agency__jurisdiction=Jurisdiction.CITY)
            | Q(agency__state=county.state, agency__jurisdiction=Jurisdiction.STATE)
        )
    )
    place = Place(county=county, city=city)
    own_city = city_key(city)
    for campaign in sorted(campaigns, key=lambda c: fold(c.name)):
        jurisdiction = campaign.agency.jurisdiction if campaign.agency_id else Jurisdiction.COUNTY
        if jurisdiction == Jurisdiction.CITY:
            place.city_campaigns.append(campaign)
        elif jurisdiction == Jurisdiction.STATE:
            place.state_campaigns.append(campaign)
        else:
            place.county_campaigns.append(campaign)
    # The city's own police first, then the county's other cities and towns.
    place.city_campaigns.sort(key=lambda c: city_key(c.agency.city) != own_city)
    return place


def fips_state(fips: str) -> str:
    """The postal code of the state a county FIPS code lies in."""
    return next((code for code, f in STATE_FIPS.items() if f == fips[:2]), "")


def search_examples() -> dict[str, str]:
    """Examples for the search hint, taken from the agreements on file (never a name that would
    find nothing): the ZIP code and name of the county with the most agreements, the city of a
    police department, and a state."""
    counties = (
        Agency.objects.filter(jurisdiction=Jurisdiction.COUNTY)
        .values("county_id", "county__name", "state")
        .annotate(n=Count("contracts"))
        .order_by("-n", "county_id")
    )
    county = counties.first()
    cities = Agency.objects.filter(jurisdiction=Jurisdiction.CITY, contracts__isnull=False)
    if county:
        # A city of the same state reads as one example, not a tour of the country.
        same_state = Case(When(state=county["state"], then=0), default=1)
        cities = cities.order_by(same_state, "state", "city")
    city = cities.values("city", "state").first()
    examples = {}
    if county:
        examples["zip"] = zip_for_county(county["county_id"])
        examples["county"] = county["county__name"].removesuffix(" County")
        examples["state"] = state_name(county["state"])
    if city:
        examples["city"] = f"{city['city']}, {city['state']}"
    return examples
