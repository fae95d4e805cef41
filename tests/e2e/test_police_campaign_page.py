"""A city police department's campaign page on a phone, in English and Spanish: it names the police
chief and the mayor and city council, asks to end the agreement, and dates it in one line."""

from datetime import date
from pathlib import Path

import pytest

from campaigns.models import (
    Agency,
    AgencyType,
    Campaign,
    Contract,
    ContractModel,
    County,
    Jurisdiction,
)
from campaigns.services import set_up_campaign
from petitions.texts import ensure_petition_texts

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _camp_hill() -> Campaign:
    county = County.objects.create(fips="01123", name="Tallapoosa County", state="AL")
    agency = Agency.objects.create(
        name="Camp Hill Police Department",
        agency_type=AgencyType.POLICE,
        state="AL",
        county=county,
        jurisdiction=Jurisdiction.CITY,
        city="Camp Hill",
    )
    Contract.objects.create(
        agency=agency,
        model=ContractModel.TASK_FORCE,
        signed_date=date(2025, 12, 8),
        source="ICE 287(g) participatingAgencies05182026am.xlsx",
    )
    campaign = Campaign.objects.create(
        state="AL", agency=agency, name=agency.name, slug="camp-hill-police-department"
    )
    set_up_campaign(campaign)
    ensure_petition_texts()
    return campaign


@pytest.mark.parametrize("viewport", ["phone"])
def test_a_police_departments_page_names_its_chief_and_council(journey, live_server, request):
    campaign = _camp_hill()
    page = journey
    out = Path(request.config.getoption("--output", default="test-results") or "test-results")
    out.mkdir(parents=True, exist_ok=True)

    page.goto(live_server.url + campaign.get_absolute_url())
    ask = page.locator("#ask")
    assert "the police chief and the mayor and city council of Camp Hill, Alabama end it" in (
        ask.inner_text()
    )
    assert page.get_by_text("What the police chief may see").count() == 1
    assert page.get_by_text("people who live in Camp Hill", exact=False).count() == 1
    page.screenshot(path=str(out / "police-campaign-page-phone-en.png"), full_page=True)

    page.goto(live_server.url + "/es" + campaign.get_absolute_url())
    assert (
        "el jefe o la jefa de policía y el alcalde o la alcaldesa"
        in page.locator("#ask").inner_text()
    )
    assert page.get_by_text("Qué puede ver el jefe o la jefa de policía").count() == 1
    page.screenshot(path=str(out / "police-campaign-page-phone-es.png"), full_page=True)
