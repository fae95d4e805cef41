"""Staff's campaign list shows each campaign's confirmed signatures, counted in the list's query."""

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext

from petitions.models import SignatureStatus
from tests.factories import CampaignFactory, CountyFactory, SignatureFactory, UserFactory

pytestmark = pytest.mark.django_db

LIST = f"/{settings.ADMIN_URL}campaigns/campaign/"


@pytest.fixture
def staff(client):
    user = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(user)
    return user


def _counts(response):
    return {row.name: row.signature_count for row in response.context["cl"].result_list}


def _queries(client):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(LIST)
    assert response.status_code == 200
    return len(queries)


def test_the_campaign_list_shows_confirmed_signatures(client, staff):
    galveston = CampaignFactory()
    SignatureFactory.create_batch(3, campaign=galveston, status=SignatureStatus.CONFIRMED)
    SignatureFactory(campaign=galveston, status=SignatureStatus.PENDING)
    CampaignFactory(county=CountyFactory(fips="48201", name="Harris County"))

    response = client.get(LIST)

    assert _counts(response) == {"Galveston County": 3, "Harris County": 0}
    assert "confirmed signatures" in response.content.decode().lower()
    assert '<td class="field-signature_count">3</td>' in response.content.decode()


def test_the_counts_cost_no_query_per_campaign(client, staff):
    SignatureFactory(campaign=CampaignFactory(), status=SignatureStatus.CONFIRMED)
    one = _queries(client)
    for fips, name in [("48201", "Harris County"), ("48039", "Brazoria County")]:
        campaign = CampaignFactory(county=CountyFactory(fips=fips, name=name))
        SignatureFactory(campaign=campaign, status=SignatureStatus.CONFIRMED)
    assert _queries(client) == one
