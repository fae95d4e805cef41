"""Become a Leader, end to end through the site: sign up, confirm the email, commit, land on the dashboard."""

import re

import pytest
from django.core import mail
from django.utils import translation

from campaigns.models import Campaign, CampaignStatus, Leadership
from tests.factories import CampaignFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    # A request to /es/ leaves Spanish active in the test thread; each test starts in English.
    with translation.override("en"):
        yield


@pytest.fixture
def campaign():
    return CampaignFactory()


def _urls(campaign):
    base = campaign.get_absolute_url()
    return base + "lead/", base + "dashboard/"


def _commitment(name="Rosa"):
    return {"promote": "on", "gather": "on", "deliver": "on", "public_name": name}


def test_open_campaign_page_offers_become_a_leader(client, campaign):
    html = client.get(campaign.get_absolute_url()).content.decode()
    claim_url, _ = _urls(campaign)
    assert "This campaign needs a leader" in html
    assert f'href="{claim_url}"' in html
    assert "Become a Leader" in html


def test_new_person_signs_up_confirms_email_commits_and_reaches_dashboard(
    client, campaign, settings, django_capture_on_commit_callbacks
):
    settings.STAFF_NOTIFY_EMAILS = ["staff@example.org"]
    claim_url, dashboard_url = _urls(campaign)

    response = client.get(claim_url)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/signup/?next=")
    signup = client.get(response["Location"])
    assert signup.status_code == 200
    assert 'name="next"' in signup.content.decode()

    response = client.post(
        "/accounts/signup/",
        {
            "email": "rosa@example.org",
            "password1": "a-long-test-password-1",
            "password2": "a-long-test-password-1",
            "next": claim_url,
        },
    )
    assert response.status_code == 302
    assert client.get(response["Location"]).status_code == 200  # "Check your email"
    assert len(mail.outbox) == 1
    link = re.search(r"https?://[^\s]+/accounts/confirm-email/[^\s]+/", mail.outbox[0].body)
    assert link, mail.outbox[0].body
    confirm_path = re.sub(r"^https?://[^/]+", "", link.group(0))

    # Mail scanners open links: a GET shows a button and changes nothing.
    page = client.get(confirm_path)
    assert page.status_code == 200
    assert "Confirm my email" in page.content.decode()
    response = client.post(confirm_path)
    assert response.status_code == 302
    assert response["Location"] == claim_url

    commitment = client.get(claim_url)
    assert commitment.status_code == 200
    html = commitment.content.decode()
    assert "I will promote the campaign." in html
    assert "Leaders can be at risk too" in html

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(claim_url, _commitment("Rosa G."))
    assert response.status_code == 302
    assert response["Location"] == dashboard_url
    assert client.get(dashboard_url).status_code == 200

    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.LED
    leadership = Leadership.objects.get(campaign=campaign)
    assert leadership.user.email == "rosa@example.org"
    assert leadership.public_name == "Rosa G."
    assert "Led by Rosa G." in client.get(campaign.get_absolute_url()).content.decode()
    staff_mail = [m for m in mail.outbox if m.to == ["staff@example.org"]]
    assert len(staff_mail) == 1
    assert "Galveston County" in staff_mail[0].subject


def test_existing_leader_logs_in_and_returns_to_the_commitment_page(client, campaign):
    UserFactory(email="ana@example.org")
    from allauth.account.models import EmailAddress

    user = Campaign._meta.apps.get_model("accounts", "User").objects.get(email="ana@example.org")
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    claim_url, _ = _urls(campaign)
    response = client.post(
        "/accounts/login/",
        {"login": "ana@example.org", "password": "a-long-test-password-1", "next": claim_url},
    )
    assert response.status_code == 302
    assert response["Location"] == claim_url


def test_commitment_needs_all_three_boxes_and_a_name(client, campaign):
    client.force_login(UserFactory())
    claim_url, _ = _urls(campaign)
    response = client.post(claim_url, {"promote": "on", "public_name": ""})
    assert response.status_code == 200
    html = response.content.decode()
    assert "data-error-summary" in html
    assert "Tick the box to commit to gathering signatures." in html
    assert 'aria-invalid="true"' in html
    assert not Leadership.objects.exists()
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.OPEN


def test_signup_and_login_pages_use_the_site_layout_in_spanish(client, db):
    for path in ("/es/accounts/signup/", "/es/accounts/login/"):
        html = client.get(path).content.decode()
        assert '<html lang="es"' in html
        assert len(re.findall(r"<h1[\s>]", html)) == 1
        assert 'class="site-header"' in html
