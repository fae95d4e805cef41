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


def county_for_zip(zip_code: str) -> tuple[str, str] | None:
    """(fips, state) of the county a 5-digit ZIP code lies in, or None for an unknown ZIP."""
    if not (len(zip_code) == 5 and zip_code.isascii() and zip_code.isdigit()):
        return None
    try:
        matches = zipcodes.matching(zip_code)
    except (ValueError, TypeError):
        return None
    for match in matches:
        fips, _alias = resolve_county(match.get("county", ""), match.get("state", ""))
        if fips:
            return fips, match["state"]
    return None


def zip_is_known(zip_code: str) -> bool:
    try:
        return bool(zipcodes.matching(zip_code))
    except (ValueError, TypeError):
        return False
