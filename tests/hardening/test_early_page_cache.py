"""The shared page cache answers before the heavy middleware (issue 18, point 2), and nobody can
make it show their page, their language, their host or their CSRF token to someone else.

Each test plays visitors with their own browsers (a fresh `Client`): what one visitor's request
stores, the next one is served.
"""

import re
import time

import pytest
from django.core.cache import cache, caches
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.template import engines
from django.test import Client, RequestFactory, override_settings
from django.urls import path as url_path

from config.caching import RENEW_LOCK_SECONDS, public_page, shared_page_key
from config.language import choose_language
from petitions.models import Signature
from tests.factories import CampaignFactory, SignatureFactory, UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("_page_cache")]


@pytest.fixture
def _page_cache():
    with override_settings(PAGE_CACHE_SECONDS=10):
        yield


@pytest.fixture
def campaign():
    campaign = CampaignFactory()
    SignatureFactory.create_batch(3, campaign=campaign)
    return campaign


def _stored_keys():
    return [key for key in cache._cache if "public_page:" in key and "renewing" not in key]


def _went_through_the_stack(response) -> bool:
    """Whether the session, locale, auth, messages and account middleware saw this request."""
    request = response.wsgi_request
    marks = ("session", "LANGUAGE_CODE", "user", "_messages", "allauth")
    seen = [hasattr(request, mark) for mark in marks]
    assert all(seen) or not any(seen), (
        f"partly through the stack: {dict(zip(marks, seen, strict=True))}"
    )
    return all(seen)


def _public_paths(campaign):
    page = campaign.get_absolute_url()
    return [page, page + "count/", "/", "/campaigns/", "/search/?q=77550", "/es" + page]


# Answered before the heavy middleware ------------------------------------------------------


def test_a_second_visitor_is_answered_before_session_auth_locale_and_messages(
    campaign, django_assert_num_queries
):
    for path in _public_paths(campaign):
        first = Client().get(path)
        assert first.status_code == 200, path
        assert _went_through_the_stack(first)
        with django_assert_num_queries(0):
            second = Client().get(path)
        assert second.status_code == 200
        assert not _went_through_the_stack(second), f"{path}: the whole stack ran for a hit"
        assert second.content == first.content


def test_a_cached_answer_carries_the_headers_of_a_rendered_one(campaign):
    path = campaign.get_absolute_url()
    first = Client().get(path)
    second = Client().get(path)
    assert not _went_through_the_stack(second)
    for header in (
        "Content-Type",
        "Content-Language",
        "Cache-Control",
        "Vary",
        "X-Frame-Options",
        "Content-Security-Policy",
        "Permissions-Policy",
        "Referrer-Policy",
        "X-Content-Type-Options",
        "Cross-Origin-Opener-Policy",
    ):
        assert second[header] == first[header], header
    assert int(second["Age"]) >= 0


def test_no_answer_to_an_anonymous_visitor_sets_a_cookie_or_holds_a_csrf_token(campaign):
    for path in _public_paths(campaign):
        for response in (Client().get(path), Client().get(path)):
            assert not response.cookies, path
            assert "Set-Cookie" not in response
            assert "csrfmiddlewaretoken" not in response.content.decode()


# Whoever is not an anonymous GET gets their own page -----------------------------------------


def test_a_signed_in_person_gets_their_own_page_not_the_stored_one(campaign):
    path = campaign.get_absolute_url()
    Client().get(path)
    leader = Client()
    leader.force_login(UserFactory())
    mine = leader.get(path)
    assert _went_through_the_stack(mine)
    assert mine.wsgi_request.user.is_authenticated
    assert "My campaigns" in mine.content.decode()
    assert "private" in mine["Cache-Control"]
    assert "My campaigns" not in Client().get(path).content.decode()


def test_a_browser_with_a_session_cookie_goes_through_the_whole_stack(campaign):
    path = campaign.get_absolute_url()
    Client().get(path)
    returning = Client()
    returning.cookies["sessionid"] = "made-up-or-expired"
    response = returning.get(path)
    assert response.status_code == 200
    assert _went_through_the_stack(response)


def test_any_cookie_means_a_page_of_ones_own_that_is_never_stored(campaign):
    path = campaign.get_absolute_url()
    visitor = Client()
    visitor.cookies["csrftoken"] = "A" * 32
    assert _went_through_the_stack(visitor.get(path))
    assert _stored_keys() == []


def test_a_signature_posted_after_the_page_was_stored_is_written(campaign):
    sign = campaign.get_absolute_url() + "sign/"
    Client().get(sign)
    Client().get(sign)  # the sign page is stored and served
    response = Client().post(
        sign,
        {
            "name": "Rosa Díaz",
            "email": "rosa@example.org",
            "zip_code": "77550",
            "visibility": "counted",
            "website": "",
        },
    )
    assert response.status_code == 303
    assert Signature.objects.filter(campaign=campaign, email="rosa@example.org").exists()


# The URL decides the language; no header or parameter changes what is stored ---------------


def test_the_spanish_address_gets_the_spanish_page_whichever_was_stored_first(campaign):
    english, spanish = campaign.get_absolute_url(), "/es" + campaign.get_absolute_url()
    for order in ((english, spanish), (spanish, english)):
        cache.clear()
        for path in (*order, *order):
            html = Client().get(path).content.decode()
            want = "es" if path.startswith("/es/") else "en"
            assert f'<html lang="{want}">' in html, path


def test_accept_language_cannot_turn_a_stored_page_into_another_language(campaign):
    english, spanish = campaign.get_absolute_url(), "/es" + campaign.get_absolute_url()
    Client().get(english)
    Client().get(spanish)
    # A first visit asking for Spanish at the English address is sent to the Spanish one.
    asks_spanish = Client().get(english, headers={"accept-language": "es-MX,es;q=0.9"})
    assert asks_spanish.status_code == 302
    assert asks_spanish["Location"] == spanish
    # The Spanish address stays Spanish for a browser asking for English, and the reverse.
    html = Client().get(spanish, headers={"accept-language": "en-US"}).content.decode()
    assert '<html lang="es">' in html
    html = Client().get(english, headers={"accept-language": "fr, de;q=0.5"}).content.decode()
    assert '<html lang="en">' in html
    assert len(_stored_keys()) == 2


def test_a_lang_parameter_neither_changes_nor_splits_the_stored_page(campaign):
    path = campaign.get_absolute_url()
    tagged = Client().get(path + "?lang=es")
    plain = Client().get(path)
    assert '<html lang="en">' in tagged.content.decode()
    assert plain.content == tagged.content
    assert len(_stored_keys()) == 1


def test_forwarded_headers_cannot_poison_the_stored_page(campaign):
    path = campaign.get_absolute_url()
    attacker = Client()
    attacker.get(
        path,
        headers={
            "x-forwarded-host": "evil.example",
            "x-forwarded-for": "203.0.113.9",
            "x-forwarded-proto": "https",
            "forwarded": "host=evil.example",
        },
    )
    victim = Client().get(path)
    assert not _went_through_the_stack(victim)  # the attacker's request stored the one page
    html = victim.content.decode()
    assert "evil.example" not in html and "203.0.113.9" not in html
    assert len(_stored_keys()) == 1


def test_another_host_is_stored_apart_and_never_served_to_this_one(campaign):
    path = campaign.get_absolute_url()
    Client(HTTP_HOST="evil.example").get(path)
    victim = Client().get(path)
    assert _went_through_the_stack(victim)  # rendered for testserver, not the other host's copy
    assert "evil.example" not in victim.content.decode()


@override_settings(ALLOWED_HOSTS=["testserver"])
def test_a_host_outside_allowed_hosts_is_refused_and_stores_nothing(campaign):
    response = Client(HTTP_HOST="evil.example").get(campaign.get_absolute_url())
    assert response.status_code == 400
    assert _stored_keys() == []


# Nothing of one visitor's is served to another: CSRF tokens, nonces --------------------------

RENDERS = {"count": 0}


@public_page
def _page_with_a_csrf_token(request):
    RENDERS["count"] += 1
    return HttpResponse(f'<form><input name="csrfmiddlewaretoken" value="{get_token(request)}">')


@public_page
def _page_with_a_nonce(request):
    RENDERS["count"] += 1
    template = engines["django"].from_string('<script nonce="{{ csp_nonce }}">go()</script>')
    return HttpResponse(template.render({}, request))


urlpatterns = [
    url_path("with-token/", _page_with_a_csrf_token),
    url_path("with-nonce/", _page_with_a_nonce),
    url_path("lang/<str:code>/", choose_language, name="choose_language"),  # the page's links
]


@override_settings(ROOT_URLCONF=__name__)
def test_a_page_holding_a_csrf_token_is_never_served_to_someone_else():
    RENDERS["count"] = 0
    first, second = Client().get("/with-token/"), Client().get("/with-token/")
    assert RENDERS["count"] == 2
    token = re.compile(r'value="([^"]+)"')
    assert token.search(first.content.decode())[1] != token.search(second.content.decode())[1]
    assert first.cookies["csrftoken"].value != second.cookies["csrftoken"].value
    assert "private" in second["Cache-Control"]
    assert _stored_keys() == []


@override_settings(ROOT_URLCONF=__name__)
def test_a_page_that_used_a_csp_nonce_is_never_served_twice():
    RENDERS["count"] = 0
    first, second = Client().get("/with-nonce/"), Client().get("/with-nonce/")
    assert RENDERS["count"] == 2
    nonces = []
    for response in (first, second):
        nonce = re.search(r'nonce="([^"]+)"', response.content.decode())[1]
        assert f"'nonce-{nonce}'" in response["Content-Security-Policy"]
        nonces.append(nonce)
    assert nonces[0] != nonces[1]
    assert _stored_keys() == []


def test_a_stored_public_page_needs_no_nonce_and_has_no_inline_script_or_style(campaign):
    for path in [*_public_paths(campaign), "/map/", "/learn/"]:
        Client().get(path)
        response = Client().get(path)
        assert not _went_through_the_stack(response), path
        policy = response["Content-Security-Policy"]
        assert "nonce-" not in policy
        directives = dict(part.strip().partition(" ")[::2] for part in policy.split(";"))
        assert directives["script-src"] == "'self'"
        assert directives["style-src"] == "'self'"
        html = response.content.decode()
        for tag in re.findall(r"<script\b[^>]*>", html):
            assert "src=" in tag or 'type="application/json"' in tag, f"{path}: {tag}"
        assert "<style" not in html and " style=" not in html, path
        assert not re.search(r"\son[a-z]+=", html), f"{path}: inline event handler"


# Stale-while-revalidate with a short lock ---------------------------------------------------


def _make_stale(path):
    key = shared_page_key(RequestFactory().get(path))
    _fresh_until, *page = cache.get(key)
    cache.set(key, (0, *page), 60)  # past its freshness, still stored
    return key


def _count_renders(monkeypatch, also=None):
    """Counts campaign-page renders; `also` runs inside the first render (another worker's turn)."""
    from campaigns.views import public

    renders = []
    original = public.campaign_page_context

    def counted(request, campaign, **kwargs):
        renders.append(request.path)
        if also and len(renders) == 1:
            also()
        return original(request, campaign, **kwargs)

    monkeypatch.setattr(public, "campaign_page_context", counted)
    return renders


def test_while_another_worker_renders_a_stale_page_it_is_served_stale_without_rendering(
    campaign, monkeypatch, django_assert_num_queries
):
    path = campaign.get_absolute_url()
    stale = Client().get(path)
    key = _make_stale(path)
    assert cache.add(key + ":renewing", 1, RENEW_LOCK_SECONDS)  # another worker holds it
    renders = _count_renders(monkeypatch)
    with django_assert_num_queries(0):
        response = Client().get(path)
    assert renders == []
    assert response.content == stale.content
    assert not _went_through_the_stack(response)


def test_after_expiry_exactly_one_request_renders_while_the_others_get_the_stale_copy(
    campaign, monkeypatch
):
    path = campaign.get_absolute_url()
    stale = Client().get(path).content
    key = _make_stale(path)
    during = []
    renders = _count_renders(monkeypatch, also=lambda: during.append(Client().get(path)))
    renewed = Client().get(path)
    assert renewed.status_code == 200
    assert len(renders) == 1
    (other,) = during  # arrived while the first was rendering: stale, not a second render
    assert other.content == stale and not _went_through_the_stack(other)
    assert cache.get(key)[0] > time.time()  # fresh again
    assert cache.get(key + ":renewing") is None  # released at once
    after = Client().get(path)
    assert len(renders) == 1 and not _went_through_the_stack(after)


class WorkerDied(Exception):
    pass


def test_a_lock_left_by_a_worker_that_died_lapses_within_seconds(campaign, monkeypatch):
    path = campaign.get_absolute_url()
    stale = Client().get(path).content
    _make_stale(path)

    def die():
        raise WorkerDied

    renders = _count_renders(monkeypatch, also=die)
    backend = caches["default"]
    backend.delete = lambda *args, **kwargs: None  # killed: its clean-up never runs
    try:
        with pytest.raises(WorkerDied):
            Client().get(path)
    finally:
        del backend.delete
    assert Client().get(path).content == stale  # its lock still holds: the stale copy
    assert len(renders) == 1
    real_time = time.time
    monkeypatch.setattr(time, "time", lambda: real_time() + RENEW_LOCK_SECONDS + 1)
    renewed = Client().get(path)
    assert len(renders) == 2
    assert _went_through_the_stack(renewed)
