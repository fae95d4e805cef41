"""The factories' traits make the common states the way the services leave them."""

import pytest

from tests.factories import CampaignFactory, CountyFactory, SignatureFactory

pytestmark = pytest.mark.django_db


def test_campaign_traits():
    led = CampaignFactory(led=True)
    closed = CampaignFactory(closed=True, county=CountyFactory(fips="48201", name="Harris County"))
    delivered = CampaignFactory(delivered=True, county=CountyFactory(fips="48039", name="Brazoria"))

    assert (led.status, led.leaderships.active().count()) == ("led", 1)
    assert closed.status == "closed" and closed.outcome_date is not None
    assert delivered.status == "delivered"


def test_signature_traits():
    campaign = CampaignFactory()
    pending = SignatureFactory(campaign=campaign, pending=True)
    withdrawn = SignatureFactory(campaign=campaign, withdrawn=True)
    paper = SignatureFactory(campaign=campaign, paper=True)
    confirmed = SignatureFactory(campaign=campaign, confirmed=True)

    assert (pending.status, pending.confirmed_at) == ("pending", None)
    assert withdrawn.status == "withdrawn" and withdrawn.withdrawn_at is not None
    assert (paper.method, paper.status) == ("paper", "confirmed")
    assert confirmed.status == "confirmed" and confirmed.confirmed_at is not None
