"""Rate limits: every limited form answers with the same clear 429 page, and every limit (ours and
allauth's) keys on the daily keyed hash of the client address, never the address itself."""

import re

import pytest
from django.conf import settings
from django.core.cache import cache, caches
from django.test import RequestFactory, override_settings

from campaigns.models import Leadership
from config.ratelimit import client_hash
from petitions import tokens
from petitions.models import Signature
from tests.factories import CampaignFactory, CountyFactory, SignatureFactory, UserFactory

pytestmark = pytest.mark.django_db

SOCKET = "198.51.100.23"
FORWARDED = "203.0.113.77"


@pytest.fixture
def campaign():
    return CampaignFactory()


def _hash_of(address):
    return client_hash(RequestFactory().get("/", REMOTE_ADDR=address))


def _cache_keys() -> list[str]:
    # locmem: the stored keys, as made, in every cache (rate limits have their own).
    return [str(key) for alias in settings.CACHES for key in caches[alias]._cache]


def _page_cache_keys() -> list[str]:
    return [str(key) for key in cache._cache]


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
    [(_confirm, 30), (_claim, 10), (_login, 30), (_signup, 10)],
    ids=["confirm", "claim", "login", "signup"],
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


@override_settings(SIGN_RATE_PER_MINUTE=10)
def test_a_limited_sign_writes_nothing(sign_over_http, campaign):
    for n in range(11):
        sign_over_http(campaign, email=f"s{n}@example.org")
    assert Signature.objects.count() == 10


def test_a_limited_claim_makes_no_leader_even_with_a_valid_commitment(client, campaign):
    for n in range(10):
        _claim(client, campaign, n)
    commitment = {"promote": "on", "gather": "on", "deliver": "on", "public_name": "Rosa"}
    response = client.post(f"{campaign.get_absolute_url()}lead/", commitment)
    assert response.status_code == 429
    assert not Leadership.objects.exists()


# Issue 13, point 6: behind a proxy, the address is the one our own proxy added, not the first.


@override_settings(CLIENT_IP_HEADER="HTTP_X_FORWARDED_FOR", SIGN_RATE_PER_MINUTE=10)
def test_a_flood_cannot_pick_its_address_by_writing_the_first_forwarded_for_entry(client, campaign):
    def flood(n):
        data = {"name": "Ana", "email": f"f{n}@catch-all.example", "zip_code": "77550"}
        # The client writes "198.51.100.n"; our proxy appends the address it saw.
        forwarded = {"X-Forwarded-For": f"198.51.100.{n}, {FORWARDED}"}
        return client.post(f"{campaign.get_absolute_url()}sign/", data, headers=forwarded)

    statuses = [flood(n).status_code for n in range(12)]
    assert statuses[:10] == [303] * 10
    assert statuses[10:] == [429, 429]
    assert Signature.objects.count() == 10


@override_settings(CLIENT_IP_HEADER="HTTP_X_FORWARDED_FOR", TRUSTED_PROXY_HOPS=2)
def test_with_two_trusted_proxies_the_address_the_outer_one_saw_is_the_client():
    from config.ratelimit import client_ip

    request = RequestFactory().get(
        "/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.77, 10.0.0.1"
    )
    assert client_ip(request) == "203.0.113.77"


@override_settings(CLIENT_IP_HEADER="HTTP_X_FORWARDED_FOR", TRUSTED_PROXY_HOPS=1)
def test_with_one_trusted_proxy_the_right_most_address_is_the_client():
    from config.ratelimit import client_ip

    request = RequestFactory().get("/", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.77")
    assert client_ip(request) == "203.0.113.77"
    junk = RequestFactory().get("/", REMOTE_ADDR=SOCKET, HTTP_X_FORWARDED_FOR="not-an-address")
    assert client_ip(junk) == SOCKET


def test_env_example_no_longer_suggests_trusting_the_first_forwarded_for_entry():
    from django.conf import settings

    text = (settings.BASE_DIR / ".env.example").read_text()
    assert "TRUSTED_PROXY_HOPS=" in text
    assert "right-most" in text


# Issue 13, point 10: a rally behind one network, limited per campaign and per address.


def test_a_rally_on_one_wi_fi_signs_far_past_ten_a_minute(sign_over_http, campaign):
    statuses = [sign_over_http(campaign, email=f"s{n}@example.org").status_code for n in range(40)]
    assert statuses == [303] * 40


@override_settings(SIGN_RATE_PER_MINUTE=2)
def test_the_sign_limit_counts_each_campaign_apart(sign_over_http, campaign):
    other = CampaignFactory(county=CountyFactory(fips="48201", name="Harris County"))
    statuses = [sign_over_http(campaign, email=f"s{n}@example.org").status_code for n in range(3)]
    assert statuses == [303, 303, 429]
    assert sign_over_http(other, email="s10@example.org").status_code == 303


@override_settings(SIGN_RATE_PER_MINUTE=1)
@pytest.mark.parametrize(
    ("prefix", "notice", "when"),
    [
        # The wait is what is left of the limit's minute: second(s), or "1 minute" when the second
        # try lands at the very start of a window (django-ratelimit aligns windows to the clock).
        ("", "Your signature was not sent yet", ("second", "1 minute")),
        ("/es", "Su firma todavía no se envió", ("segundo", "1 minuto")),
    ],
)
def test_a_limited_signer_gets_the_form_back_as_typed_and_when_to_try_again(
    client, campaign, prefix, notice, when
):
    url = f"{prefix}{campaign.get_absolute_url()}sign/"
    client.post(url, {"name": "Ana", "email": "ana@example.org", "zip_code": "77550"})
    typed = {
        "name": "Rosa Martínez",
        "email": "rosa@example.org",
        "zip_code": "77551",
        "visibility": "full_name",
        "keep_updated": "on",
        "src": "whatsapp",
    }
    response = client.post(url, typed)
    assert response.status_code == 429
    html = response.content.decode()
    assert notice in html
    assert any(words in html for words in when)
    assert 0 < int(response["Retry-After"]) <= 60
    assert "no-store" in response["Cache-Control"]
    assert 'value="Rosa Martínez"' in html
    assert 'value="rosa@example.org"' in html
    assert 'value="77551"' in html
    assert 'value="whatsapp"' in html
    assert 'value="full_name" checked' in html or re.search(r'value="full_name"[^>]*checked', html)
    assert re.search(r'name="keep_updated"[^>]*checked', html)
    assert Signature.objects.filter(email="rosa@example.org").count() == 0


# Issue 13, point 15: rate-limit counters live where the page cache cannot evict them.


@override_settings(SIGN_RATE_PER_MINUTE=2)
def test_rate_limit_counters_survive_the_page_cache_being_emptied(sign_over_http, campaign):
    from django.core.cache import caches

    statuses = [sign_over_http(campaign, email=f"s{n}@example.org").status_code for n in range(2)]
    assert statuses == [303, 303]
    caches["default"].clear()  # what eviction by a flood of cached pages would do
    assert sign_over_http(campaign, email="s2@example.org").status_code == 429


def test_allauth_limits_use_the_rate_limit_cache_too(client):
    from django.core.cache import caches

    client.post("/accounts/login/", {"login": "x@example.org", "password": "x"})
    ratelimit_keys = [str(key) for key in caches["ratelimit"]._cache]
    assert any("allauth:rl" in key for key in ratelimit_keys), ratelimit_keys
    assert not any("allauth:rl" in key for key in _page_cache_keys())


def test_the_rate_limit_cache_defaults_to_another_database_of_the_same_redis():
    from config.settings import ratelimit_cache_url

    assert ratelimit_cache_url("redis://cache.internal:6379/1") == "redis://cache.internal:6379/2"
    assert ratelimit_cache_url("rediss://:pw@cache:6380") == "rediss://:pw@cache:6380/1"
    assert ratelimit_cache_url("locmemcache://end287g") == "locmemcache://end287g-ratelimit"
