"""Two people click "Become a Leader" on one county at the same moment: exactly one wins, every time.

Real PostgreSQL connections, one per thread, started together by a barrier.
"""

import pytest
from django.db import IntegrityError

from campaigns.models import Campaign, CampaignStatus, Leadership
from campaigns.services import CampaignTaken, claim_campaign
from tests.factories import CampaignFactory, CountyFactory, UserFactory
from tests.races import race

ROUNDS = 25


def _claim(user_id, campaign_id):
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.get(pk=user_id)
    campaign = Campaign.objects.get(pk=campaign_id)
    return claim_campaign(user, campaign, public_name=f"Leader {user_id}")


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_claims_on_one_county_give_exactly_one_leader():
    for n in range(ROUNDS):
        county = CountyFactory(fips=f"{90000 + n}", name=f"Race County {n}", state="TX")
        campaign = CampaignFactory(county=county)
        first, second = UserFactory(), UserFactory()

        results = race(_claim, (first.pk, campaign.pk), (second.pk, campaign.pk))

        winners = [r for r in results if isinstance(r, Leadership)]
        losers = [r for r in results if isinstance(r, CampaignTaken)]
        assert len(winners) == 1, f"round {n}: {results!r}"
        assert len(losers) == 1, f"round {n}: {results!r}"
        assert Leadership.objects.filter(campaign=campaign).count() == 1
        campaign.refresh_from_db()
        assert campaign.status == CampaignStatus.LED


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_database_refuses_a_second_active_leader_even_without_the_lock():
    campaign = CampaignFactory()
    users = [UserFactory(), UserFactory()]

    def insert(user_id):
        return Leadership.objects.create(campaign_id=campaign.pk, user_id=user_id, public_name="x")

    results = race(insert, (users[0].pk,), (users[1].pk,))

    assert sum(isinstance(r, Leadership) for r in results) == 1
    assert sum(isinstance(r, IntegrityError) for r in results) == 1
    assert Leadership.objects.active().filter(campaign=campaign).count() == 1
