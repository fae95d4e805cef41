"""Races on the delivery event, on real PostgreSQL connections started together: one mailbox
RSVPing twice at once is one RSVP and one email; a double-clicked "Schedule" makes one event."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from campaigns.models import Campaign
from petitions import events
from petitions.models import DeliveryEvent, Rsvp
from tests.factories import CampaignFactory, CountyFactory, LeadershipFactory
from tests.races import race

ROUNDS = 10

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _details():
    return events.EventDetails(
        starts_at=timezone.now() + timedelta(days=3), meeting_point="Café Luna"
    )


def _schedule(campaign_id, user):
    campaign = Campaign.objects.get(pk=campaign_id)
    return events.schedule_delivery(campaign, user=user, details=_details()).pk


def _rsvp(event_id, email):
    event = DeliveryEvent.objects.select_related("campaign").get(pk=event_id)
    return events.rsvp_by_form(event, first_name="Luis", email=email, language="en")[1]


def test_one_mailbox_rsvping_twice_at_once_is_one_rsvp_and_one_email():
    for n in range(ROUNDS):
        county = CountyFactory(fips=f"{92000 + n}", name=f"Rsvp County {n}", state="TX")
        leadership = LeadershipFactory(campaign=CampaignFactory(county=county))
        event = events.schedule_delivery(
            leadership.campaign, user=leadership.user, details=_details()
        )
        mail.outbox.clear()

        results = race(_rsvp, (event.pk, "luis@gmail.com"), (event.pk, "l.u.i.s+x@gmail.com"))

        assert sorted(results) == [False, True], f"round {n}: {results!r}"
        assert Rsvp.objects.filter(event=event).count() == 1
        assert len(mail.outbox) == 1


def test_a_double_clicked_schedule_makes_one_event():
    for n in range(ROUNDS):
        county = CountyFactory(fips=f"{93000 + n}", name=f"Event County {n}", state="TX")
        leadership = LeadershipFactory(campaign=CampaignFactory(county=county))
        campaign_id = leadership.campaign.pk

        results = race(_schedule, (campaign_id, leadership.user), (campaign_id, leadership.user))

        assert all(isinstance(r, int) for r in results), f"round {n}: {results!r}"
        assert DeliveryEvent.objects.filter(campaign_id=campaign_id).count() == 1
