"""Rate limits: every limited form answers with the same clear 429 page, and every limit (ours and
allauth's) keys on the daily keyed hash of the client address, never the address itself."""

import pytest
from django.core.cache import cache
from django.test import RequestFactory, override_settings

from campaigns.models import Leadership
from config.ratelimit import client_hash
from petitions import tokens
from petitions.models import Signature
from tests.factories import CampaignFactory, SignatureFactory, UserFactory

pytestmark = pytest.mark.django_db

SOCKET = "198.51.100.23"
FORWARDED = "203.0.113.77"


@pytest.fixture
def campaign():
    return CampaignFactory()


def _hash_of(address):
    return client_hash(RequestFactory().get("/", REMOTE_ADDR=address))


def _cache_keys() -> list[str]:
    return [str(key) for key in cache._cache]  # locmem: the stored keys, as made


def _bad_signup(client, n, **extra):
    data = {"email": f"p{n}@example.org", "password1": "x", "password2": "y"}
    return client.post("/accounts/signup/", data, **extra)


def test_a_failed_login_leaves_no_client_address_in_any_cache_key(client):
    UserFactory(email="leader@example.org")
    response = client.post(
        "/accounts/login/",
        {"login": "leader@example.org", "password": "wrong"},
        REMOTE_ADDR=SOCKET,
        headers={"X-Forwarded-For": FORWARDED},
    )
    assert response.status_code == 200
    keys = _cache_keys()
    allauth_keys = [key for key in keys if "allauth:rl" in key]
    assert any(":login:" in key for key in allauth_keys), keys
    assert any(":login_failed:" in key for key in allauth_keys), keys
    for key in keys:
        assert SOCKET not in key and FORWARDED not in key, key
    ip_keys = [key for key in allauth_keys if ":ip:" in key]
    assert ip_keys and all(key.endswith(_hash_of(SOCKET)) for key in ip_keys), ip_keys


def test_a_spoofed_forwarded_for_does_not_buy_a_fresh_limit(client):
    statuses = [
        _bad_signup(client, n, headers={"X-Forwarded-For": f"203.0.113.{n}"}).status_code
        for n in range(11)
    ]
    assert statuses[:10] == [200] * 10
    assert statuses[10] == 429
    assert not any(_hash_of(f"203.0.113.{n}") in key for n in range(11) for key in _cache_keys())


@override_settings(CLIENT_IP_HEADER="HTTP_X_FORWARDED_FOR")
def test_behind_the_configured_proxy_the_forwarded_client_has_its_own_limit(client):
    for n in range(10):
        assert _bad_signup(client, n, headers={"X-Forwarded-For": FORWARDED}).status_code == 200
    assert _bad_signup(client, 10, headers={"X-Forwarded-For": FORWARDED}).status_code == 429
    # Another client behind the same proxy (same socket address) is not limited.
    assert _bad_signup(client, 11, headers={"X-Forwarded-For": "192.0.2.5"}).status_code == 200
    keys = [key for key in _cache_keys() if ":signup:" in key and not key.endswith(":lock")]
    assert any(key.endswith(_hash_of(FORWARDED)) for key in keys), keys
    assert not any(FORWARDED in key or "127.0.0.1" in key for key in _cache_keys())


def test_one_ipv6_customer_block_is_one_client():
    assert _hash_of("2001:db8:1:2::1") == _hash_of("2001:db8:1:2:ffff::9")
    assert _hash_of("2001:db8:1:2::1") != _hash_of("2001:db8:1:3::1")
    assert _hash_of("::ffff:192.0.2.7") == _hash_of("192.0.2.7")


def _sign(client, campaign, n):
    data = {"name": "Ana", "email": f"s{n}@example.org", "zip_code": "77550", "website": ""}
    return client.post(f"{campaign.get_absolute_url()}sign/", data)


def _confirm(client, campaign, n):
    signature = SignatureFactory(campaign=campaign, status="pending")
    return client.post(f"/confirm/{tokens.confirm_token(signature.uid)}/")


def _claim(client, campaign, n):
    if n == 0:
        client.force_login(UserFactory())
    return client.post(f"{campaign.get_absolute_url()}lead/", {"public_name": ""})


def _login(client, campaign, n):
    return client.post("/accounts/login/", {"login": f"x{n}@example.org", "password": "x"})


def _signup(client, campaign, n):
    return _bad_signup(client, n)


@pytest.mark.parametrize(
    ("action", "allowed"),
    [(_sign, 10), (_confirm, 30), (_claim, 10), (_login, 30), (_signup, 10)],
    ids=["sign", "confirm", "claim", "login", "signup"],
)
def test_each_limited_form_answers_the_clear_429_page(client, campaign, action, allowed):
    statuses = [action(client, campaign, n).status_code for n in range(allowed)]
    assert 429 not in statuses
    response = action(client, campaign, allowed)
    assert response.status_code == 429
    html = response.content.decode()
    assert "Too many tries from this connection" in html
    assert "Your last request was not saved" in html
    assert response["Retry-After"] == "60"
    assert "no-store" in response["Cache-Control"]


def test_a_limited_sign_writes_nothing(client, campaign):
    for n in range(11):
        _sign(client, campaign, n)
    assert Signature.objects.count() == 10


def test_a_limited_claim_makes_no_leader_even_with_a_valid_commitment(client, campaign):
    for n in range(10):
        _claim(client, campaign, n)
    commitment = {"promote": "on", "gather": "on", "deliver": "on", "public_name": "Rosa"}
    response = client.post(f"{campaign.get_absolute_url()}lead/", commitment)
    assert response.status_code == 429
    assert not Leadership.objects.exists()
