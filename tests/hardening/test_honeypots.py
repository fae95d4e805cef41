"""Honeypots on the public forms that write: sign, sign-up and the claim.

Anonymous forms (sign, sign-up) answer a filled honeypot exactly as a success, so a bot learns
nothing to adapt to, and write nothing. The claim is made by a logged-in, verified person: there is
no one to fool, and a browser's autofill could be the culprit, so it says plainly what to fix (400).
Search is a GET that writes nothing: a honeypot there would guard nothing.
"""

import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail

from campaigns.models import CampaignStatus, Leadership
from petitions.models import Signature
from tests.factories import CampaignFactory, UserFactory

pytestmark = pytest.mark.django_db

COMMITMENT = {"promote": "on", "gather": "on", "deliver": "on", "public_name": "Rosa"}


@pytest.fixture
def campaign():
    return CampaignFactory()


def _signup(client, email, **extra):
    data = {"email": email, "password1": "a-long-pass-9431", "password2": "a-long-pass-9431"}
    return client.post("/accounts/signup/", {**data, **extra})


def _hidden_honeypot(html: str) -> bool:
    found = re.search(
        r'<div\s+class="visually-hidden"\s+aria-hidden="true"\s*>\s*(?:<div[^>]*>\s*)?'
        r'<label[^>]*>\s*Leave this field empty\s*</label>\s*<input[^>]*name="website"[^>]*>',
        html,
    )
    return bool(found) and 'tabindex="-1"' in found.group(0)


@pytest.mark.parametrize("path", ["campaign", "/accounts/signup/", "claim"])
def test_each_writing_form_carries_a_hidden_honeypot(client, campaign, path):
    if path == "campaign":
        path = campaign.get_absolute_url()
    elif path == "claim":
        client.force_login(UserFactory())
        path = campaign.get_absolute_url() + "lead/"
    html = client.get(path).content.decode()
    assert _hidden_honeypot(html), html
    assert " style=" not in html  # the strict CSP would ignore an inline style: never rely on one


def test_a_filled_sign_honeypot_looks_signed_and_writes_nothing(client, campaign):
    data = {"name": "Bot", "email": "bot@example.org", "zip_code": "77550", "website": "x"}
    response = client.post(f"{campaign.get_absolute_url()}sign/", data)
    assert response.status_code == 303
    assert response["Location"].endswith("/signed/")
    assert not Signature.objects.exists()
    assert mail.outbox == []


def test_a_filled_signup_honeypot_looks_like_a_signup_and_creates_no_account(client):
    real = _signup(client, "rosa@example.org")
    assert real.status_code == 302
    mail.outbox.clear()
    client.logout()

    bot = _signup(client, "bot@example.org", website="http://spam.example")

    assert bot.status_code == real.status_code
    assert bot["Location"] == real["Location"]
    assert not get_user_model().objects.filter(email="bot@example.org").exists()
    assert mail.outbox == []


def test_a_filled_claim_honeypot_is_refused_plainly_and_makes_no_leader(client, campaign):
    client.force_login(UserFactory())
    response = client.post(f"{campaign.get_absolute_url()}lead/", {**COMMITMENT, "website": "x"})
    assert response.status_code == 400
    assert "Leave the hidden field" in response.content.decode()
    assert not Leadership.objects.exists()
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.OPEN
    # Emptying it is all it takes.
    assert client.post(f"{campaign.get_absolute_url()}lead/", COMMITMENT).status_code == 302
