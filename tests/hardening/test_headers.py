"""Security headers and the staff door: CSP, referrer, permissions, framing, admin behind 2FA."""

import pytest
from django.test import override_settings

from tests.factories import CampaignFactory, UserFactory


@pytest.fixture
def campaign(db):
    return CampaignFactory()


def _csp(response) -> dict[str, str]:
    policy = response["Content-Security-Policy"]
    return {
        part.strip().split(" ", 1)[0]: part.strip().partition(" ")[2]
        for part in policy.split(";")
        if part.strip()
    }


@pytest.mark.parametrize("path", ["/", "/es/", "/search/?q=tx", "/map/", "/learn/"])
def test_strict_content_security_policy_on_public_pages(client, campaign, path):
    csp = _csp(client.get(path))
    assert csp["default-src"] == "'self'"
    assert "'unsafe-inline'" not in csp["script-src"]
    assert "'unsafe-eval'" not in csp["script-src"]
    assert "'unsafe-inline'" not in csp.get("style-src", "")
    assert csp["frame-ancestors"] == "'none'"
    assert csp["object-src"] == "'none'"


def test_campaign_page_has_the_protective_headers(client, campaign):
    response = client.get(campaign.get_absolute_url())
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    permissions = response["Permissions-Policy"]
    for feature in ("camera", "microphone", "geolocation", "payment"):
        assert f"{feature}=()" in permissions


def test_no_inline_script_without_a_nonce(client, campaign):
    import re

    for path in ["/", campaign.get_absolute_url(), "/map/", "/search/?q=77550"]:
        html = client.get(path).content.decode()
        for tag in re.findall(r"<script\b[^>]*>", html):
            assert "src=" in tag or "nonce=" in tag, f"{path}: inline script without nonce: {tag}"
        assert " style=" not in html, f"{path}: inline style attribute breaks the strict CSP"
        assert " onclick=" not in html and " onload=" not in html


def test_admin_sends_anonymous_visitors_to_the_rate_limited_login(client, db):
    response = client.get("/admin/")
    assert response.status_code == 302
    follow = client.get(response["Location"])
    assert follow.status_code == 302
    assert follow["Location"].startswith("/accounts/login/")


def test_admin_refuses_a_non_staff_user(client, db):
    client.force_login(UserFactory())
    response = client.get("/admin/", follow=True)
    assert b"site administration" not in response.content.lower()
    assert response.redirect_chain


@override_settings(ADMIN_REQUIRE_MFA=True)
def test_staff_without_two_factor_are_sent_to_set_it_up(client, db):
    staff = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(staff)
    response = client.get("/admin/")
    assert response.status_code == 302
    follow = client.get(response["Location"])
    assert follow.status_code == 302
    assert "/accounts/2fa/" in follow["Location"]


@override_settings(ADMIN_REQUIRE_MFA=True)
def test_staff_with_totp_reach_admin(client, db):
    from allauth.mfa.models import Authenticator

    staff = UserFactory(is_staff=True, is_superuser=True)
    Authenticator.objects.create(user=staff, type=Authenticator.Type.TOTP, data={"secret": "x"})
    client.force_login(staff)
    assert client.get("/admin/").status_code == 200
