"""A campaign's address moves (upper-case state, a merged campaign): the redirect keeps the query,
so a shared link's ?src= tag still tells the leader which channel brought the signature."""

import pytest

from campaigns.services import merge_campaigns
from tests.factories import CampaignFactory, CountyFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_an_upper_case_state_redirects_to_the_lower_case_address_with_its_query(client):
    CampaignFactory()

    response = client.get("/campaigns/TX/galveston-county/?src=whatsapp")

    assert response.status_code == 301
    assert response["Location"] == "/campaigns/tx/galveston-county/?src=whatsapp"


def test_a_merged_campaign_redirects_to_the_survivor_with_its_query(client):
    merged = CampaignFactory()
    survivor = CampaignFactory(county=CountyFactory(fips="48201", name="Harris County"))
    merge_campaigns(merged, into=survivor, by=UserFactory(is_staff=True))

    response = client.get("/es/campaigns/tx/galveston-county/?src=sms&x=a%20b")

    assert response.status_code == 301
    assert response["Location"] == "/es/campaigns/tx/harris-county/?src=sms&x=a+b"


def test_the_redirect_without_a_query_adds_none(client):
    CampaignFactory()

    response = client.get("/campaigns/TX/galveston-county/")

    assert response["Location"] == "/campaigns/tx/galveston-county/"
