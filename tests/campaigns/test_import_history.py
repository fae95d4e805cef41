"""Importing a later list keeps what earlier lists said: expiries, sources, staff's targets."""

from datetime import date, timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from campaigns.importing import parse_contract_file
from campaigns.models import Campaign, Contract, ContractModel, ContractStatus, Target, TargetRole
from campaigns.services import import_contracts

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
HEADER = "state,agency,agency_type,county,model,signed_date,expires,source\n"
COHORT_END = date(2019, 6, 30)

pytestmark = pytest.mark.django_db


def _import_file(name: str):
    path = FIXTURES / name
    rows, problems = parse_contract_file(path.read_bytes(), path.name)
    report = import_contracts(rows, problems=problems)
    assert report.written, report.rejected[:3]
    return report


def _import_csv(text: str, name: str = "list.csv"):
    rows, problems = parse_contract_file((HEADER + text).encode(), name)
    report = import_contracts(rows, problems=problems)
    assert report.written, report.rejected
    return report


def _galveston() -> Contract:
    return Contract.objects.get(
        agency__state="TX",
        agency__match_name="galveston county sheriff's office",
        model=ContractModel.JAIL_ENFORCEMENT,
    )


@pytest.fixture
def both_lists():
    _import_file("287g_agreements_2019.csv")
    _import_file("287g_agreements_2026-05.csv")


def test_the_2019_cohort_keeps_its_expiry_after_the_2026_list(both_lists):
    cohort = Contract.objects.filter(expires=COHORT_END)
    assert cohort.count() == 80
    assert not Contract.objects.filter(status=ContractStatus.EXPIRED, expires=None).exists()


def test_the_home_page_still_counts_the_2019_cohort_after_the_2026_list(client):
    _import_file("287g_agreements_2019.csv")
    assert "80 contracts" in client.get("/").content.decode()

    _import_file("287g_agreements_2026-05.csv")

    # Today's list leads; 2019 stays as history.
    page = client.get("/").content.decode()
    assert "80 agreements ran to June 30, 2019." in " ".join(page.split())


def test_contracts_on_the_2026_list_are_renewed_and_dated_today(both_lists):
    galveston = _galveston()
    assert galveston.status == ContractStatus.RENEWED
    assert galveston.status_changed == timezone.localdate()
    assert galveston.expires == COHORT_END
    # 49 of the 80 cohort agreements are on ICE's 2026 sheet; the others stay expired.
    cohort = Contract.objects.filter(expires=COHORT_END)
    assert cohort.filter(status=ContractStatus.RENEWED).count() == 49
    assert cohort.filter(status=ContractStatus.EXPIRED, status_changed=None).count() == 31


def test_a_contract_on_the_2026_list_is_shown_as_current(client, both_lists):
    campaign = Campaign.objects.get(state="TX", county__name="Galveston County")

    page = client.get(campaign.get_absolute_url()).content.decode()

    # One line: signed again in 2020, after the 2019 term, so that old end date is not its own.
    assert "Signed June 8, 2020; in force, no end date (ICE&#x27;s list of May 18, 2026)" in page
    assert "ended on" not in page and "June 30, 2019" not in page


def test_a_later_list_adds_its_source_to_the_earlier_one(both_lists):
    first, later = _galveston().source.splitlines()
    assert "MOA galveston-tx-2017.pdf" in first  # the 2019 file cites the county's own MOA
    assert "participatingAgencies05182026am.xlsx" in later


def test_importing_the_2026_list_again_changes_nothing(both_lists):
    before = list(Contract.objects.order_by("pk").values_list("pk", "updated_at"))

    report = _import_file("287g_agreements_2026-05.csv")

    assert (report.created, report.updated) == (0, 0)
    assert list(Contract.objects.order_by("pk").values_list("pk", "updated_at")) == before


def test_importing_the_2019_list_after_the_2026_one_rolls_nothing_back(both_lists):
    renewed = _galveston()

    report = _import_file("287g_agreements_2019.csv")

    assert report.updated == 0
    again = _galveston()
    assert (again.status, again.signed_date, again.expires, again.source) == (
        renewed.status,
        renewed.signed_date,
        renewed.expires,
        renewed.source,
    )


def test_a_row_without_expiry_never_erases_a_known_one():
    _import_csv(
        "TX,Harris County Sheriff's Office,sheriff,Harris County,jail_enforcement,,2030-01-01,A\n"
    )
    _import_csv("TX,Harris County Sheriff's Office,sheriff,Harris County,jail_enforcement,,,B\n")

    contract = Contract.objects.get()
    assert contract.expires == date(2030, 1, 1)
    assert contract.source == "A\nB"
    assert contract.status == ContractStatus.ACTIVE
    assert contract.status_changed is None


def test_the_same_list_imported_again_does_not_renew_a_contract_staff_ended():
    row = "GA,Bartow County Sheriff's Office,sheriff,Bartow County,jail_enforcement,,,News\n"
    _import_csv(row)
    contract = Contract.objects.get()
    contract.set_status(ContractStatus.TERMINATED, on=date(2019, 3, 1))
    contract.save()

    _import_csv(row)

    contract.refresh_from_db()
    assert contract.status == ContractStatus.TERMINATED
    assert contract.status_changed == date(2019, 3, 1)


def test_a_status_column_that_changes_the_status_dates_the_change():
    past = (timezone.localdate() - timedelta(days=30)).isoformat()
    _import_csv(
        f"TX,Harris County Sheriff's Office,sheriff,Harris County,jail_enforcement,,{past},A\n"
    )
    assert Contract.objects.get().status == ContractStatus.EXPIRED
    rows, problems = parse_contract_file(
        (
            "state,agency,agency_type,county,model,signed_date,expires,source,status\n"
            f"TX,Harris County Sheriff's Office,sheriff,Harris County,jail_enforcement,,{past},A,"
            "not_renewed\n"
        ).encode(),
        "staff.csv",
    )

    report = import_contracts(rows, problems=problems)

    assert report.updated == 1
    contract = Contract.objects.get()
    assert contract.status == ContractStatus.NOT_RENEWED
    assert contract.status_changed == timezone.localdate()


# Targets: staff's corrections survive a re-import.


def test_a_reimport_keeps_the_one_sheriff_target_staff_edited():
    _import_file("287g_agreements_2019.csv")
    campaign = Campaign.objects.get(state="TX", county__name="Galveston County")
    sheriff = campaign.targets.get(role=TargetRole.SHERIFF)
    sheriff.name = "Sheriff Henry Trochesset"
    sheriff.office = "Galveston County Sheriff's Office, 601 54th Street"
    sheriff.save()

    _import_file("287g_agreements_2019.csv")
    _import_file("287g_agreements_2026-05.csv")

    sheriffs = Target.objects.filter(campaign=campaign, role=TargetRole.SHERIFF)
    assert [(t.name, t.office) for t in sheriffs] == [
        ("Sheriff Henry Trochesset", "Galveston County Sheriff's Office, 601 54th Street")
    ]
