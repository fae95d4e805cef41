"""Staff add a campaign in admin: it is addressed to someone and gets its petition at once."""

import pytest
from django.urls import reverse

from campaigns.models import AgencyType, Campaign, TargetRole
from petitions.models import PetitionText
from tests.factories import AgencyFactory, ContractFactory, CountyFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


def _add_form(*, county="", agency="", name="Harris County", state="TX", targets=()) -> dict:
    data = {
        "name": name,
        "state": state,
        "slug": "harris-county",
        "county": county,
        "agency": agency,
        "paper_counts": "on",
        "rate_limit_boost": "1",
        "targets-TOTAL_FORMS": str(len(targets)),
        "targets-INITIAL_FORMS": "0",
        "targets-MIN_NUM_FORMS": "0",
        "targets-MAX_NUM_FORMS": "1000",
        "leaderships-TOTAL_FORMS": "0",
        "leaderships-INITIAL_FORMS": "0",
        "leaderships-MIN_NUM_FORMS": "0",
        "leaderships-MAX_NUM_FORMS": "0",
    }
    for n, target in enumerate(targets):
        data.update({f"targets-{n}-{k}": v for k, v in {"order": "0", **target}.items()})
    return data


def _add(staff, django_capture_on_commit_callbacks, **kwargs):
    with django_capture_on_commit_callbacks(execute=True):
        return staff.post(reverse("admin:campaigns_campaign_add"), _add_form(**kwargs))


def test_a_campaign_added_for_a_county_with_a_sheriff_names_the_sheriff_and_can_be_signed(
    staff, client, django_capture_on_commit_callbacks
):
    county = CountyFactory(fips="48201", name="Harris County", state="TX")
    ContractFactory(agency=AgencyFactory(county=county))

    response = _add(staff, django_capture_on_commit_callbacks, county=county.fips)

    assert response.status_code == 302
    campaign = Campaign.objects.get(county=county)
    assert [(t.role, t.office) for t in campaign.targets.all()] == [
        (TargetRole.SHERIFF, "Harris County Sheriff's Office"),
        (TargetRole.COUNTY_COMMISSION, "Harris County"),  # who fund the jail
    ]
    petition = PetitionText.objects.get(campaign=campaign)
    assert petition.version == 1
    assert "Harris County Sheriff's Office" in petition.body_en
    page = client.get(campaign.get_absolute_url()).content.decode()
    assert 'action="/campaigns/tx/harris-county/sign/"' in page


def test_a_campaign_added_for_a_county_less_agency_names_its_head(
    staff, django_capture_on_commit_callbacks
):
    agency = AgencyFactory(
        county=None,
        state="TX",
        name="Texas Department of Criminal Justice",
        agency_type=AgencyType.CORRECTIONS,
    )

    response = _add(
        staff,
        django_capture_on_commit_callbacks,
        agency=agency.pk,
        name="Texas Department of Criminal Justice",
    )

    assert response.status_code == 302
    campaign = Campaign.objects.get(agency=agency)
    assert [(t.role, t.office) for t in campaign.targets.all()] == [
        (TargetRole.AGENCY_HEAD, "Texas Department of Criminal Justice")
    ]
    assert PetitionText.objects.filter(campaign=campaign).exists()


def test_a_campaign_for_a_county_with_no_agency_on_file_needs_a_target(
    staff, django_capture_on_commit_callbacks
):
    county = CountyFactory(fips="48201", name="Harris County", state="TX")

    response = _add(staff, django_capture_on_commit_callbacks, county=county.fips)

    assert response.status_code == 200
    assert "add the sheriff or the head of the agency as a target" in response.content.decode()
    assert not Campaign.objects.exists()


def test_the_target_staff_enter_on_add_is_the_one_the_petition_names(
    staff, django_capture_on_commit_callbacks
):
    county = CountyFactory(fips="48201", name="Harris County", state="TX")

    response = _add(
        staff,
        django_capture_on_commit_callbacks,
        county=county.fips,
        targets=[
            {"role": TargetRole.SHERIFF, "name": "Sheriff Ana Ruiz", "office": "Harris County SO"}
        ],
    )

    assert response.status_code == 302
    campaign = Campaign.objects.get(county=county)
    # Staff's sheriff, no second one; the county commissioners added beside them.
    assert sorted(campaign.targets.values_list("role", flat=True)) == [
        TargetRole.COUNTY_COMMISSION,
        TargetRole.SHERIFF,
    ]
    assert PetitionText.objects.get(campaign=campaign).body_en.startswith("To Sheriff Ana Ruiz")
