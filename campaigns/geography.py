"""County names and FIPS codes, offline: Census data shipped in addfips, ZIP codes from zipcodes."""

import csv
import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import addfips
import zipcodes

from .states import STATE_NAMES
from .text import fold

# ICE's spellings that the Census does not know, as (state, folded spelling) -> Census name.
# Each was checked against the agency's own name on the same row of ICE's 2026-05-18 sheet.
COUNTY_ALIASES = {
    ("AL", "frankin county"): "Franklin County",
    ("AR", "pop county"): "Pope County",
    ("LA", "calacasieu parish"): "Calcasieu Parish",
    ("LA", "chalmette parish"): "St. Bernard Parish",  # Chalmette is St. Bernard's parish seat
    ("LA", "german coast county"): "St. Charles Parish",  # the St. Charles Parish Sheriff's row
    ("LA", "lasalle parish"): "La Salle Parish",
    ("MI", "berrian county"): "Berrien County",
    ("OK", "custer countey"): "Custer County",
    ("VA", "hopewell county"): "Hopewell city",  # an independent city, not a county
}


_SAINT = re.compile(r"^(st|ste)\.?\s+", re.IGNORECASE)


@cache
def _fips():
    return addfips.AddFIPS()


@cache
def county_names() -> dict[str, str]:
    """5-digit FIPS -> Census name ("Doña Ana County"), vintage 2020."""
    path = Path(addfips.__file__).parent / "data" / "counties_2020.csv"
    with path.open(encoding="utf-8") as f:
        return {row["statefp"] + row["countyfp"]: row["name"] for row in csv.DictReader(f)}


def resolve_county(name: str, state: str) -> tuple[str | None, str | None]:
    """(fips, alias used) for a county name as ICE or a person writes it; (None, None) if unknown."""
    if not name or not state:
        return None, None
    fips = _fips().get_county_fips(name, state=state)
    if fips:
        return fips, None
    # ICE writes "St Johns County" where the Census writes "St. Johns County".
    dotted = _SAINT.sub(lambda m: m[1] + ". ", name.strip())
    if dotted != name.strip() and (fips := _fips().get_county_fips(dotted, state=state)):
        return fips, None
    alias = COUNTY_ALIASES.get((state.upper(), fold(name)))
    if alias:
        return _fips().get_county_fips(alias, state=state), alias
    return None, None


@cache
def _zip_index() -> dict[str, tuple[str, str] | None]:
    """Every known 5-digit ZIP -> (fips, state) of its county, or None when no county resolves.

    zipcodes.matching() scans all 42,000 ZIPs on each call (20 ms): at a signing surge that was
    most of a signature's cost. One pass here (~0.5 s, once per process; gunicorn builds it
    before forking, see gunicorn.conf.py) turns every later lookup into a dict access.
    """
    index: dict[str, tuple[str, str] | None] = {}
    for entry in zipcodes.list_all():
        code = entry.get("zip_code", "")
        if index.get(code):
            continue
        fips, _alias = resolve_county(entry.get("county", ""), entry.get("state", ""))
        index[code] = (fips, entry["state"]) if fips else None
    return index


def county_for_zip(zip_code: str) -> tuple[str, str] | None:
    """(fips, state) of the county a 5-digit ZIP code lies in, or None for an unknown ZIP."""
    if not isinstance(zip_code, str):
        return None
    return _zip_index().get(zip_code)


def zip_is_known(zip_code: str) -> bool:
    return isinstance(zip_code, str) and zip_code in _zip_index()


def warm_up() -> None:
    """Build the lookup tables now (before gunicorn forks), not on a visitor's request."""
    _zip_index()
    county_names()
    _city_index()
    _states_by_city()


# Cities and towns. ICE's sheet names no county for a police department: its city, read from the
# agency's name, leads to the county through the same ZIP data (each ZIP's primary city and the
# other names the Postal Service accepts for it).

_CITY_SPELLINGS = [
    (re.compile(r"\bsaint\b"), "st"),
    (re.compile(r"\bste\b"), "sainte"),
    (re.compile(r"\bft\b"), "fort"),
    (re.compile(r"\bmt\b"), "mount"),
    (re.compile(r"\btwp\b"), "township"),
]


def city_key(name: str) -> str:
    """A city name folded for matching: "St. Cloud" == "Saint Cloud" == "st cloud"."""
    text = fold(name).replace(".", " ").replace("-", " ").replace("'", "")
    for pattern, spelling in _CITY_SPELLINGS:
        text = pattern.sub(spelling, text)
    return " ".join(text.split())


@cache
def _city_index() -> dict[tuple[str, str], tuple[str, str]]:
    """(state, city key) -> (county fips, the city's own spelling), from every ZIP.

    A city's county is the one holding most of the ZIPs whose primary city it is (a city that
    spans counties, like Houston, lies mostly in one); names the Postal Service only accepts for a
    ZIP count when no ZIP has the name as its primary city.
    """
    primary: dict[tuple[str, str], Counter] = defaultdict(Counter)
    accepted: dict[tuple[str, str], Counter] = defaultdict(Counter)
    spelling: dict[tuple[str, str], str] = {}
    for code, found in _zip_index().items():
        if not found:
            continue
        entry = _zip_entries()[code]
        fips, state = found
        key = (state, city_key(entry["city"]))
        primary[key][fips] += 1
        spelling.setdefault(key, entry["city"])
        for other in entry.get("acceptable_cities") or []:
            other_key = (state, city_key(other))
            accepted[other_key][fips] += 1
            spelling.setdefault(other_key, other)
    index = {}
    for key in accepted.keys() | primary.keys():
        counts = primary.get(key) or accepted[key]
        (fips, _n), *_rest = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
        index[key] = (fips, spelling[key])
    return index


@cache
def _zip_entries() -> dict[str, dict]:
    return {e["zip_code"]: e for e in zipcodes.list_all()}


def county_for_city(city: str, state: str) -> tuple[str, str] | None:
    """(county fips, city as the Postal Service spells it) for a city in a state, or None."""
    return _city_index().get((state.upper(), city_key(city)))


def states_with_city(city: str) -> list[str]:
    """Every state with a city or town of this name, for a search that gives no state."""
    return _states_by_city().get(city_key(city), [])


@cache
def _states_by_city() -> dict[str, list[str]]:
    states: dict[str, list[str]] = defaultdict(list)
    for state, key in sorted(_city_index()):
        states[key].append(state)
    return dict(states)


def city_for_zip(zip_code: str) -> str:
    """The primary city of a ZIP code ("Foley" for 36535), or ""."""
    entry = _zip_entries().get(zip_code) if isinstance(zip_code, str) else None
    return entry["city"] if entry else ""


def zip_for_county(fips: str) -> str:
    """The lowest ZIP code of a county (for a search example, a map's link), or ""."""
    return _lowest_zips().get(fips, "")


@cache
def _lowest_zips() -> dict[str, str]:
    # One pass for every county: a state map links a few hundred counties at once.
    lowest: dict[str, str] = {}
    for code, found in _zip_index().items():
        if found and (found[0] not in lowest or code < lowest[found[0]]):
            lowest[found[0]] = code
    return lowest


# Placing an agency by its name, when ICE's row gives no county.


@dataclass
class Placement:
    """Where an agency's agreement reaches; `reason` says why when it could not be placed."""

    jurisdiction: str  # a Jurisdiction value: "county", "city", "state" or "" (not placed)
    fips: str | None = None
    city: str = ""
    rule: str = ""  # how it was placed, for the import report
    reason: str = ""


# Agencies whose place their name does not give (a campus, an airport, a misspelling, a town the
# ZIP data files under a neighbour's name), as (state, folded name) -> (jurisdiction, city or
# county name, county when the ZIP data does not know the city). Each was checked by hand against
# the agency's or the town's own public pages; none is a guess.
AGENCY_ALIASES = {
    ("MO", "north county police cooperative"): ("county", "St. Louis County", ""),  # its towns
    ("NV", "las vegas metropolitan police department"): (
        "county",
        "Clark County",
        "",
    ),  # city+county
    ("FL", "office of agricultural law enforcement"): ("state", "", ""),  # FL Dept. of Agriculture
    ("GU", "office of the attorney general"): ("state", "", ""),  # Guam's attorney general
    ("PA", "mahoning twp police department - montour"): ("county", "Montour County", ""),
    # Campus and airport police: the campus's or airport's city.
    ("FL", "florida atlantic police department"): ("city", "Boca Raton", ""),  # FAU's police
    ("FL", "sarasota manatee airport authority police department"): ("city", "Sarasota", ""),
    ("FL", "district board of trustees of pensacola state college"): ("city", "Pensacola", ""),
    ("FL", "florida a&m university board of trustees"): ("city", "Tallahassee", ""),
    ("FL", "florida gulf coast university police department"): ("city", "Fort Myers", ""),
    ("FL", "florida international university police department"): ("city", "Miami", ""),
    ("FL", "florida polytechnic university police department"): ("city", "Lakeland", ""),
    ("FL", "florida southwestern state college police department"): ("city", "Fort Myers", ""),
    ("FL", "florida state college at jacksonville police department"): ("city", "Jacksonville", ""),
    ("FL", "florida state university police department"): ("city", "Tallahassee", ""),
    ("FL", "new college of florida police department"): ("city", "Sarasota", ""),
    ("FL", "northwest florida state college police department"): ("city", "Niceville", ""),
    ("FL", "santa fe college police department"): ("city", "Gainesville", ""),
    ("FL", "tallahassee state college police department"): ("city", "Tallahassee", ""),
    ("FL", "university of central florida police department"): ("city", "Orlando", ""),
    ("FL", "university of florida police department"): ("city", "Gainesville", ""),
    ("FL", "university of north florida police department"): ("city", "Jacksonville", ""),
    ("FL", "university of south florida police department"): ("city", "Tampa", ""),
    ("FL", "university of west florida police department"): ("city", "Pensacola", ""),
    # Towns the ZIP data files under a neighbouring post office's name.
    ("FL", "springfield police department"): ("city", "Springfield", "Bay County"),
    ("FL", "sunny isles police department"): ("city", "Sunny Isles Beach", "Miami-Dade County"),
    ("IN", "cadiz police department"): ("city", "Cadiz", "Henry County"),
    ("MO", "country club hills police department"): (
        "city",
        "Country Club Hills",
        "St. Louis County",
    ),
    ("MO", "merriam woods police department"): ("city", "Merriam Woods", "Taney County"),
    ("MO", "southwest city police department"): ("city", "Southwest City", "McDonald County"),
    ("MO", "woodson terrace police department"): ("city", "Woodson Terrace", "St. Louis County"),
    ("NC", "brookford police department"): ("city", "Brookford", "Catawba County"),
    ("NH", "pittsburgh police department"): ("city", "Pittsburg", ""),  # ICE adds an h
    ("OK", "tushka police department"): ("city", "Tushka", "Atoka County"),
    ("SC", "pine ridge police department"): ("city", "Pine Ridge", "Lexington County"),
    ("TX", 'cut "n" shoot police department'): ("city", "Cut and Shoot", "Montgomery County"),
    ("TX", "east mountain police department"): ("city", "East Mountain", "Upshur County"),
    ("TX", "southside place police department"): ("city", "Southside Place", "Harris County"),
    ("WV", "village of clearview police department"): ("city", "Clearview", "Ohio County"),
    # Not the Oak Grove of Jackson County that the ZIP data knows.
    ("MO", "oak grove village police department"): ("city", "Oak Grove Village", "Franklin County"),
}

# A name with one of these reaches the whole state (checked after county and campus rules, so
# that "Florida State University" or "Iowa County" stay local).
_STATEWIDE_WORDS = (
    "state police",
    "highway patrol",
    "state patrol",
    "national guard",
    "state guard",
    "military department",
    "attorney general",
    "bureau of investigation",
    "bureau of narcotics",
    "department of corrections",
    "department of correction",
    "division of corrections",
    "correctional services",
    "law enforcement division",
    "division of criminal investigation",
    "department of justice",
    "department of law enforcement",
    "state auditor",
    "state fire marshal",
)
# Their reach spans several counties that ICE's sheet does not name.
_REGIONAL_WORDS = (
    "judicial circuit",
    "judicial distric",
    "regional jail",
    "state attorney",
    "regional police",
    "regional adult detention",
)
_STATE_PREFIXES = {"MP": ("cnmi",)}
_COUNTY_NAME = re.compile(r"^(?:county of )?(.+?) (county|parish|borough)\b")
# Words around a city's name in an agency's name, removed to find the city.
_AGENCY_WORDS = re.compile(
    r"\b(police (services )?(department|departement|dept)|police|department of public safety"
    r"|public safety|marshal'?s office|international airport|airport( authority)?"
    r"|constable'?s office|constables office|constable)\b"
)
_PLACE_PREFIX = re.compile(r"^(city|town|village|borough) of ")


def place_agency(name: str, state: str) -> Placement:
    """Where an agency with no county on its row reaches, read from its name (see the rules)."""
    folded = fold(name)
    alias = AGENCY_ALIASES.get((state, folded))
    if alias:
        return _placed_alias(alias, state)
    if county := _county_in_name(folded, state):
        return Placement("county", fips=county, rule="county named in the agency's name")
    if any(w in folded for w in _REGIONAL_WORDS):
        return Placement("", reason="regional: it spans several places and the list names none")
    if any(w in folded for w in ("university", "college")):
        return Placement("", reason="a campus police: its campus city is not in the name")
    state_names = (fold(STATE_NAMES.get(state, "")), *_STATE_PREFIXES.get(state, ()))
    if folded.startswith(state_names) and "constable" not in folded:
        return Placement("state", rule="a state agency (named for its state)")
    if any(w in folded for w in _STATEWIDE_WORDS) and "constable" not in folded:
        return Placement("state", rule="a state agency")
    return _placed_city(folded, state)


def _placed_alias(alias: tuple[str, str, str], state: str) -> Placement:
    kind, place, county = alias
    if kind == "state":
        return Placement("state", rule="alias: a state agency")
    if kind == "county":
        fips, _used = resolve_county(place, state)
        return Placement("county", fips=fips, rule=f"alias: {place}")
    if county:
        fips, city = resolve_county(county, state)[0], place
    else:
        fips, city = county_for_city(place, state) or (None, place)
    return Placement("city", fips=fips, city=city, rule=f"alias: {place}")


def _county_in_name(folded: str, state: str) -> str | None:
    """The county an agency's name starts with ("Northern York County Regional Police" -> York)."""
    match = _COUNTY_NAME.match(folded)
    if not match:
        return None
    words = match.group(1).split()
    # Try "northern york county", then "york county": a name may start with a region's word.
    for start in range(len(words)):
        fips, _alias = resolve_county(" ".join(words[start:]) + " " + match.group(2), state)
        if fips:
            return fips
    return None


def _placed_city(folded: str, state: str) -> Placement:
    place = _PLACE_PREFIX.sub("", _AGENCY_WORDS.sub(" ", folded).strip(" -,'"))
    place = " ".join(place.split())
    if not place:
        return Placement("", reason="no place in the agency's name")
    candidates = [place]
    # "Ashdown City Police" is Ashdown's; "Dade City" and "League City" are cities of their own,
    # so the full name is tried first. A township is never read as the town of the same name.
    for word in (" city", " village", " borough", " town"):
        if place.endswith(word):
            candidates.append(place.removesuffix(word))
    for candidate in candidates:
        found = county_for_city(candidate, state)
        if found:
            fips, city = found
            return Placement("city", fips=fips, city=city, rule=f"city {city!r} from ZIP data")
    if "township" in place or "twp" in place:
        return Placement("", reason=f"a township ({place!r}): the ZIP data lists no townships")
    return Placement("", reason=f"no city or town {place!r} in {state} in the ZIP data")
