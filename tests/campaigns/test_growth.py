"""Flat in the data: the public pages issue the same statements with the 2019 agreements and with
ICE's 2026 list (1,843 agreements, about 1,500 campaigns) on top. A page whose statement count or
shape grew with the list (one query per county, a subquery per county) fails here."""

import re
from pathlib import Path

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from campaigns.importing import parse_contract_file
from campaigns.services import import_contracts

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"

pytestmark = pytest.mark.django_db

# The most statements each page may issue, uncached, with either list: a page whose count grew
# with the list (one query per county or agency) fails with the 2026 list. Aransas County, TX has
# an agreement in both, so its ZIP finds campaigns in both.
PAGES = {
    "/": 5,
    "/es/": 5,
    "/campaigns/?page=2": 2,
    "/campaigns/tx/": 2,
    "/search/?q=78358": 6,  # a city police's contracts are prefetched only when one is found
    "/search/?q=Texas": 6,  # prefetches run only for what is found
    "/map/": 1,
    "/es/map/": 1,
    "/record/": 5,  # today's list by model, once a dated ICE list is on file
    "/record/tx/": 6,
}


def _import(name):
    path = FIXTURES / name
    rows, problems = parse_contract_file(path.read_bytes(), path.name)
    import_contracts(rows, problems=problems)


def _statements(client, url) -> list[str]:
    cache.clear()  # uncached, as at a surge after an import or a restart
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    # The statement's shape: literals (ids, dates, names) differ with the data.
    return [re.sub(r"'[^']*'|\b\d+\b", "?", q["sql"]) for q in queries]


def test_public_pages_issue_as_few_statements_with_the_2026_list_as_with_2019_data(client):
    _import("287g_agreements_2019.csv")
    at_2019 = {url: _statements(client, url) for url in PAGES}
    _import("287g_agreements_2026-05.csv")
    at_2026 = {url: _statements(client, url) for url in PAGES}

    counts = {url: (len(at_2019[url]), len(at_2026[url])) for url in PAGES}
    assert counts == {url: (counts[url][0], pin) for url, pin in PAGES.items()}
    for url, pin in PAGES.items():
        assert len(at_2019[url]) <= pin, url
        # No statement repeated per row: each shape appears once.
        assert len(set(at_2026[url])) == len(at_2026[url]), url
