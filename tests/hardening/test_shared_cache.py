"""The shared page cache keys only on what a page shows (issue 13, point 15): query parameters a
view never reads cannot fill the cache, and the rate-limit counters are kept elsewhere."""

import pytest
from django.core.cache import cache
from django.test import override_settings

from tests.factories import CampaignFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("_page_cache")]


@pytest.fixture
def _page_cache():
    with override_settings(PAGE_CACHE_SECONDS=10):
        yield


def _page_keys():
    return [key for key in cache._cache if "public_page:" in str(key) and "renewing" not in key]


def test_junk_parameters_are_served_the_one_stored_page(client, django_assert_num_queries):
    campaign = CampaignFactory()
    path = campaign.get_absolute_url()
    first = client.get(path)
    with django_assert_num_queries(0):
        for n in range(20):
            again = client.get(f"{path}?utm_{n}=x&fbclid={n}")
            assert again.content == first.content
    assert len(_page_keys()) == 1


@pytest.mark.parametrize(
    ("path", "reads"),
    [
        ("/", []),
        ("/learn/", []),
        ("/search/", ["q"]),
        ("/campaigns/", ["state", "open"]),
    ],
)
def test_each_public_page_keys_only_on_the_parameters_it_reads(client, path, reads):
    client.get(f"{path}?junk=1")
    client.get(f"{path}?junk=2&other=3")
    assert len(_page_keys()) == 1
    for name in reads:
        client.get(f"{path}?{name}=tx")
    assert len(_page_keys()) == 1 + len(reads)


def test_a_shared_link_tag_still_reaches_the_form(client):
    campaign = CampaignFactory()
    path = campaign.get_absolute_url()
    client.get(path)
    tagged = client.get(f"{path}?src=whatsapp&fbclid=abc")
    assert 'value="whatsapp"' in tagged.content.decode()
    plain = client.get(f"{path}?fbclid=def")
    assert 'value="whatsapp"' not in plain.content.decode()


def test_an_oversized_parameter_is_rendered_but_never_stored(client):
    client.get("/search/?q=" + "x" * 500)
    assert _page_keys() == []
