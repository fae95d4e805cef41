"""Browsing every campaign (issue 14): paged, sorted by state then name, filtered, translated."""

import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from campaigns.models import (
    Agency,
    AgencyType,
    Campaign,
    CampaignStatus,
    Contract,
    ContractModel,
    County,
    Jurisdiction,
)
from tests.factories import AgencyFactory, CampaignFactory, ContractFactory, CountyFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_cache():
    cache.clear()
    yield
    cache.clear()


def _campaigns(n, state="TX", start=0):
    """n bare county campaigns, named so their order is known ("County 000", "County 001"...)."""
    prefix = {"TX": "48", "NC": "37", "AL": "01"}[state]
    counties = County.objects.bulk_create(
        County(fips=f"{prefix}{start + i:03d}", name=f"County {start + i:03d}", state=state)
        for i in range(n)
    )
    return Campaign.objects.bulk_create(
        Campaign(county=c, state=state, name=c.name, slug=c.name.lower().replace(" ", "-"))
        for c in counties
    )


def _names(html):
    return re.findall(r'<h2 class="h5 mb-1"><a href="[^"]+">([^<]+)</a>', html)


def _get(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_fifty_a_page_and_the_next_page_continues(client):
    _campaigns(60)
    first = _get(client, "/campaigns/")
    assert len(_names(first)) == 50
    assert _names(first)[-1] == "County 049, TX"
    assert '<nav aria-label="Campaign pages">' in first
    assert 'aria-current="page" href="?page=1">1</a>' in first
    assert 'rel="next" href="?page=2">Next</a>' in first
    second = _get(client, "/campaigns/?page=2")
    assert _names(second) == [f"County {i:03d}, TX" for i in range(50, 60)]
    assert 'rel="prev" href="?page=1">Previous</a>' in second
    assert "Next</a>" not in second


def test_the_title_and_how_many_match(client):
    _campaigns(3)
    html = _get(client, "/campaigns/")
    assert "<h1>Campaigns</h1>" in html
    assert "3 campaigns" in html
    _campaigns(1, state="NC")
    assert "1 campaign<" in _get(client, "/campaigns/?state=NC")


def test_the_count_groups_thousands(client):
    _campaigns(999)
    _campaigns(2, state="NC")
    assert "1,001 campaigns" in _get(client, "/campaigns/")
    assert "1,001 campañas" in _get(client, "/es/campaigns/")


def test_sorted_by_state_then_name(client):
    _campaigns(2, state="TX", start=0)
    _campaigns(2, state="AL", start=5)
    _campaigns(1, state="NC", start=3)
    assert _names(_get(client, "/campaigns/")) == [
        "County 005, AL",
        "County 006, AL",
        "County 003, NC",
        "County 000, TX",
        "County 001, TX",
    ]


def test_the_state_filter_narrows_and_is_kept_in_the_page_links(client):
    _campaigns(55, state="NC")
    _campaigns(3, state="TX")
    html = _get(client, "/campaigns/?state=nc")
    assert len(_names(html)) == 50
    assert all(name.endswith(", NC") for name in _names(html))
    assert "55 campaigns" in html
    assert 'href="?state=NC&amp;page=2"' in html
    assert '<option value="NC" selected>' in html


def _agency_campaign(name, agency_type, model, jurisdiction=Jurisdiction.COUNTY, fips="48500"):
    county = CountyFactory(fips=fips, name=name, state="TX")
    campaign = CampaignFactory(county=county, with_contract=False)
    agency = AgencyFactory(
        county=county, name=f"{name} agency", agency_type=agency_type, jurisdiction=jurisdiction
    )
    ContractFactory(agency=agency, model=model)
    return campaign


def test_the_agency_type_filter_narrows_and_is_kept(client):
    _agency_campaign("Sheriff County", AgencyType.SHERIFF, ContractModel.JAIL_ENFORCEMENT)
    _agency_campaign("Police County", AgencyType.POLICE, ContractModel.TASK_FORCE, fips="48501")
    # A city police department's agreement belongs to no county campaign.
    _agency_campaign(
        "City County",
        AgencyType.SHERIFF,
        ContractModel.JAIL_ENFORCEMENT,
        fips="48502",
    )
    AgencyFactory(
        county=County.objects.get(fips="48502"),
        name="Town Police",
        agency_type=AgencyType.POLICE,
        jurisdiction=Jurisdiction.CITY,
        city="Town",
    )
    # A county-less agency's own campaign (a state department of corrections).
    doc = Agency.objects.create(
        name="Texas Department of Corrections",
        agency_type=AgencyType.CORRECTIONS,
        state="TX",
        jurisdiction=Jurisdiction.STATE,
    )
    Contract.objects.create(agency=doc, model=ContractModel.WARRANT_SERVICE_OFFICER)
    Campaign.objects.create(agency=doc, state="TX", name=doc.name, slug="texas-doc")
    _campaigns(50, state="AL")

    assert _names(_get(client, "/campaigns/?type=police")) == ["Police County, TX"]
    assert len(_names(_get(client, "/campaigns/?type=sheriff"))) == 2
    html = _get(client, "/campaigns/?type=corrections")
    assert len(_names(html)) == 1 and "Corrections" in _names(html)[0]
    assert '<option value="corrections" selected>' in html
    # Kept in the links: two pages of sheriff-less AL campaigns plus the others, unfiltered.
    assert 'href="?page=2"' in _get(client, "/campaigns/")


def test_the_model_filter_narrows_and_is_kept(client):
    _agency_campaign("Jail County", AgencyType.SHERIFF, ContractModel.JAIL_ENFORCEMENT)
    _agency_campaign("Force County", AgencyType.SHERIFF, ContractModel.TASK_FORCE, fips="48501")
    html = _get(client, "/campaigns/?model=task_force")
    assert _names(html) == ["Force County, TX"]
    assert "1 campaign<" in html
    assert '<option value="task_force" selected>' in html

    # 51 task-force campaigns: the page links keep every filter.
    county_ids = [c.county_id for c in _campaigns(51, state="NC")]
    for county_id in county_ids:
        agency = Agency.objects.create(
            name=f"Sheriff {county_id}",
            agency_type=AgencyType.SHERIFF,
            state="NC",
            county_id=county_id,
        )
        Contract.objects.create(agency=agency, model=ContractModel.TASK_FORCE)
    html = _get(client, "/campaigns/?state=NC&type=sheriff&model=task_force&open=1")
    assert len(_names(html)) == 50
    assert 'href="?state=NC&amp;type=sheriff&amp;model=task_force&amp;open=1&amp;page=2"' in html
    last = _get(client, "/campaigns/?state=NC&type=sheriff&model=task_force&open=1&page=2")
    assert len(_names(last)) == 1


def test_the_open_filter_narrows_and_is_kept(client):
    _campaigns(52)
    Campaign.objects.filter(name="County 000").update(status=CampaignStatus.LED)
    html = _get(client, "/campaigns/?open=1")
    assert "51 campaigns" in html
    assert "County 000, TX" not in _names(html)
    assert 'href="?open=1&amp;page=2"' in html
    assert 'id="open" name="open" value="1" checked' in html


def test_unknown_filter_values_are_ignored_and_never_echoed(client):
    _campaigns(51)
    html = _get(client, '/campaigns/?type=mayor&model="><script>&state=ZZ&evil=1')
    assert "51 campaigns" in html
    assert 'href="?page=2"' in html
    page_links = html.split('<nav aria-label="Campaign pages">')[1].split("</nav>")[0]
    assert "evil" not in page_links and "type=" not in page_links and "state=" not in page_links
    assert "<script>" not in html


@pytest.mark.parametrize(
    "page", ["0", "-1", "999", "abc", "2.5", "", "1" * 400, "%00", "1e3", "\u0663"]
)
def test_a_bad_page_gives_the_first_or_last_page_and_never_a_500(client, page):
    _campaigns(60)
    html = _get(client, f"/campaigns/?page={page}")
    assert len(_names(html)) in (50, 10)


def test_the_form_and_pages_in_spanish(client):
    _campaigns(51)
    html = _get(client, "/es/campaigns/")
    assert "<h1>Campañas</h1>" in html
    assert "51 campañas" in html
    for label in ("Estado", "Tipo de agencia", "Modelo de acuerdo", "Todos los modelos"):
        assert label in html
    assert '<nav aria-label="Páginas de campañas">' in html
    assert ">Siguiente</a>" in html
    assert "Oficina del sheriff" in html or "Sheriff" in html


def _queries(client, url):
    cache.clear()
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx)


@pytest.mark.parametrize(
    "url", ["/campaigns/", "/campaigns/?page=2", "/campaigns/?state=TX&type=sheriff&open=1"]
)
def test_the_query_count_does_not_grow_with_the_campaigns(client, url):
    _campaigns(5)
    for campaign in Campaign.objects.all():
        ContractFactory(agency=AgencyFactory(county=campaign.county))
    client.get(url)
    few = _queries(client, url)
    _campaigns(120, start=200)
    assert _queries(client, url) == few <= 2
