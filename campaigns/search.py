"""County search: one box for a county, a sheriff or agency, a state, or a 5-digit ZIP code."""

from dataclasses import dataclass, field

from django.db.models import Prefetch

from .geography import county_for_zip, county_names, zip_is_known
from .models import Agency, Campaign, Contract, County
from .states import STATE_NAMES
from .text import fold

MAX_QUERY = 100
MAX_RESULTS = 60


@dataclass
class SearchResult:
    query: str = ""
    kind: str = ""  # "", "zip", "text"
    campaigns: list = field(default_factory=list)
    zip_county: County | None = None
    zip_unknown: bool = False
    too_long: bool = False
    truncated: bool = False


def clean_query(raw: str) -> str:
    text = "".join(ch for ch in (raw or "") if ch.isprintable())
    return " ".join(text.split())


def search_campaigns(raw: str) -> SearchResult:
    query = clean_query(raw)
    result = SearchResult(query=query[:MAX_QUERY])
    if not query:
        return result
    if len(query) > MAX_QUERY:
        result.too_long = True
        return result
    campaigns = (
        Campaign.objects.public()
        .select_related("county", "agency", "tally")
        .prefetch_related(
            Prefetch(
                "county__agencies__contracts",
                queryset=Contract.objects.order_by("model"),
            ),
            Prefetch("agency__contracts", queryset=Contract.objects.order_by("model")),
        )
    )
    if query.isdigit() and len(query) == 5:
        result.kind = "zip"
        found = county_for_zip(query)
        if found is None:
            result.zip_unknown = not zip_is_known(query)
            return result
        fips, _state = found
        result.zip_county = County.objects.filter(fips=fips).first() or County(
            fips=fips, name=county_names().get(fips, ""), state=_state
        )
        result.campaigns = list(campaigns.filter(county_id=fips))
        return result

    result.kind = "text"
    folded = fold(query)
    state_code = query.upper() if query.upper() in STATE_NAMES else None
    if state_code is None:
        state_code = next((c for c, n in STATE_NAMES.items() if fold(n) == folded), None)
    if state_code:
        matches = campaigns.filter(state=state_code)
    else:
        agency_ids = Agency.objects.filter(search_text__contains=folded).values("pk")
        county_ids = Agency.objects.filter(
            search_text__contains=folded, county__isnull=False
        ).values("county_id")
        matches = campaigns.filter(agency_id__in=agency_ids) | campaigns.filter(
            county_id__in=county_ids
        )
    matches = list(matches.order_by("state", "name")[: MAX_RESULTS + 1])
    result.truncated = len(matches) > MAX_RESULTS
    result.campaigns = matches[:MAX_RESULTS]
    return result
