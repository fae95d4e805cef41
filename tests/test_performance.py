"""Hot pages stay cheap and cacheable: query counts pinned, Cache-Control right for each kind of page.

The pins are maxima: a page may get cheaper, never silently dearer (an N+1 query shows up as a
failure here, and the count must not grow with the number of campaigns or signatures).
"""

import re
import time

import pytest
from django.core.cache import cache
from django.test import TestCase, override_settings

from petitions.tokens import confirm_token
from tests.factories import (
    AgencyFactory,
    CampaignFactory,
    ContractFactory,
    CountyFactory,
    SignatureFactory,
    UserFactory,
)

# Page -> the most queries it may run for an anonymous visitor.
# The search box's examples come from the data (issue 14): two queries on "/" and /search/ (the
# counties with most agreements, then one city of the first: cheaper at ICE's size than one query
# with a subquery per county; tests/campaigns/test_growth.py holds them equal for 2019 and 2026).
QUERY_PINS = {
    "/": 5,
    "/learn/": 0,
    "/privacy/": 0,
    "/search/?q=galveston": 5,
    "/search/?q=77550": 5,
    "/search/?q=texas": 5,
    "/map/": 1,
    "/record/": 5,
    "/record/tx/": 6,
    "/campaigns/": 2,  # the page of campaigns and the paginator's count (issue 14)
    "/campaigns/tx/galveston-county/": 7,
    "/campaigns/tx/galveston-county/sign/": 5,
    # The "check your email" page names the campaign's decision-maker, read from its agreements
    # (issue 14: a police department's campaign never says "sheriff"): one query more.
    "/campaigns/tx/galveston-county/signed/": 2,
    "/campaigns/tx/galveston-county/count/": 3,
    "/campaigns/?state=TX": 2,
    "/campaigns/?state=TX&type=sheriff&model=jail_enforcement&open=1&page=1": 2,
    # A rendered file's call to action reads the campaign's agreements for its ask (issue 14):
    # one query more than before, whatever the number of agreements; a cached file runs 2.
    "/campaigns/tx/galveston-county/share/1200x630.png": 4,
    "/campaigns/tx/galveston-county/flyer.pdf": 3,
    "/es/map/": 1,
    "/healthz": 1,
}
# Files and the health check have their own caching (a minute, or none), tested elsewhere.
NOT_PAGES = ("share/1200x630.png", "flyer.pdf", "/healthz")
PUBLIC_PAGES = [
    *(path for path in QUERY_PINS if not path.endswith(NOT_PAGES)),
    "/search/",
    "/es/",
    "/es/campaigns/tx/galveston-county/",
]


def _more_campaigns(n):
    """Other counties with their contracts, signatures and a second agency each."""
    for i in range(n):
        county = CountyFactory(fips=f"48{201 + i:03d}", name=f"Bench {i} County", state="TX")
        campaign = CampaignFactory(county=county)
        ContractFactory(agency=AgencyFactory(county=county, name=f"Bench {i} Police"))
        SignatureFactory.create_batch(3, campaign=campaign)


@pytest.fixture
def galveston(db):
    campaign = CampaignFactory()
    SignatureFactory.create_batch(5, campaign=campaign)
    return campaign


@pytest.mark.parametrize("path", list(QUERY_PINS))
def test_public_page_runs_at_most_its_pinned_queries(
    client, galveston, path, django_assert_max_num_queries
):
    client.get(path)  # per-process caches (map drawing, ZIP data) warm, as on a live server
    cache.clear()
    with django_assert_max_num_queries(QUERY_PINS[path]):
        response = client.get(path)
    assert response.status_code == 200


@pytest.mark.parametrize("path", list(QUERY_PINS))
def test_queries_do_not_grow_with_campaigns_or_signatures(
    client, galveston, path, django_assert_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(path)
    cache.clear()
    with CaptureQueriesContext(connection) as few:
        client.get(path)
    before = len(few)  # read now: every request clears the connection's query log
    _more_campaigns(6)
    SignatureFactory.create_batch(20, campaign=galveston)
    client.get(path)
    cache.clear()
    with django_assert_num_queries(before):
        client.get(path)


def _cache_control(response) -> set[str]:
    return {part.strip() for part in response.get("Cache-Control", "").split(",") if part}


def _is_public(response) -> bool:
    cc = _cache_control(response)
    return "public" in cc


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_public_page_is_publicly_cacheable_for_an_anonymous_visitor(client, galveston, path):
    response = client.get(path)
    assert response.status_code == 200
    cc = _cache_control(response)
    assert "public" in cc
    assert re.fullmatch(r"max-age=\d+", next(p for p in cc if p.startswith("max-age")))
    assert any(p.startswith("stale-while-revalidate=") for p in cc)
    assert "Cookie" in response["Vary"]
    assert not response.cookies, "a public response must set no cookie"
    assert "csrfmiddlewaretoken" not in response.content.decode()


@pytest.mark.parametrize("path", ["/", "/campaigns/tx/galveston-county/", "/search/?q=77550"])
def test_public_page_is_private_for_a_signed_in_person(client, galveston, path):
    client.force_login(UserFactory())
    response = client.get(path)
    assert {"private", "no-store"} <= _cache_control(response)


def test_count_is_publicly_cacheable_for_a_few_seconds(client, galveston):
    response = client.get(galveston.get_absolute_url() + "count/")
    assert response.status_code == 200
    assert "public" in _cache_control(response)
    assert response.json()["counted"] == 5


def _never_stored(response):
    cc = _cache_control(response)
    assert "no-store" in cc or "private" in cc, response.get("Cache-Control")
    assert "public" not in cc


def test_login_and_signup_forms_are_never_stored(client, db):
    for path in ("/accounts/login/", "/accounts/signup/"):
        response = client.get(path)
        assert response.status_code == 200
        assert "csrfmiddlewaretoken" in response.content.decode()
        _never_stored(response)


def test_confirmation_page_is_never_stored(client, galveston):
    pending = SignatureFactory(campaign=galveston, status="pending", confirmed_at=None)
    response = client.get(f"/confirm/{confirm_token(pending.uid)}/")
    assert response.status_code == 200
    _never_stored(response)


def test_leader_dashboard_and_admin_are_never_stored(client, db):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    for path in ("/my-campaigns/", "/admin/"):
        response = client.get(path)
        assert response.status_code == 200, path
        _never_stored(response)


def test_thank_you_after_confirming_holds_nothing_of_the_signer(client, galveston):
    """The thank-you page is the same for everyone (it may be cached): no name, no email."""
    pending = SignatureFactory(campaign=galveston, status="pending", confirmed_at=None)
    token = confirm_token(pending.uid)
    page = client.get(f"/confirm/{token}/")
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode())
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post(f"/confirm/{token}/", {"csrfmiddlewaretoken": csrf.group(1)})
    assert response.status_code == 302
    thanks = client.get(response["Location"])
    html = thanks.content.decode()
    assert "Thank you" in html
    assert pending.email not in html and pending.name not in html


# The shared page cache (on in production with Redis; off with the tests' local-memory cache).


@override_settings(PAGE_CACHE_SECONDS=10)
def test_a_surge_of_anonymous_visitors_renders_the_campaign_page_once(
    client, galveston, django_assert_num_queries
):
    path = galveston.get_absolute_url()
    first = client.get(path)
    with django_assert_num_queries(0):
        again = client.get(path)
    assert again.content == first.content
    assert "public" in _cache_control(again)


@override_settings(PAGE_CACHE_SECONDS=10)
def test_visitors_refreshing_the_count_cost_no_query_between_renders(
    client, galveston, django_assert_num_queries
):
    path = galveston.get_absolute_url() + "count/"
    first = client.get(path)
    with django_assert_num_queries(0):
        again = client.get(path)
    assert again.json() == first.json()


def test_site_settings_are_read_from_the_cache_and_a_change_applies_at_once(
    galveston, django_assert_num_queries
):
    from petitions.models import SiteSettings
    from petitions.signing import signing_closed_reason

    SiteSettings.load()
    with django_assert_num_queries(0):
        assert signing_closed_reason(galveston) is None
    site = SiteSettings.load()
    site.signing_paused = True
    site.save()
    assert signing_closed_reason(galveston) is not None


@override_settings(PAGE_CACHE_SECONDS=10)
def test_shared_page_cache_keeps_languages_and_queries_apart(client, galveston):
    english = client.get(galveston.get_absolute_url())
    spanish = client.get("/es" + galveston.get_absolute_url())
    assert english.content != spanish.content
    assert 'lang="es"' in spanish.content.decode()
    zip_search = client.get("/search/?q=77550").content
    text_search = client.get("/search/?q=nowhere-at-all").content
    assert zip_search != text_search


@override_settings(PAGE_CACHE_SECONDS=10)
def test_a_visitor_with_cookies_is_never_served_the_shared_copy(
    client, galveston, django_assert_max_num_queries
):
    path = galveston.get_absolute_url()
    client.get(path)
    client.cookies["messages"] = "anything"
    with django_assert_max_num_queries(QUERY_PINS["/campaigns/tx/galveston-county/"]) as ctx:
        client.get(path)
    assert len(ctx.captured_queries) > 0


@override_settings(PAGE_CACHE_SECONDS=10)
def test_a_signed_in_persons_page_is_never_stored_for_others(client, galveston):
    leader = UserFactory()
    client.force_login(leader)
    mine = client.get("/")
    client.logout()
    client.cookies.clear()
    theirs = client.get("/")
    assert "private" in _cache_control(mine)
    assert "public" in _cache_control(theirs)
    assert leader.email not in theirs.content.decode()


@override_settings(PAGE_CACHE_SECONDS=10)
def test_a_stale_page_is_served_while_one_request_renders_it_again(
    client, galveston, django_assert_num_queries
):
    from django.test import RequestFactory

    from config.caching import shared_page_key

    path = galveston.get_absolute_url()
    client.get(path)
    key = shared_page_key(RequestFactory().get(path))
    _fresh_until, *page = cache.get(key)
    cache.set(key, (0, *page), 60)  # expired, still stored
    cache.add(key + ":renewing", 1, 30)  # another request is rendering it
    with django_assert_num_queries(0):
        assert client.get(path).status_code == 200
    cache.delete(key + ":renewing")
    assert client.get(path).status_code == 200
    assert cache.get(key)[0] > 0  # rendered again, fresh


# The two POSTs a surge is made of: each statement is a round trip under load (see bench/).


@override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}})
def test_signing_costs_a_pinned_number_of_queries(
    client, galveston, django_assert_num_queries, monkeypatch
):
    moment = time.time()  # all four requests inside one window of the clock
    monkeypatch.setattr("config.outbox._now", lambda: moment)

    def form(n):
        return {
            "name": f"Surge Signer {n}",
            "email": f"surge{n}@example.org",
            "zip_code": "77550",
            "visibility": "counted",
            "website": "",
        }

    client.get(galveston.get_absolute_url())  # site settings now cached, as at a surge
    sign = galveston.get_absolute_url() + "sign/"
    # The campaign with its current text, then INSERT … ON CONFLICT DO NOTHING RETURNING id, on
    # its own (no transaction); the first signer of the second also queues the worker's sweep.
    with django_assert_num_queries(3), TestCase.captureOnCommitCallbacks(execute=True):
        assert client.post(sign, form(1)).status_code == 303
    # Everyone else signing in that second: two statements, as many as the raw-insert ceiling.
    for n in range(2, 5):
        with django_assert_num_queries(2), TestCase.captureOnCommitCallbacks(execute=True):
            assert client.post(sign, form(n)).status_code == 303


def test_confirming_costs_a_pinned_number_of_queries(
    client, galveston, django_assert_max_num_queries
):
    pending = SignatureFactory(campaign=galveston, status="pending")
    with django_assert_max_num_queries(12):
        response = client.post(f"/confirm/{confirm_token(pending.uid)}/")
    assert response.status_code == 302
    pending.refresh_from_db()
    assert pending.status == "confirmed"
