"""Campaign status moves only through the services, each from the states it expects."""

import pytest
from django.db import IntegrityError, transaction

from campaigns.models import Campaign, CampaignStatus, LeadershipEnd
from campaigns.services import (
    CampaignChangeRefused,
    merge_campaigns,
    record_outcome,
    retire_campaign,
)
from tests.factories import CampaignFactory, CountyFactory, LeadershipFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def campaign():
    return CampaignFactory()


@pytest.fixture
def leadership(campaign):
    return LeadershipFactory(campaign=campaign, user=UserFactory(email="rosa@example.org"))


@pytest.fixture
def staff():
    return UserFactory(email="staff@example.org", is_staff=True, is_superuser=True)


def test_closing_through_an_outcome_ends_the_leadership_as_retiring_does(
    campaign, leadership, staff
):
    record_outcome(campaign, status=CampaignStatus.CLOSED, outcome_date=None, note="", by=staff)

    leadership.refresh_from_db()
    assert leadership.ended_at is not None
    assert leadership.end_reason == LeadershipEnd.RELEASED
    assert leadership.ended_by == staff


def test_a_won_campaign_keeps_the_leader_who_won_it(campaign, leadership, staff):
    record_outcome(campaign, status=CampaignStatus.WON, outcome_date=None, note="", by=staff)

    leadership.refresh_from_db()
    assert leadership.ended_at is None


def test_an_outcome_is_refused_for_a_closed_campaign(campaign, staff):
    retire_campaign(campaign, by=staff)

    with pytest.raises(CampaignChangeRefused):
        record_outcome(campaign, status=CampaignStatus.WON, outcome_date=None, note="", by=staff)
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.CLOSED


def test_a_decided_campaign_cannot_go_back_to_delivered(campaign, staff):
    record_outcome(campaign, status=CampaignStatus.LOST, outcome_date=None, note="", by=staff)

    with pytest.raises(CampaignChangeRefused):
        record_outcome(
            campaign, status=CampaignStatus.DELIVERED, outcome_date=None, note="", by=staff
        )
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.LOST


def test_the_database_refuses_a_merged_campaign_that_is_not_closed(campaign, staff):
    survivor = CampaignFactory(county=CountyFactory(fips="48201", name="Harris County"))
    merge_campaigns(campaign, into=survivor, by=staff)

    with pytest.raises(IntegrityError), transaction.atomic():
        Campaign.objects.filter(pk=campaign.pk).update(status=CampaignStatus.OPEN)


def test_the_status_groups_cover_what_each_rule_needs():
    assert {CampaignStatus.WON, CampaignStatus.LOST, CampaignStatus.CLOSED} == CampaignStatus.ENDED
    assert {CampaignStatus.LED, CampaignStatus.DELIVERED} == CampaignStatus.LEADING
    assert set(CampaignStatus.OUTCOMES) == {
        CampaignStatus.DELIVERED,
        *CampaignStatus.ENDED,
    }
