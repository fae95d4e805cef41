"""Search finds everything that covers a place: a ZIP code or a city shows the county's agreements,
the police of the county's cities (that city's first) and the state's statewide agencies."""

import re
from pathlib import Path

import pytest

from campaigns.importing import parse_contract_file
from campaigns.services import import_contracts

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"

pytestmark = pytest.mark.django_db


def _import(name: str):
    path = FIXTURES / name
    rows, problems = parse_contract_file(path.read_bytes(), path.name)
    assert import_contracts(rows, problems=problems).written


@pytest.fixture
def list_2026():
    _import("287g_agreements_2026-05.csv")


@pytest.fixture
def list_2019():
    _import("287g_agreements_2019.csv")


def _search(client, q, language=""):
    response = client.get(f"{language}/search/", {"q": q})
    assert response.status_code == 200
    return response.content.decode()


def _groups(html: str) -> list[tuple[str, list[str]]]:
    """Each heading of a place's group with the campaign names listed under it, in order."""
    groups = []
    for part in re.split(r'<h3 class="h4">', html)[1:]:
        heading, _, rest = part.partition("</h3>")
        rest = rest.split('<h3 class="h4">')[0].split("</section>")[0]
        names = re.findall(r'<h4 class="h5 mb-1"><a href="[^"]+">([^<]+)</a>', rest)
        groups.append((heading.strip(), names))
    return groups


def test_a_zip_code_shows_the_county_its_city_police_first_and_the_state(client, list_2026):
    html = _search(client, "36535")  # Foley, AL

    assert "ZIP code 36535 is in Foley, Baldwin County, AL." in html
    (county, county_names), (cities, city_names), (state, state_names) = _groups(html)
    assert county == "Baldwin County: sheriff and county agencies"
    assert county_names == ["Baldwin County, Alabama"]
    assert cities == "Police of cities and towns in Baldwin County"
    assert city_names[0] == "Foley Police Department, Alabama"
    assert "Elberta Police Department, Alabama" in city_names
    assert state == "Statewide agencies of Alabama"
    assert state_names == []


def test_a_zip_code_shows_the_statewide_agencies_of_its_state(client, list_2026):
    html = _search(client, "32301")  # Tallahassee, FL
    (_c, county_names), (_p, city_names), (_s, state_names) = _groups(html)
    assert county_names == ["Leon County, Florida"]
    assert "Tallahassee Police Department, Florida" in city_names
    assert "Florida Highway Patrol" not in state_names  # ICE's own long name is shown
    assert "Florida Department of Corrections, Florida" in state_names
    assert len(state_names) == 12


def test_a_zip_code_where_only_a_city_police_has_an_agreement_shows_it(client, list_2026):
    """Before, a county with no sheriff's agreement read "no 287(g) contract on file"."""
    html = _search(
        client, "35010"
    )  # Alexander City, Tallapoosa County, AL: no agreement of its own
    (_c, county_names), (_p, city_names), _state = _groups(html)
    assert county_names == []
    assert "We have no 287(g) contract on file for Tallapoosa County, AL." in html
    # Towns of the same county.
    assert city_names == [
        "Camp Hill Police Department, Alabama",
        "Jackson&#x27;s Gap Police Department, Alabama",
    ]


@pytest.mark.parametrize("q", ["Foley, AL", "foley al", "Foley, Alabama", "FOLEY"])
def test_a_city_name_finds_the_same_groups_as_its_zip_code(client, list_2026, q):
    groups = _groups(_search(client, q))
    assert groups[:3] == _groups(_search(client, "36535"))


def test_a_city_in_several_states_shows_each_that_has_agreements(client, list_2026):
    html = _search(client, "Foley")
    assert "Foley, Baldwin County, Alabama" in html
    assert "Foley, Lincoln County, Missouri" in html
    assert "Statewide agencies of Missouri" in html


@pytest.mark.parametrize("fixture", ["list_2019", "list_2026"])
def test_dona_ana_is_found_with_or_without_its_accent(client, request, fixture):
    request.getfixturevalue(fixture)
    plain = _search(client, "dona ana")
    accented = _search(client, "Doña Ana")
    assert "Doña Ana County" in plain
    assert "No 287(g) contract matches" not in plain
    assert _groups(plain) == _groups(accented)


@pytest.mark.parametrize("fixture", ["list_2019", "list_2026"])
def test_county_agency_and_state_names_still_find_their_campaigns(client, request, fixture):
    request.getfixturevalue(fixture)
    assert "Galveston County, Texas" in _search(client, "Galveston County")
    assert "Georgia Department of Corrections" in _search(
        client, "georgia department of corrections"
    )
    assert "/campaigns/?state=TX" in _search(client, "Texas")


def test_the_2019_list_zip_search_shows_the_statewide_department_of_corrections(client, list_2019):
    html = _search(client, "30303")  # Atlanta, Fulton County, GA
    (_c, _cn), (_p, _pn), (_s, state_names) = _groups(html)
    assert state_names == ["Georgia Department of Corrections, Georgia"]


def test_the_groups_are_in_spanish_on_the_spanish_page(client, list_2026):
    html = _search(client, "36535", language="/es")
    headings = [heading for heading, _names in _groups(html)]
    assert headings == [
        "Condado de Baldwin: sheriff y agencias del condado",
        "Policía de las ciudades y pueblos en el condado de Baldwin",
        "Agencias estatales de Alabama",
    ]
    assert "El código postal 36535 está en Foley, el condado de Baldwin, AL." in html


def test_the_search_hint_gives_examples_that_exist(client, list_2026):
    html = _search(client, "")
    hint = re.search(r'<p id="search-help"[^>]*>For example: ([^<]+), or the name', html).group(1)
    examples = [e.strip() for e in hint.split(", ") if e.strip()]
    assert "Doña Ana" not in hint
    zip_code, city, city_state, county, state = examples
    assert re.fullmatch(r"\d{5}", zip_code)
    for q in (zip_code, f"{city}, {city_state}", county, state):
        assert "No 287(g) contract matches" not in _search(client, q), q
        assert "campaign found" in _search(client, q) or "campaigns found" in _search(client, q)
