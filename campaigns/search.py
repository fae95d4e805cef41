"""County search: one box for a county, a sheriff or agency, a state, or a ZIP code."""

import re
from dataclasses import dataclass, field

from django.db.models import Prefetch, Q

from .geography import county_for_zip, county_names, zip_is_known
from .models import Agency, Campaign, Contract, County
from .states import (
    STATE_CODES_BY_NAME,
    STATE_NAMES,
    state_code_for_translated_name,
    state_name,
)
from .text import fold

MAX_QUERY = 100
MAX_RESULTS = 60
MAX_WORDS = 8
# "77550" or ZIP+4 "77550-1234" / "77550 1234": the county comes from the first five digits.
ZIP = re.compile(r"(\d{5})(?:[-\s]?\d{4})?")
WORD = re.compile(r"\w+")


@dataclass
class SearchResult:
    query: str = ""
    kind: str = ""  # "", "zip", "state", "text"
    campaigns: list = field(default_factory=list)
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
    campaigns = _campaigns()

    if zip_match := ZIP.fullmatch(query):
        result.kind = "zip"
        result.zip_code = zip_match.group(1)
        found = county_for_zip(result.zip_code)
        if found is None:
            result.zip_unknown = not zip_is_known(result.zip_code)
            return result
        fips, state = found
        result.zip_county = County.objects.filter(fips=fips).first() or County(
            fips=fips, name=county_names().get(fips, ""), state=state
        )
        result.campaigns = list(campaigns.filter(county_id=fips))
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
    else:
        result.kind = "text"
        return result
    found = list(campaigns.filter(matches).order_by("state", "name")[: MAX_RESULTS + 1])
    result.truncated = len(found) > MAX_RESULTS
    result.campaigns = found[:MAX_RESULTS]
    return result


def _text_matches(words: list[str]) -> Q:
    """Campaigns with an agency whose folded name, county or state contains every word."""
    agencies = Agency.objects.all()
    for word in words:
        agencies = agencies.filter(search_text__contains=word)
    return Q(agency__in=agencies.values("pk")) | Q(
        county__in=agencies.filter(county__isnull=False).values("county_id")
    )
