"""Every agency in its place: a county, a city (with its county) or a whole state, read from ICE's
rows; the import reports, by line and with a reason, every agency it could not place."""

from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import IntegrityError

from campaigns.geography import AGENCY_ALIASES, place_agency
from campaigns.importing import parse_contract_file
from campaigns.models import Agency, AgencyType, Campaign, County, Jurisdiction
from campaigns.services import import_contracts

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"


def _import(name: str):
    path = FIXTURES / name
    rows, problems = parse_contract_file(path.read_bytes(), path.name)
    assert not problems
    report = import_contracts(rows)
    assert report.written, report.rejected[:5]
    return report


@pytest.mark.parametrize(
    ("name", "state", "jurisdiction", "fips", "city"),
    [
        ("Foley Police Department", "AL", "city", "01003", "Foley"),
        ("St. Cloud Police Department", "FL", "city", "12097", "Saint Cloud"),
        ("Port Saint Lucie Police Department", "FL", "city", "12111", "Port Saint Lucie"),
        ("Dade City Police Department", "FL", "city", "12101", "Dade City"),  # "X City" is a city
        ("Ashdown City Police Department", "AR", "city", "05081", "Ashdown"),  # "X City" is X
        ("City of Miami Police Department", "FL", "city", "12086", "Miami"),
        ("Melbourne International Airport Police Department", "FL", "city", "12009", "Melbourne"),
        ("University of Florida Police Department", "FL", "city", "12001", "Gainesville"),
        ("Saint Charles County Police Department", "MO", "county", "29183", ""),
        ("Nassau County Police Department", "NY", "county", "36059", ""),
        ("Lee County Port Authority Police", "FL", "county", "12071", ""),
        ("Northern York County Regional Police Department", "PA", "county", "42133", ""),
        ("Arkansas State Police Department", "AR", "state", None, ""),
        ("Missouri Highway Patrol", "MO", "state", None, ""),
        ("Florida Department of Corrections", "FL", "state", None, ""),
        ("CNMI Department of Public Safety", "MP", "state", None, ""),
    ],
)
def test_an_agency_is_placed_by_its_name(name, state, jurisdiction, fips, city):
    placement = place_agency(name, state)
    assert (placement.jurisdiction, placement.fips, placement.city) == (jurisdiction, fips, city)


@pytest.mark.parametrize(
    ("name", "state", "reason"),
    [
        ("Franklin Township Police Department", "PA", "township"),
        ("Rappahannock, Shenandoah, Warren Regional Jail Authority", "VA", "several places"),
        ("Ward 5 Marshal's Office", "LA", "no city or town 'ward 5'"),
    ],
)
def test_an_agency_that_cannot_be_placed_says_why(name, state, reason):
    placement = place_agency(name, state)
    assert placement.jurisdiction == ""
    assert placement.fips is None
    assert reason in placement.reason


@pytest.mark.parametrize(("key", "alias"), sorted(AGENCY_ALIASES.items()))
def test_every_alias_places_its_agency(key, alias):
    state, folded = key
    placement = place_agency(folded, state)
    assert placement.jurisdiction == alias[0]
    assert placement.jurisdiction == "state" or placement.fips


@pytest.mark.django_db
def test_the_2026_list_places_police_in_their_city_and_state_agencies_statewide():
    report = _import("287g_agreements_2026-05.csv")

    foley = Agency.objects.get(name="Foley Police Department")
    assert (foley.jurisdiction, foley.city, foley.county_id) == ("city", "Foley", "01003")
    patrol = Agency.objects.get(name="Missouri Highway Patrol")
    assert (patrol.jurisdiction, patrol.county_id) == ("state", None)
    police = Agency.objects.filter(agency_type=AgencyType.POLICE)
    assert police.filter(jurisdiction=Jurisdiction.CITY, county__isnull=False).count() >= 570
    assert police.filter(jurisdiction=Jurisdiction.UNPLACED).count() <= 40
    # Every row is counted once, in its place or among the unplaced.
    assert sum(report.placed.values()) == 1843
    assert report.placed[""] == len(report.unplaced)


@pytest.mark.django_db
def test_the_2026_import_reports_few_unplaced_rows_each_with_its_line_and_reason():
    report = _import("287g_agreements_2026-05.csv")

    assert 0 < len(report.unplaced) <= 60  # of 1,843
    lines = {p.line for p in report.unplaced}
    assert len(lines) == len(report.unplaced)
    for problem in report.unplaced:
        assert problem.line > 1
        assert ": " in problem.reason and problem.reason.split(": ", 1)[1]
    assert Agency.objects.filter(jurisdiction="").count() == len(
        {p.reason.split(": ")[0] for p in report.unplaced}
    )


@pytest.mark.django_db
def test_the_2019_list_places_every_agency_but_the_regional_jail():
    report = _import("287g_agreements_2019.csv")

    assert [p.reason for p in report.unplaced] == [
        "Prince William-Manassas Regional Adult Detention Center: "
        "regional: it spans several places and the list names none"
    ]
    georgia = Agency.objects.get(name="Georgia Department of Corrections")
    assert georgia.jurisdiction == Jurisdiction.STATE
    police = Agency.objects.filter(agency_type=AgencyType.POLICE)
    assert police.count() == 2
    assert not police.filter(jurisdiction=Jurisdiction.UNPLACED).exists()


@pytest.mark.django_db
def test_a_city_police_department_keeps_its_own_campaign_out_of_the_county_one():
    _import("287g_agreements_2026-05.csv")

    baldwin = Campaign.objects.get(county_id="01003")
    assert "Foley Police Department" not in {c.agency.name for c in baldwin.contracts()}
    foley = Campaign.objects.get(agency__name="Foley Police Department")
    assert foley.county_id is None


@pytest.mark.django_db
def test_the_command_lists_every_unplaced_row_by_line(capsys):
    call_command("import_contracts", str(FIXTURES / "287g_agreements_2026-05.csv"))
    out = capsys.readouterr().out
    assert "line 1758: not placed: Rappahannock, Shenandoah, Warren Regional Jail Authority" in out
    assert "agreements placed: 1124 county, 595 city, 74 state, 50 not placed" in out


@pytest.mark.django_db
def test_a_staff_placement_survives_the_next_import():
    _import("287g_agreements_2026-05.csv")
    # Say staff found which Franklin Township it is (Adams County, PA).
    county = County.objects.create(fips="42001", name="Adams County", state="PA")
    Agency.objects.filter(name="Franklin Township Police Department").update(
        jurisdiction=Jurisdiction.CITY, city="Franklin Township", county=county
    )

    _import("287g_agreements_2026-05.csv")

    agency = Agency.objects.get(name="Franklin Township Police Department")
    assert (agency.jurisdiction, agency.city, agency.county_id) == (
        "city",
        "Franklin Township",
        "42001",
    )


@pytest.mark.django_db
def test_staff_place_an_agency_in_the_admin(admin_client):
    county = County.objects.create(fips="42001", name="Adams County", state="PA")
    agency = Agency.objects.create(
        name="Franklin Township Police Department", state="PA", agency_type="police"
    )
    response = admin_client.post(
        f"/admin/campaigns/agency/{agency.pk}/change/",
        {
            "name": agency.name,
            "agency_type": "police",
            "state": "PA",
            "jurisdiction": "city",
            "county": county.pk,
            "city": "Franklin Township",
        },
    )
    assert response.status_code == 302
    agency.refresh_from_db()
    assert (agency.jurisdiction, agency.county_id, agency.city) == (
        "city",
        "42001",
        "Franklin Township",
    )


@pytest.mark.django_db
def test_the_admin_refuses_a_city_agency_without_its_county(admin_client):
    agency = Agency.objects.create(name="Foley Police Department", state="AL", agency_type="police")
    response = admin_client.post(
        f"/admin/campaigns/agency/{agency.pk}/change/",
        {
            "name": agency.name,
            "agency_type": "police",
            "state": "AL",
            "jurisdiction": "city",
            "city": "Foley",
        },
    )
    assert response.status_code == 200
    assert "a city agency its city and that city" in response.content.decode()


@pytest.mark.django_db
def test_the_database_refuses_a_statewide_agency_with_a_county():
    county = County.objects.create(fips="01003", name="Baldwin County", state="AL")
    with pytest.raises(IntegrityError):
        Agency.objects.create(
            name="Alabama State Police",
            state="AL",
            agency_type="police",
            jurisdiction="state",
            county=county,
        )
