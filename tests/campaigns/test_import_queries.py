"""The 2026 list (1,843 rows, 1,400 new campaigns) imports in a fixed handful of queries, not one
or more per row: the petition template was once fetched per campaign (1,410 of 1,525 queries)."""

from pathlib import Path

import pytest

from campaigns.importing import parse_contract_file
from campaigns.services import import_contracts
from petitions.models import PetitionText

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"

pytestmark = pytest.mark.django_db


def _rows(name: str):
    path = FIXTURES / name
    rows, problems = parse_contract_file(path.read_bytes(), path.name)
    assert not problems
    return rows


def test_the_2026_list_imports_in_a_fixed_number_of_queries(django_assert_max_num_queries):
    rows = _rows("287g_agreements_2026-05.csv")

    # 25, plus the newest list's date and the campaigns whose head no longer fits (ice_lists).
    with django_assert_max_num_queries(27):
        report = import_contracts(rows)

    assert report.written
    assert PetitionText.objects.count() == report.campaigns_created


def test_the_2026_list_over_the_2019_one_costs_one_query_per_updated_contract(
    django_assert_max_num_queries,
):
    assert import_contracts(_rows("287g_agreements_2019.csv")).written
    rows = _rows("287g_agreements_2026-05.csv")

    # 94 contracts of 2019 are on the 2026 list (St Johns County's sheriff as "St. Johns"): one
    # UPDATE each, plus the fixed handful (27 today).
    with django_assert_max_num_queries(94 + 27):
        report = import_contracts(rows)

    assert report.written
    assert report.updated == 94
