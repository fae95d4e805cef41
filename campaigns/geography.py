"""County names and FIPS codes, offline: Census data shipped in addfips, ZIP codes from zipcodes."""

import csv
from functools import cache
from pathlib import Path

import addfips
import zipcodes

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
