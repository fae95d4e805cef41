"""Arbitrary input at every public query parameter: a clear page or a redirect, never a 500."""

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.factories import CampaignFactory

NASTY = st.one_of(
    st.text(max_size=300),
    st.text(alphabet=st.characters(codec="utf-8"), min_size=1000, max_size=12000),
    st.sampled_from(
        [
            "\x00",
            "a\x00b",
            "' OR 1=1 --",
            "<script>alert(1)</script>",
            "%",
            "_",
            "\\",
            "77550-1234",
            "00000",
            "9" * 5000,
            "\u202etx",
            "🏳️‍🌈" * 50,
            "Doña Ana",
            "ＴＸ",
        ]
    ),
)
HYPOTHESIS = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@pytest.fixture
def campaign(db):
    return CampaignFactory()


@HYPOTHESIS
@given(q=NASTY)
def test_search_never_fails(campaign, q):
    response = Client().get("/search/", {"q": q})
    assert response.status_code == 200
    assert b"<h1>" in response.content


@HYPOTHESIS
@given(state=NASTY, open_=NASTY)
def test_campaign_list_filters_never_fail(campaign, state, open_):
    response = Client().get("/campaigns/", {"state": state, "open": open_})
    assert response.status_code == 200


@HYPOTHESIS
@given(next_url=NASTY, code=st.sampled_from(["en", "es", "fr", "x" * 50]))
def test_language_switch_never_fails_and_never_leaves_the_site(db, next_url, code):
    response = Client().get(f"/lang/{code}/", {"next": next_url})
    assert response.status_code == 302
    location = response["Location"]
    assert location.startswith("/") and not location.startswith("//")


@HYPOTHESIS
@given(
    segment=st.text(min_size=1, max_size=200).filter(
        lambda s: "/" not in s and "?" not in s and "#" not in s
    )
)
def test_unknown_campaign_addresses_answer_404(campaign, segment):
    response = Client().get(f"/campaigns/tx/{segment}/")
    assert response.status_code in (404, 301, 302)
