"""One person cannot squat every campaign: claims per connection are limited, a new leader's
first text waits for staff, and staff release every claim of one account at once."""

import pytest
from django.test import override_settings
from django.urls import reverse
from django.utils import translation

from campaigns.models import CampaignStatus, Leadership, LeadershipEnd
from petitions.models import PetitionTextStatus
from petitions.texts import approve_petition_text, current_petition
from tests.factories import CampaignFactory, CountyFactory, LeadershipFactory, UserFactory

pytestmark = pytest.mark.django_db

COMMITMENT = {"promote": "on", "gather": "on", "deliver": "on", "public_name": "Ana"}
SQUAT_TEXT = {
    "title_en": "Buy my stuff",
    "body_en": "Visit squatter.example for deals.",
    "title_es": "Compre mis cosas",
    "body_es": "Visite squatter.example.",
}


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def _campaigns(how_many, *, first=1):
    return [
        CampaignFactory(county=CountyFactory(fips=f"48{n:03d}", name=f"County {n}", state="TX"))
        for n in range(first, first + how_many)
    ]


def _claim(client, campaign, *, address="203.0.113.7"):
    client.force_login(UserFactory())
    return client.post(f"{campaign.get_absolute_url()}lead/", COMMITMENT, REMOTE_ADDR=address)


@override_settings(CLAIMS_PER_ADDRESS_PER_DAY=3)
def test_ten_accounts_from_one_connection_claim_only_a_few_campaigns(client):
    campaigns = _campaigns(10)

    responses = [_claim(client, campaign) for campaign in campaigns]

    assert Leadership.objects.count() == 3
    assert [r.status_code for r in responses[:3]] == [302, 302, 302]
    refused = responses[3]
    assert refused.status_code == 429
    assert "as many campaigns as it may today" in refused.content.decode()
    campaigns[3].refresh_from_db()
    assert campaigns[3].status == CampaignStatus.OPEN


@override_settings(CLAIMS_PER_ADDRESS_PER_DAY=1)
def test_another_connection_still_claims(client):
    first, second = _campaigns(2)
    assert _claim(client, first).status_code == 302

    assert _claim(client, second, address="198.51.100.20").status_code == 302
    assert Leadership.objects.count() == 2


@override_settings(CLAIMS_PER_ADDRESS_PER_DAY=1)
def test_a_claim_that_fails_does_not_use_up_the_connections_claims(client):
    taken, free = _campaigns(2)
    LeadershipFactory(campaign=taken)

    _claim(client, taken)

    assert _claim(client, free).status_code == 302


def test_one_account_still_leads_one_campaign(client):
    first, second = _campaigns(2)
    user = UserFactory()
    client.force_login(user)
    client.post(f"{first.get_absolute_url()}lead/", COMMITMENT)

    response = client.post(f"{second.get_absolute_url()}lead/", COMMITMENT)

    assert "You already lead as many campaigns as you may" in response.content.decode()
    assert list(Leadership.objects.values_list("campaign", flat=True)) == [first.pk]


def _propose(client, leadership, texts=SQUAT_TEXT):
    client.force_login(leadership.user)
    return client.post(f"{leadership.campaign.get_absolute_url()}petition-text/", texts)


def test_a_new_leaders_first_text_waits_for_staff_even_unsigned(client):
    leadership = LeadershipFactory()
    campaign = leadership.campaign
    sample = current_petition(campaign)

    response = _propose(client, leadership)

    assert response.status_code == 302
    dashboard = client.get(response["Location"]).content.decode()
    assert "Staff review a new leader&#x27;s first text" in dashboard
    assert current_petition(campaign) == sample
    assert campaign.petition_texts.get(title_en="Buy my stuff").status == "proposed"
    page = client.get(campaign.get_absolute_url()).content.decode()
    assert "squatter.example" not in page


def test_once_staff_approved_a_text_the_leaders_next_texts_go_live_at_once(client):
    leadership = LeadershipFactory()
    campaign = leadership.campaign
    _propose(client, leadership, {**SQUAT_TEXT, "body_en": "Our own words."})
    approve_petition_text(
        campaign.petition_texts.get(status=PetitionTextStatus.PROPOSED),
        user=UserFactory(is_staff=True),
    )

    _propose(client, leadership, {**SQUAT_TEXT, "body_en": "Better words."})

    assert current_petition(campaign).body_en == "Better words."


def test_a_leader_cannot_approve_their_own_text(client):
    leadership = LeadershipFactory()
    _propose(client, leadership)
    text = leadership.campaign.petition_texts.get(status=PetitionTextStatus.PROPOSED)

    assert not approve_petition_text(text, user=leadership.user)
    assert current_petition(leadership.campaign).version == 1


def test_staff_release_every_claim_of_one_account_at_once(client):
    squatter = UserFactory(email="squatter@example.org", max_campaigns=5)
    campaigns = _campaigns(3)
    for campaign in campaigns:
        LeadershipFactory(campaign=campaign, user=squatter)
    other = LeadershipFactory(campaign=_campaigns(1, first=9)[0])
    staff = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(staff)

    response = client.post(
        reverse("admin:accounts_user_changelist"),
        {"action": "release_all_claims", "_selected_action": [squatter.pk]},
    )

    assert response.status_code == 302
    ended = Leadership.objects.filter(user=squatter)
    assert [(lead.end_reason, lead.ended_by) for lead in ended] == [
        (LeadershipEnd.RELEASED, staff)
    ] * 3
    for campaign in campaigns:
        campaign.refresh_from_db()
        assert campaign.status == CampaignStatus.OPEN
    other.refresh_from_db()
    assert other.is_active
