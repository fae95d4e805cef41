"""County search: by county, agency, state or ZIP; accent-blind; any input answers 200."""

import pytest

from campaigns.models import Agency, CampaignStatus
from tests.factories import AgencyFactory, CampaignFactory, ContractFactory, CountyFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def galveston():
    return CampaignFactory()


@pytest.fixture
def dona_ana():
    county = CountyFactory(fips="35013", name="Doña Ana County", state="NM")
    return CampaignFactory(county=county)


def _search(client, q):
    response = client.get("/search/", {"q": q})
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize(
    "q", ["Galveston", "galveston county", "GALVESTON", "Galveston County, TX", "galveston tx"]
)
def test_a_county_name_finds_its_campaign(client, galveston, q):
    html = _search(client, q)
    assert f'href="{galveston.get_absolute_url()}"' in html
    assert "1 campaign found." in html


def test_a_result_lists_county_state_agency_model_and_expiry(client):
    campaign = CampaignFactory(with_contract=False)
    agency = AgencyFactory(county=campaign.county)
    ContractFactory(agency=agency, signed_date="2018-07-01", expires="2019-06-30")
    html = _search(client, "galveston")
    assert "Galveston County, Texas" in html
    assert "Galveston County Sheriff&#x27;s Office: Jail enforcement" in html
    assert "ran to June 30, 2019; still in force" in html
    assert f'<a href="{campaign.get_absolute_url()}">' in html


@pytest.mark.parametrize("q", ["sheriff's office", "Galveston County Sheriff’s Office", "SHERIFF"])
def test_an_agency_name_finds_its_campaign(client, galveston, q):
    assert galveston.get_absolute_url() in _search(client, q)


def test_a_county_less_agency_is_found_by_its_name(client):
    agency = Agency.objects.create(
        name="Florida Department of Corrections", state="FL", agency_type="corrections"
    )
    ContractFactory(agency=agency)
    from campaigns.services import ensure_campaigns

    ensure_campaigns()
    html = _search(client, "department of corrections")
    assert "Florida Department of Corrections" in html
    assert "1 campaign found." in html


@pytest.mark.parametrize("q", ["TX", "tx", "Texas", "texas"])
def test_a_state_code_or_name_finds_its_campaigns_and_links_to_all(client, galveston, dona_ana, q):
    html = _search(client, q)
    assert galveston.get_absolute_url() in html
    assert dona_ana.get_absolute_url() not in html
    assert "/campaigns/?state=TX" in html


@pytest.mark.parametrize(
    ("q", "fips", "county", "state"),
    [
        ("Rhode Island", "44007", "Providence County", "RI"),
        ("District of Columbia", "11001", "District of Columbia", "DC"),
        ("U.S. Virgin Islands", "78010", "St. Croix Island", "VI"),
    ],
)
def test_a_state_with_several_spellings_is_found_by_its_own_name(client, q, fips, county, state):
    """ICE spells some states two ways; the state's own name must still find it."""
    campaign = CampaignFactory(county=CountyFactory(fips=fips, name=county, state=state))
    html = _search(client, q)
    assert campaign.get_absolute_url() in html


def test_an_import_row_may_name_its_state_in_any_known_spelling():
    from campaigns.importing import _parse_state

    assert _parse_state("Rhode Island") == "RI"
    assert _parse_state("Rhode Island and Providence Plantations") == "RI"
    assert _parse_state("District of Columbia") == "DC"
    assert _parse_state("D.C.") == "DC"


def test_a_state_name_that_is_also_a_county_name_finds_both(client):
    county = CountyFactory(fips="05143", name="Washington County", state="AR")
    arkansas = CampaignFactory(county=county)
    html = _search(client, "Washington")
    assert arkansas.get_absolute_url() in html


@pytest.mark.parametrize("q", ["dona ana", "Doña Ana", "DOÑA ANA COUNTY", "doña", "Dona Ana, NM"])
def test_search_is_accent_and_case_blind(client, dona_ana, q):
    assert dona_ana.get_absolute_url() in _search(client, q)


def test_the_agency_search_text_holds_the_county_name_with_accents_folded(dona_ana):
    agency = Agency.objects.get(county__fips="35013")
    assert "dona ana county" in agency.search_text
    assert "new mexico" in agency.search_text


@pytest.mark.parametrize("q", ["77550", "77550-1234", " 77550 "])
def test_a_zip_code_in_a_contract_county_finds_its_campaign(client, galveston, q):
    html = _search(client, q)
    assert galveston.get_absolute_url() in html
    assert "ZIP code 77550 is in Galveston, Galveston County, TX." in html


def test_a_zip_code_resolves_an_accented_county(client, dona_ana):
    assert dona_ana.get_absolute_url() in _search(client, "88001")


def test_a_zip_code_in_a_county_without_a_contract_says_so(client, galveston):
    html = _search(client, "10001")
    assert "ZIP code 10001 is in New York, New York County, NY." in html
    assert "We have no 287(g) contract on file for New York County, NY." in html
    assert galveston.get_absolute_url() not in html


def test_an_unknown_zip_code_says_so(client, galveston):
    html = _search(client, "00000")
    assert "We do not know the ZIP code 00000." in html


def test_no_match_says_so_and_suggests_other_searches(client, galveston):
    html = _search(client, "Narnia")
    assert "No 287(g) contract matches “Narnia”." in html
    assert "your state, or your 5-digit ZIP code" in html
    assert 'href="/map/"' in html


def test_an_empty_search_explains_what_to_type(client, galveston):
    for q in ["", "   ", "\x00\x00"]:
        html = _search(client, q)
        assert "Type your 5-digit ZIP code, your city or town, your county" in html
        assert "campaign found" not in html


def test_a_ten_thousand_character_search_is_refused_politely(client, galveston):
    html = _search(client, "a" * 10_000)
    assert "That search is too long." in html


@pytest.mark.parametrize(
    "q",
    [
        "galveston\x00",
        "'; DROP TABLE campaigns_campaign; --",
        "%",
        "_",
        "\\",
        "' OR 1=1 --",
        "<script>alert(1)</script>",
        '"><img src=x onerror=alert(1)>',
        "🦅🇺🇸",
        "\u202egalveston",
        "مقاطعة",
        "\ufeff\u200f",
        "?q=1&q=2",
        "ﬁ",
    ],
)
def test_absurd_input_answers_200_with_a_message_and_no_markup_injection(client, galveston, q):
    html = _search(client, q)
    assert 'role="status"' in html
    assert "<script>alert" not in html
    assert "<img src=x" not in html


def test_a_nul_byte_is_dropped_and_the_rest_is_searched(client, galveston):
    assert galveston.get_absolute_url() in _search(client, "galv\x00eston")


def test_like_wildcards_match_literally(client, galveston):
    assert "No 287(g) contract matches" in _search(client, "%")


def test_a_closed_campaign_is_not_found(client, galveston):
    galveston.status = CampaignStatus.CLOSED
    galveston.save()
    assert galveston.get_absolute_url() not in _search(client, "galveston")


def test_results_are_capped_and_say_so(client):
    for n in range(65):
        county = CountyFactory(fips=f"48{n * 2 + 1:03d}", name=f"County {n}", state="TX")
        CampaignFactory(county=county, slug=f"county-{n}")
    html = _search(client, "TX")
    assert "60 campaigns found." in html
    assert "Showing the first ones" in html


def test_a_results_page_runs_a_fixed_number_of_queries(client, django_assert_max_num_queries):
    for n in range(20):
        county = CountyFactory(fips=f"48{n * 2 + 1:03d}", name=f"County {n}", state="TX")
        CampaignFactory(county=county, slug=f"county-{n}")
    with django_assert_max_num_queries(6):
        html = _search(client, "Texas")
    assert "20 campaigns found." in html
    with django_assert_max_num_queries(6):
        _search(client, "county")


def test_a_zip_search_runs_a_fixed_number_of_queries(
    client, galveston, django_assert_max_num_queries
):
    with django_assert_max_num_queries(6):
        assert galveston.get_absolute_url() in _search(client, "77550")


@pytest.mark.parametrize("prefix", ["", "/es"])
def test_search_answers_in_both_languages(client, galveston, prefix):
    response = client.get(prefix + "/search/", {"q": "dona ana"})
    assert response.status_code == 200
