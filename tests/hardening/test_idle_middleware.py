"""The middleware does no work a request has no use for, and still does all that it must (issue 18,
point 3): a signature from a new visitor touches no session or messages, is in its address's
language whatever the browser asks, and still carries the site's security policy."""

import pytest
from django.test import Client, override_settings
from django.utils.csp import CSP

from petitions import tokens
from petitions.models import Signature, SignatureStatus
from tests.factories import CampaignFactory, SignatureFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def campaign():
    return CampaignFactory()


def _sign(client, path, email):
    data = {"name": "Ana", "email": email, "zip_code": "77550", "website": ""}
    return client.post(path, data, HTTP_ACCEPT_LANGUAGE="es")


def test_a_new_visitors_signature_leaves_no_cookie_and_carries_the_security_policy(campaign):
    response = _sign(Client(), f"{campaign.get_absolute_url()}sign/", "ana@example.org")
    assert response.status_code == 303
    assert not response.cookies  # no session, no messages cookie
    assert not response.wsgi_request.session.accessed
    assert "default-src 'self'" in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"
    assert Signature.objects.filter(campaign=campaign, email="ana@example.org").exists()


def test_a_spanish_browser_signing_at_the_english_address_stays_in_english(campaign):
    response = _sign(Client(), f"{campaign.get_absolute_url()}sign/", "ana@example.org")
    assert response["Content-Language"] == "en"
    assert response["Location"] == f"{campaign.get_absolute_url()}signed/"
    assert "Accept-Language" in response["Vary"]
    assert Signature.objects.get(email="ana@example.org").language == "en"


def test_each_language_is_sent_to_its_own_check_your_email_page(campaign):
    page = campaign.get_absolute_url()
    english = _sign(Client(), f"{page}sign/", "ana@example.org")
    spanish = _sign(Client(), f"/es{page}sign/", "rosa@example.org")
    again = _sign(Client(), f"{page}sign/", "eva@example.org")
    assert english["Location"] == again["Location"] == f"{page}signed/"
    assert spanish["Location"] == f"/es{page}signed/"
    assert spanish["Content-Language"] == "es"
    assert Signature.objects.get(email="rosa@example.org").language == "es"


def test_the_security_policy_follows_the_settings():
    policy = {"default-src": [CSP.SELF], "img-src": [CSP.SELF, "data:"]}
    with override_settings(SECURE_CSP=policy):
        response = Client().get("/learn/")
        first = response["Content-Security-Policy"]
    # Plain strings, as a WSGI server demands (not the CSP enum Django names the header with).
    assert all(type(name) is str for name, _value in response.items())
    with override_settings(SECURE_CSP={"default-src": [CSP.NONE]}):
        second = Client().get("/learn/")["Content-Security-Policy"]
    assert first == "default-src 'self'; img-src 'self' data:"
    assert second == "default-src 'none'"


def test_a_message_still_reaches_the_next_page(campaign):
    """A message added by a visitor without a session is kept (a cookie) and shown next."""
    signature = SignatureFactory(campaign=campaign, status=SignatureStatus.PENDING)
    client = Client()
    confirm = f"/confirm/{tokens.confirm_token(signature.uid)}/"
    assert client.post(confirm).status_code == 302
    assert not client.cookies.get("messages")  # the first confirmation says nothing
    response = client.post(confirm, follow=True)
    assert "Your signature is confirmed, with the details you saw." in response.content.decode()
    assert not client.cookies.get("sessionid")
