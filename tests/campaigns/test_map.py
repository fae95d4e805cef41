"""The map page: every contract county drawn, linked and named; a text list beside it; cached."""

import re
from pathlib import Path

import pytest

from campaigns import map as us_map
from campaigns.importing import parse_contract_file
from campaigns.models import Campaign, CampaignStatus, County
from campaigns.services import import_contracts
from tests.factories import CampaignFactory, CountyFactory

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"

pytestmark = pytest.mark.django_db


@pytest.fixture
def cohort_2019():
    path = FIXTURES / "287g_agreements_2019.csv"
    rows, problems = parse_contract_file(path.read_bytes(), path.name)
    assert import_contracts(rows, problems=problems).written


def _svg(html: str) -> str:
    start = html.index('<svg class="us-map" viewBox')
    return html[start : html.index("</svg>", start)]


def test_every_contract_county_of_the_2019_data_is_drawn_and_linked(client, cohort_2019):
    svg = _svg(client.get("/map/").content.decode())
    campaigns = Campaign.objects.public().filter(county__isnull=False)
    assert campaigns.count() > 100
    for campaign in campaigns:
        link = re.search(
            rf'<a href="{re.escape(campaign.get_absolute_url())}">'
            r'<title>[^<]+</title><path class="contract (in-force|ended)" d="M[^"]+z"/></a>',
            svg,
        )
        assert link, f"{campaign} is not on the map"


def test_a_marked_county_has_an_accessible_name_with_its_state_and_status(client):
    CampaignFactory()
    svg = _svg(client.get("/map/").content.decode())
    label = "Galveston County, Texas: 287(g) campaign, needs a leader; a 287(g) agreement in force"
    assert f'<a href="/campaigns/tx/galveston-county/"><title>{label}</title>' in svg


def test_the_svg_is_a_named_group_without_scripts_or_inline_styles(client):
    CampaignFactory()
    svg = _svg(client.get("/map/").content.decode())
    assert 'role="group" aria-labelledby="us-map-title"' in svg
    assert '<title id="us-map-title">' in svg
    assert "<script" not in svg
    assert "style=" not in svg
    # One background shape per state, each a link to the state's page.
    assert svg.count('<path class="state"') == 51
    assert '<a href="/campaigns/tx/"><title>Texas: its counties' in svg


def test_the_text_list_beside_the_map_links_each_county_under_its_state(client):
    campaign = CampaignFactory()
    html = client.get("/map/").content.decode()
    after_map = html[html.index('id="county-list"') :]
    assert "<h3" in after_map and "Texas" in after_map
    assert f'<a href="{campaign.get_absolute_url()}">Galveston County</a>' in after_map


def test_coordinates_are_rounded_and_stay_inside_the_view():
    path = us_map.county_path("48167")  # Galveston County, TX
    numbers = [float(n) for n in re.findall(r"-?\d*\.?\d+", path)]
    assert numbers and all(len(n.split(".")[-1]) <= 1 for n in re.findall(r"\d*\.\d+", path))
    x, y = numbers[0], numbers[1]
    assert 0 <= x <= 975 and 0 <= y <= 610


def test_a_negative_arc_index_walks_the_arc_backwards():
    forward = us_map._ring([5], 0.0)
    backward = us_map._ring([~5], 0.0)
    assert backward == forward[::-1]


def test_a_county_whose_border_changed_after_2017_is_listed_but_not_drawn(client):
    region = CountyFactory(fips="09110", name="Capitol Planning Region", state="CT")
    CampaignFactory(county=region, state="CT")
    html = client.get("/map/").content.decode()
    assert "Capitol Planning Region" in html[html.index('id="county-list"') :]
    assert "Capitol Planning Region" not in _svg(html)


def test_the_drawing_is_cached_and_redrawn_when_a_status_changes(
    client, django_assert_max_num_queries
):
    campaign = CampaignFactory()
    client.get("/map/")
    with django_assert_max_num_queries(1):
        assert "needs a leader" in _svg(client.get("/map/").content.decode())
    Campaign.objects.filter(pk=campaign.pk).update(status=CampaignStatus.LED)
    assert "Galveston County, Texas: 287(g) campaign, led" in _svg(
        client.get("/map/").content.decode()
    )


def test_the_map_speaks_spanish_under_es(client):
    CampaignFactory()
    response = client.get("/es/map/")
    assert response.status_code == 200
    assert 'href="/es/campaigns/tx/galveston-county/"' in _svg(response.content.decode())


def test_an_empty_map_still_draws_the_states(client):
    assert not County.objects.exists()
    html = client.get("/map/").content.decode()
    assert '<path class="state"' in html
    assert 'class="contract"' not in _svg(html)


def _import(name):
    path = FIXTURES / name
    rows, problems = parse_contract_file(path.read_bytes(), path.name)
    import_contracts(rows, problems=problems)


def test_the_map_page_stays_light_even_with_every_2026_contract(client):
    """Measured, not guessed: the page over a phone connection, as a compressing proxy sends it."""
    import gzip

    _import("287g_agreements_2019.csv")
    light = client.get("/map/").content
    _import("287g_agreements_2026-05.csv")
    full = client.get("/map/").content
    # 2019 (124 campaigns): ~80 KB of HTML; 2026 (about 1,000 counties): ~360 KB, ~65 KB gzipped.
    assert len(light) < 120_000
    assert len(full) < 450_000
    assert len(gzip.compress(full)) < 90_000


def test_a_county_where_only_a_city_police_has_an_agreement_is_on_the_map(client):
    from campaigns.models import Agency
    from campaigns.services import ensure_campaigns
    from tests.factories import ContractFactory, CountyFactory

    county = CountyFactory(fips="01123", name="Tallapoosa County", state="AL")
    agency = Agency.objects.create(
        name="Camp Hill Police Department",
        state="AL",
        agency_type="police",
        jurisdiction="city",
        city="Camp Hill",
        county=county,
    )
    ContractFactory(agency=agency)
    ensure_campaigns()

    html = client.get("/map/").content.decode()
    label = "Tallapoosa County, Alabama: 287(g) agreements of city police"
    assert f"<title>{label}; a 287(g) agreement in force</title>" in html
    assert '<a href="/search/?q=35010">Tallapoosa County</a>' in html
