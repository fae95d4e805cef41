"""The rules of a claim: one leader, a per-person limit, a clear answer for whoever comes second."""

import pytest
from django.core import mail
from django.utils import translation

from campaigns.models import CampaignStatus, Leadership
from campaigns.services import (
    CampaignNotOpen,
    CampaignTaken,
    LeaderLimitReached,
    claim_campaign,
)
from tests.factories import CampaignFactory, CountyFactory, LeadershipFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    # A request to /es/ leaves Spanish active in the test thread; each test starts in English.
    with translation.override("en"):
        yield


COMMITMENT = {"promote": "on", "gather": "on", "deliver": "on", "public_name": "Ana"}


@pytest.fixture
def campaign():
    return CampaignFactory()


def _other_campaign(fips="48201", name="Harris County", state="TX"):
    return CampaignFactory(county=CountyFactory(fips=fips, name=name, state=state))


def test_second_claim_on_same_county_is_refused(campaign):
    claim_campaign(UserFactory(), campaign, public_name="Rosa")
    with pytest.raises(CampaignTaken):
        claim_campaign(UserFactory(), campaign, public_name="Ana")
    assert Leadership.objects.filter(campaign=campaign).count() == 1


def test_database_constraint_is_the_last_guard(campaign):
    # A leader row the status does not know about (e.g. written by hand): the index still refuses.
    Leadership.objects.create(campaign=campaign, user=UserFactory(), public_name="Rosa")
    with pytest.raises(CampaignTaken):
        claim_campaign(UserFactory(), campaign, public_name="Ana")
    assert Leadership.objects.filter(campaign=campaign).count() == 1


def test_closed_or_merged_campaign_cannot_be_claimed(campaign):
    campaign.status = CampaignStatus.CLOSED
    campaign.save()
    with pytest.raises(CampaignNotOpen):
        claim_campaign(UserFactory(), campaign, public_name="Ana")


def test_person_may_lead_one_campaign_unless_staff_raise_the_limit(campaign):
    user = UserFactory()
    claim_campaign(user, campaign, public_name="Rosa")
    second = _other_campaign()
    with pytest.raises(LeaderLimitReached):
        claim_campaign(user, second, public_name="Rosa")

    user.max_campaigns = 2
    user.save()
    claim_campaign(user, second, public_name="Rosa")
    assert user.leaderships.active().count() == 2


def test_limit_is_shown_on_the_commitment_page(client, campaign):
    user = UserFactory()
    LeadershipFactory(campaign=_other_campaign(), user=user)
    client.force_login(user)
    response = client.post(campaign.get_absolute_url() + "lead/", COMMITMENT)
    assert response.status_code == 200
    assert "You already lead as many campaigns as you may" in response.content.decode()
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.OPEN


def test_loser_gets_a_clear_message_and_open_campaigns_nearby(client, campaign):
    nearby = _other_campaign()
    elsewhere = _other_campaign(fips="12086", name="Miami-Dade County", state="FL")
    client.force_login(UserFactory())
    page = client.get(campaign.get_absolute_url() + "lead/")  # the commitment page, still open
    assert page.status_code == 200
    claim_campaign(UserFactory(), campaign, public_name="Rosa")  # someone is faster

    response = client.post(campaign.get_absolute_url() + "lead/", COMMITMENT)

    assert response.status_code == 409
    html = response.content.decode()
    assert "Someone else has just become the leader of this campaign." in html
    assert nearby.get_absolute_url() in html
    assert elsewhere.get_absolute_url() not in html


def test_led_campaign_shows_its_leader_and_no_claim_button(client, campaign):
    LeadershipFactory(campaign=campaign, public_name="Rosa")
    html = client.get(campaign.get_absolute_url()).content.decode()
    assert "Led by Rosa." in html
    assert "Become a Leader" not in html


def test_leader_who_opens_the_claim_again_lands_on_the_dashboard(client, campaign):
    leadership = LeadershipFactory(campaign=campaign)
    client.force_login(leadership.user)
    response = client.get(campaign.get_absolute_url() + "lead/")
    assert response.status_code == 302
    assert response["Location"] == campaign.get_absolute_url() + "dashboard/"


def test_staff_get_an_email_when_a_campaign_is_claimed(
    campaign, settings, django_capture_on_commit_callbacks
):
    settings.STAFF_NOTIFY_EMAILS = ["staff@example.org", "lead@example.org"]
    with django_capture_on_commit_callbacks(execute=True):
        claim_campaign(UserFactory(email="rosa@example.org"), campaign, public_name="Rosa")
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["staff@example.org", "lead@example.org"]
    assert "Galveston County" in message.subject
    assert "rosa@example.org" in message.body
    assert "http://testserver/campaigns/tx/galveston-county/" in message.body


def test_no_staff_email_is_sent_before_the_claim_commits(
    campaign, settings, django_capture_on_commit_callbacks
):
    settings.STAFF_NOTIFY_EMAILS = ["staff@example.org"]
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        claim_campaign(UserFactory(), campaign, public_name="Rosa")
    assert mail.outbox == []
    assert len(callbacks) == 1
