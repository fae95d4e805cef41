"""The leader sends two invitations at the same moment for the last co-leader seat (two tabs, a
double tap): exactly one goes out, every time. Real PostgreSQL connections, one per thread."""

import pytest
from django.contrib.auth import get_user_model

from campaigns.coleaders import InvitationsFull, invite_co_leader
from campaigns.models import Campaign, CoLeaderInvitation, CoLeadership
from tests.factories import CampaignFactory, CountyFactory, LeadershipFactory, UserFactory
from tests.races import race

ROUNDS = 10


def _invite(user_id, campaign_id, email):
    user = get_user_model().objects.get(pk=user_id)
    campaign = Campaign.objects.get(pk=campaign_id)
    return invite_co_leader(campaign, by=user, email=email, language="en")


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_invitations_at_once_for_the_last_seat_send_exactly_one():
    for n in range(ROUNDS):
        county = CountyFactory(fips=f"{91000 + n}", name=f"Seat County {n}", state="TX")
        lead = LeadershipFactory(campaign=CampaignFactory(county=county))
        CoLeadership.objects.create(leadership=lead, user=UserFactory(), public_name="Ana", seat=1)
        args = (lead.user_id, lead.campaign_id)

        results = race(_invite, (*args, f"ben{n}@example.org"), (*args, f"cruz{n}@example.org"))

        sent = [r for r in results if isinstance(r, CoLeaderInvitation)]
        refused = [r for r in results if isinstance(r, InvitationsFull)]
        assert (len(sent), len(refused)) == (1, 1), f"round {n}: {results!r}"
        assert CoLeaderInvitation.objects.filter(leadership=lead).count() == 1
