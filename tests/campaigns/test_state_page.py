"""A state's page: its counties shaded by what they hold, its statewide agencies, its campaigns;
and the national map that links to it."""

import re
from pathlib import Path

import pytest

from campaigns.importing import parse_contract_file
from campaigns.models import Agency, Campaign, ContractStatus, County
from campaigns.services import ensure_campaigns, import_contracts
from tests.factories import CampaignFactory, ContractFactory, CountyFactory

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"

pytestmark = pytest.mark.django_db


def _import(name):
    path = FIXTURES / name
    rows, problems = parse_contract_file(path.read_bytes(), path.name)
    assert import_contracts(rows, problems=problems).written


def _police(city, county, *, status=ContractStatus.ACTIVE):
    agency = Agency.objects.create(
        name=f"{city} Police Department",
        state=county.state,
        agency_type="police",
        jurisdiction="city",
        city=city,
        county=county,
    )
    ContractFactory(agency=agency, status=status)
    return agency


def _statewide(name, state):
    agency = Agency.objects.create(
        name=name, state=state, agency_type="other", jurisdiction="state"
    )
    ContractFactory(agency=agency, model="task_force")
    return agency


def _svg(html: str, css_class: str) -> str:
    start = html.index(f'<svg class="{css_class}"')
    return html[start : html.index("</svg>", start)]


def _county_entry(html: str, fips: str) -> str:
    start = html.index(f'<li id="county-{fips}"')
    return html[start : html.index("</li>", start)]


@pytest.fixture
def alabama():
    """Baldwin: the sheriff's agreement in force. Tallapoosa: only Camp Hill's police, in force.
    Mobile: only an agreement that ended. The state's patrol: statewide."""
    CampaignFactory(county=CountyFactory(fips="01003", name="Baldwin County", state="AL"))
    _police("Camp Hill", CountyFactory(fips="01123", name="Tallapoosa County", state="AL"))
    _police(
        "Prichard",
        CountyFactory(fips="01097", name="Mobile County", state="AL"),
        status=ContractStatus.NOT_RENEWED,
    )
    _statewide("Alabama State Law Enforcement Agency", "AL")
    ensure_campaigns()


def test_a_state_page_shades_each_county_by_what_it_holds(client, alabama):
    html = client.get("/campaigns/al/").content.decode()
    svg = _svg(html, "state-map")
    shapes = dict(re.findall(r'<title>([^<:]+):[^<]*</title><path class="county ([a-z-]+)"', svg))
    assert shapes["Baldwin County"] == "in-force"
    assert shapes["Tallapoosa County"] == "in-force"  # only its city's police holds one
    assert shapes["Mobile County"] == "ended"
    assert shapes["Autauga County"] == "none"
    assert len(shapes) == 67  # every county of Alabama is drawn and linked


def test_the_list_beside_the_map_says_in_words_what_each_county_holds(client, alabama):
    html = client.get("/campaigns/al/").content.decode()
    assert "Baldwin County</a>: a 287(g) agreement in force" in _county_entry(html, "01003")
    tallapoosa = _county_entry(html, "01123")
    assert "a 287(g) agreement in force" in tallapoosa
    assert 'href="/campaigns/al/camp-hill-police-department/"' in tallapoosa
    assert "287(g) agreements that ended" in _county_entry(html, "01097")
    assert "no 287(g) agreement on file" in _county_entry(html, "01001")
    legend = html[html.index('class="map-legend') :]
    for words in ("A 287(g) agreement in force", "Agreements that ended", "No agreement on file"):
        assert words in legend


def test_the_state_page_lists_its_statewide_agencies_and_campaigns_grouped(client, alabama):
    html = client.get("/campaigns/al/").content.decode()
    statewide = html[html.index('id="statewide"') : html.index('id="campaigns"')]
    assert "Alabama State Law Enforcement Agency" in statewide
    assert "Task force" in statewide
    assert "This campaign needs a leader" in statewide
    campaigns = html[html.index('id="campaigns"') :]
    headings = re.findall(r'<h3 class="h5 mt-3">([^<]+)</h3>', campaigns)
    assert headings == [
        "County campaigns: the sheriff and county agencies",
        "City police campaigns",
        "Statewide agencies&#x27; campaigns",
    ]
    county_group = campaigns[: campaigns.index("City police campaigns")]
    assert "Baldwin County</a>: <strong>needs a leader</strong>" in county_group
    assert "Camp Hill Police Department" in campaigns[campaigns.index("City police") :]


def test_the_state_page_speaks_spanish(client, alabama):
    response = client.get("/es/campaigns/al/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Condado de Baldwin</a>: un acuerdo 287(g) vigente" in _county_entry(html, "01003")
    assert 'href="/es/campaigns/al/baldwin-county/"' in _svg(html, "state-map")


def test_a_state_address_in_capitals_moves_to_lower_case_and_an_unknown_state_is_not_found(
    client,
):
    response = client.get("/campaigns/AL/")
    assert response.status_code == 301 and response["Location"] == "/campaigns/al/"
    assert client.get("/campaigns/zz/").status_code == 404


def test_a_state_page_costs_two_queries_whatever_the_state_size(client, django_assert_num_queries):
    _import("287g_agreements_2019.csv")
    _import("287g_agreements_2026-05.csv")
    with django_assert_num_queries(2):
        texas = client.get("/campaigns/tx/").content.decode()
    with django_assert_num_queries(2):
        client.get("/campaigns/de/")
    # Texas: 254 counties drawn, statewide agencies listed, every campaign in its group.
    assert len(re.findall(r'<path class="county ', texas)) == 254
    assert "Texas Department of Public Safety" in texas[texas.index('id="statewide"') :]
    assert texas.count('<li id="county-') == 254
    campaigns = Campaign.objects.public().filter(state="TX")
    listed = texas[texas.index('id="campaigns"') :]
    for campaign in campaigns:
        assert f'href="{campaign.get_absolute_url()}"' in listed, campaign


def test_the_2019_cohort_alone_shades_its_counties_with_what_happened(client):
    _import("287g_agreements_2019.csv")
    html = client.get("/campaigns/tx/").content.decode()
    held = set(re.findall(r'<path class="county ([a-z-]+)"', _svg(html, "state-map")))
    assert held <= {"in-force", "ended", "none"} and "none" in held and len(held) > 1


def test_the_state_page_is_linked_from_the_record_the_list_and_the_map(client, alabama):
    assert 'href="/campaigns/al/"' in client.get("/record/al/").content.decode()
    assert 'href="/campaigns/al/"' in client.get("/campaigns/?state=AL").content.decode()
    national = client.get("/map/").content.decode()
    assert re.search(
        r'<a href="/campaigns/al/"><title>Alabama: its counties, statewide agencies and '
        r'campaigns</title><path class="state" d="M',
        _svg(national, "us-map"),
    )
    assert '<a href="/campaigns/al/">Alabama</a>' in national


def test_the_national_map_shades_a_county_by_what_it_holds(client, alabama):
    svg = _svg(client.get("/map/").content.decode(), "us-map")
    shaded = dict(
        re.findall(r"<title>([^,<]+), Alabama:[^<]*</title><path class=\"contract ([a-z-]+)\"", svg)
    )
    assert shaded == {
        "Baldwin County": "in-force",
        "Tallapoosa County": "in-force",
        "Mobile County": "ended",
    }


def test_a_county_missing_from_the_drawing_is_still_in_the_state_list(client):
    region = CountyFactory(fips="09110", name="Capitol Planning Region", state="CT")
    CampaignFactory(county=region, state="CT")
    html = client.get("/campaigns/ct/").content.decode()
    assert "Capitol Planning Region" in _county_entry(html, "09110")
    assert "Capitol Planning Region" not in _svg(html, "state-map")
    assert County.objects.filter(state="CT").count() == 1
