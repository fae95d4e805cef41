"""Becoming a leader across browsers: the confirmation link, opened elsewhere (a phone's mail app),
still leads to the claim of the county the person started from; the sign-up page names it."""

import re

import pytest
from django.core import mail
from django.test import Client
from django.utils import translation

from accounts.models import User
from tests.factories import CampaignFactory

pytestmark = pytest.mark.django_db
PASSWORD = "a-long-test-password-1"


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def campaign():
    return CampaignFactory()


def _sign_up(client, claim_url, email="rosa@example.org", prefix=""):
    response = client.post(
        f"{prefix}/accounts/signup/",
        {"email": email, "password1": PASSWORD, "password2": PASSWORD, "next": claim_url},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    return mail.outbox[-1]


def _confirm_path(message) -> str:
    link = re.search(r"https?://[^\s]+/accounts/confirm-email/[^\s]+/", message.body)
    assert link, message.body
    return re.sub(r"^https?://[^/]+", "", link.group(0))


def test_link_opened_in_another_browser_leads_to_the_claim_after_log_in(campaign):
    claim_url = campaign.get_absolute_url() + "lead/"
    message = _sign_up(Client(), claim_url)

    phone = Client()
    response = phone.post(_confirm_path(message))
    assert response.status_code == 302
    login = phone.get(response["Location"])
    assert login.status_code == 200
    assert f'name="next" value="{claim_url}"' in login.content.decode()

    response = phone.post(
        "/accounts/login/", {"login": "rosa@example.org", "password": PASSWORD, "next": claim_url}
    )
    assert response["Location"] == claim_url
    page = phone.get(claim_url).content.decode()
    assert f"Become a Leader in {campaign.name}" in page


def test_first_log_in_without_next_returns_to_the_claim_once(campaign):
    claim_url = campaign.get_absolute_url() + "lead/"
    Client().post(_confirm_path(_sign_up(Client(), claim_url)))

    phone = Client()
    response = phone.post("/accounts/login/", {"login": "rosa@example.org", "password": PASSWORD})
    assert response["Location"] == claim_url
    assert User.objects.get(email="rosa@example.org").return_to == ""

    again = Client()
    response = again.post("/accounts/login/", {"login": "rosa@example.org", "password": PASSWORD})
    assert response["Location"] == "/my-campaigns/"


def test_a_next_to_another_site_is_not_kept(campaign):
    _sign_up(Client(), "https://evil.example/phish")

    assert User.objects.get(email="rosa@example.org").return_to == ""


def test_account_email_subject_names_the_site_in_both_languages(campaign):
    claim_url = campaign.get_absolute_url() + "lead/"
    english = _sign_up(Client(), claim_url)
    spanish = _sign_up(Client(), "/es" + claim_url, email="lucia@example.org", prefix="/es")

    assert english.subject == "[End 287(g)] Confirm your email address"
    assert spanish.subject == "[End 287(g)] Confirme su correo electrónico"


def test_sign_up_page_names_the_county_and_the_next_steps(client, campaign):
    claim_url = campaign.get_absolute_url() + "lead/"
    html = client.get(claim_url, follow=True).content.decode()

    assert (
        f"You are creating an account to lead the campaign in {campaign.name}, "
        f"{campaign.state_name}." in html
    )
    assert "We send you an email to confirm your address." in html
    assert f"Commit to the campaign in {campaign.name}" in html


def test_sign_up_page_says_the_password_rule_in_one_sentence(client, campaign):
    html = client.get(campaign.get_absolute_url() + "lead/", follow=True).content.decode()

    assert "Use at least 8 characters: not only numbers, not a common password" in html
    assert "too similar to your other personal information" not in html
    assert "can’t be entirely numeric" not in html


def test_spanish_sign_up_page_names_the_county_and_the_password_rule(client, campaign):
    html = client.get("/es" + campaign.get_absolute_url() + "lead/", follow=True).content.decode()

    assert "para ser líder de la campaña en el condado de Galveston" in html
    assert "Use al menos 8 caracteres" in html


def test_sign_up_without_a_claim_keeps_the_general_introduction(client):
    html = client.get("/accounts/signup/").content.decode()

    assert "Leaders have an account" in html
    assert "You are creating an account to lead" not in html
