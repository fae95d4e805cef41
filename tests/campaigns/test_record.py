"""Today's data by default, with its history: the home's figures and the public record since 2019.

On both fixtures: the 2019 cohort alone, and the 2019 cohort followed by ICE's list of 2026-05-18.
"""

import csv
import io
import re
from datetime import date
from pathlib import Path

import pytest
from django.core.management import call_command

from campaigns.importing import parse_contract_file
from campaigns.models import (
    Agency,
    Campaign,
    CampaignStatus,
    Contract,
    ContractList,
    ContractStatus,
)
from campaigns.services import import_contracts
from petitions.counting import refresh_tallies
from petitions.models import Delivery
from tests.factories import LeadershipFactory, SignatureFactory

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
LIST_DATE = date(2026, 5, 18)

pytestmark = pytest.mark.django_db


def _import_file(name: str):
    path = FIXTURES / name
    rows, problems = parse_contract_file(path.read_bytes(), path.name)
    report = import_contracts(rows, problems=problems)
    assert report.written, report.rejected[:3]
    return report


@pytest.fixture
def cohort_2019():
    _import_file("287g_agreements_2019.csv")


@pytest.fixture
def both_lists(cohort_2019):
    _import_file("287g_agreements_2026-05.csv")


def _text(response) -> str:
    """The page's words with tags dropped and spaces collapsed, as a reader sees them."""
    html = response.content.decode()
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).replace(" .", ".").strip()


# Where the list date is kept -------------------------------------------------------------------


def test_ice_list_is_recorded_with_its_date_and_its_agreements_are_marked_on_it(both_lists):
    assert list(ContractList.objects.values_list("listed_on", "agreements")) == [(LIST_DATE, 1843)]
    assert Contract.objects.on_list(LIST_DATE).count() == 1843
    # The 2019 agreements ICE no longer lists were on no list of ICE's we hold.
    # 1,875 agreements: the 2019 file's "St Johns County" sheriff is the 2026 list's "St. Johns".
    assert Contract.objects.filter(last_listed=None).count() == 1875 - 1843
    # Known since 2019: no first list; first seen on ICE's 2026 list: that list.
    galveston = Contract.objects.get(
        agency__match_name="galveston county sheriff's office", model="jail_enforcement"
    )
    assert (galveston.first_listed, galveston.last_listed) == (None, LIST_DATE)
    assert Contract.objects.filter(first_listed=LIST_DATE).count() == 1843 - 94


def test_the_2019_cohort_is_no_ice_list(cohort_2019):
    assert not ContractList.objects.exists()
    assert not Contract.objects.exclude(last_listed=None).exists()


def test_importing_ice_list_again_changes_nothing(both_lists):
    report = _import_file("287g_agreements_2026-05.csv")
    assert (report.created, report.updated, report.unchanged) == (0, 0, 1843)
    assert ContractList.objects.get().agreements == 1843


def test_an_older_list_imported_late_moves_no_agreement_off_today(both_lists):
    older = (
        "state,agency,agency_type,county,model,signed_date,expires,source\n"
        "TX,Galveston County Sheriff’s Office,sheriff,Galveston County,jail_enforcement,"
        "2020-06-01,,ICE 287(g) participating entities as of 2025-01-04\n"
    ).encode()
    rows, problems = parse_contract_file(older, "older.csv")
    assert import_contracts(rows, problems=problems).written
    assert Contract.objects.on_list(LIST_DATE).count() == 1843
    assert ContractList.objects.latest_date() == LIST_DATE
    assert ContractList.objects.count() == 2


def test_the_command_takes_the_list_date_when_the_file_does_not_name_it(tmp_path):
    path = tmp_path / "ice.csv"
    path.write_text(
        "state,agency,agency_type,county,model,signed_date,expires,source\n"
        "TX,Galveston County Sheriff’s Office,sheriff,Galveston County,task_force,2025-03-01,,ICE\n"
    )
    call_command("import_contracts", str(path), "--list-date", "2026-12-01", verbosity=0)
    assert ContractList.objects.get().listed_on == date(2026, 12, 1)
    assert Contract.objects.get().last_listed == date(2026, 12, 1)


# The home page ---------------------------------------------------------------------------------


def test_the_home_tells_todays_list_from_the_database(client, both_lists):
    on_list = Contract.objects.on_list(LIST_DATE)
    agencies = Agency.objects.filter(contracts__in=on_list).distinct().count()
    states = on_list.values("agency__state").distinct().count()
    page = _text(client.get("/"))
    assert "Today, ICE’s list of May 18, 2026 holds 1,843 287(g) agreements" in page
    assert f"{agencies:,} agencies" in page
    assert f"{states} states" in page


def test_the_home_keeps_2019_as_history(client, both_lists):
    cohort = Contract.objects.filter(expires=date(2019, 6, 30))
    back = (
        Agency.objects.filter(contracts__in=cohort)
        .filter(contracts__last_listed=LIST_DATE)
        .distinct()
        .count()
    )
    page = _text(client.get("/"))
    assert f"{cohort.count()} agreements ran to June 30, 2019." in page
    assert f"{back} of those agencies are on ICE’s list again." in page
    assert back > 0


def test_the_home_with_the_2019_cohort_alone_tells_2019(client, cohort_2019):
    page = _text(client.get("/"))
    assert "On June 30, 2019, 80 contracts between ICE and local police were set to expire." in page
    assert "ICE’s list of" not in page


def test_the_home_counts_campaigns_led_signed_and_delivered(client, cohort_2019):
    campaigns = list(Campaign.objects.order_by("pk")[:3])
    LeadershipFactory(campaign=campaigns[0])
    LeadershipFactory(campaign=campaigns[1])
    SignatureFactory(campaign=campaigns[1])
    refresh_tallies([campaigns[1]])
    Delivery.objects.create(campaign=campaigns[2], delivered_on=date(2026, 11, 1), received_by="x")
    page = _text(client.get("/"))
    assert "2 campaigns led" in page
    assert "1 with signatures" in page
    assert "1 petition delivered" in page


def test_the_home_in_spanish(client, both_lists):
    page = _text(client.get("/es/"))
    assert "Hoy, la lista de ICE del 18 de mayo de 2026 tiene 1,843 acuerdos 287(g)" in page
    assert "80 acuerdos vencieron el 30 de junio de 2019." in page


# The record ------------------------------------------------------------------------------------


def _outcome(contract) -> str:
    """What happened, as a person would tell it from the database."""
    if contract.status in (ContractStatus.ACTIVE, ContractStatus.RENEWED) and (
        contract.last_listed == LIST_DATE
    ):
        return "new" if contract.first_listed else "renewed"
    return "ended"


def test_the_record_totals_by_state_equal_the_database(client, both_lists):
    record = client.get("/record/").context["record"]
    contracts = list(Contract.objects.select_related("agency"))
    for row in record.states:
        mine = [c for c in contracts if c.agency.state == row.state]
        assert row.agreements["total"] == len(mine), row.state
        assert row.agreements["on_list"] == sum(c.last_listed == LIST_DATE for c in mine)
        for outcome in ("ended", "renewed", "new"):
            assert row.agreements[outcome] == sum(_outcome(c) == outcome for c in mine)
        assert (
            row.campaigns["campaigns"] == Campaign.objects.public().filter(state=row.state).count()
        )
    assert record.totals.agreements["total"] == 1875
    assert record.totals.agreements["on_list"] == 1843
    assert record.totals.agreements["renewed"] + record.totals.agreements["new"] == 1843


def test_the_record_table_shows_each_states_numbers(client, both_lists):
    page = _text(client.get("/record/"))
    tx = Contract.objects.filter(agency__state="TX")
    ended = sum(_outcome(c) == "ended" for c in tx)
    on_list = tx.filter(last_listed=LIST_DATE).count()
    assert re.search(rf"Texas {tx.count()} {on_list} {ended} \d+ \d+", page)
    assert "Total 1,875 1,843" in page


def test_the_record_with_the_2019_cohort_alone(client, cohort_2019):
    record = client.get("/record/").context["record"]
    assert record.totals.agreements["total"] == 126
    assert (
        record.totals.agreements["ended"]
        == Contract.objects.exclude(
            status__in=(ContractStatus.ACTIVE, ContractStatus.RENEWED)
        ).count()
    )
    assert record.totals.agreements["in_force"] == 46


def test_a_state_page_lists_every_agreement_and_what_happened(client, both_lists):
    page = _text(client.get("/record/tx/"))
    tx = Contract.objects.filter(agency__state="TX")
    assert f"{tx.count()} agreements since 2019" in page
    assert "Galveston County Sheriff’s Office Galveston County Renewed Jail enforcement" in page
    assert page.count("Renewed") >= sum(_outcome(c) == "renewed" for c in tx)


def test_an_unknown_state_has_no_record_page(client, cohort_2019):
    assert client.get("/record/zz/").status_code == 404


def test_the_charts_are_accessible_images_with_their_numbers(client, both_lists):
    html = client.get("/record/").content.decode()
    charts = re.findall(r"<svg class=\"bar-chart\"[^>]*>.*?</svg>", html, flags=re.S)
    assert len(charts) == 3
    for chart in charts:
        assert 'role="img"' in chart and "<title" in chart and "<desc" in chart
    over_time, by_model, by_state = charts
    assert "June 30, 2019: 80" in over_time and "May 18, 2026: 1,843" in over_time
    assert "Task force: 1,162" in by_model
    texas = Contract.objects.on_list(LIST_DATE).filter(agency__state="TX").count()
    assert f"Texas: {texas:,}" in by_state
    # The numbers are beside the drawing as a table too.
    assert re.search(r"<th scope=\"row\">May 18, 2026</th><td class=\"text-end\">1,843</td>", html)


def test_spanish_charts_keep_dots_in_their_geometry(client, both_lists):
    html = client.get("/es/record/").content.decode()
    chart = re.search(r"<svg class=\"bar-chart\".*?</svg>", html, flags=re.S)[0]
    assert not re.search(r'(width|x)="\d+,\d', chart)
    assert "30 de junio de 2019: 80" in chart


def test_the_record_in_spanish(client, both_lists):
    page = _text(client.get("/es/record/"))
    assert "El historial: cada acuerdo 287(g) desde 2019" in page
    assert "La lista de ICE del 18 de mayo de 2026 tiene 1,843 acuerdos." in page
    assert "Texas" in page and "Renovados" in page
    assert "Carolina del Norte" in _text(client.get("/es/record/nc/"))


def test_the_csv_has_every_agreement_its_columns_and_no_personal_data(client, both_lists):
    campaign = Campaign.objects.get(state="TX", county__name="Galveston County")
    leader = LeadershipFactory(campaign=campaign, public_name="Rosa Privada")
    signature = SignatureFactory(campaign=campaign, name="Ana Firmante")
    response = client.get("/record.csv")
    assert response["Content-Type"].startswith("text/csv")
    body = b"".join(response).decode() if response.streaming else response.content.decode()
    rows = list(csv.DictReader(io.StringIO(body)))
    assert list(rows[0]) == [
        "state",
        "agency",
        "agency_type",
        "county",
        "model",
        "signed_date",
        "expires",
        "status",
        "what_happened",
        "first_on_ice_list",
        "last_on_ice_list",
        "campaign",
        "campaign_status",
    ]
    assert len(rows) == Contract.objects.count()
    galveston = next(r for r in rows if r["agency"] == "Galveston County Sheriff’s Office")
    assert galveston["what_happened"] == "renewed"
    assert galveston["campaign"].endswith("/campaigns/tx/galveston-county/")
    assert galveston["campaign_status"] == CampaignStatus.LED
    for secret in (leader.user.email, leader.public_name, signature.email, signature.name):
        assert secret not in body


def test_the_csv_is_formula_safe(client, cohort_2019):
    agency = Agency.objects.first()
    agency.name = '=HYPERLINK("http://evil")'
    agency.save()
    body = client.get("/record.csv").content.decode()
    assert "'=HYPERLINK" in body
    assert "\n=HYPERLINK" not in body and ",=HYPERLINK" not in body


def test_the_home_and_the_record_with_no_agreement_at_all(client, db):
    assert client.get("/").status_code == 200
    record = client.get("/record/").context["record"]
    assert record.totals.agreements["total"] == 0 and record.list_date is None
    assert client.get("/record.csv").content.decode().count("\n") == 1
