"""Staff curate contracts in admin: list, search, filters, a spreadsheet-safe CSV export, and the
import with a summary first (a dry run of the import service) and a confirm step."""

import io
import zipfile
from datetime import date
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook

from campaigns.importing import parse_contract_file
from campaigns.models import (
    Agency,
    Contract,
    ContractImport,
    ContractImportStatus,
    ContractModel,
    County,
)
from campaigns.services import import_contracts
from tests.factories import AgencyFactory, ContractFactory, CountyFactory, UserFactory

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
HEADER = "state,agency,agency_type,county,model,signed_date,expires,source\n"

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def staff(client):
    user = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(user)
    return client


@pytest.fixture
def cohort_2019():
    path = FIXTURES / "287g_agreements_2019.csv"
    rows, problems = parse_contract_file(path.read_bytes(), path.name)
    assert import_contracts(rows, problems=problems).written


def _url(name, *args):
    return reverse(f"admin:campaigns_{name}", args=args)


def _upload(name: str, content: bytes, content_type="text/csv"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def _preview(staff, name: str, content: bytes, content_type="text/csv"):
    return staff.post(
        _url("contract_import"), {"file": _upload(name, content, content_type)}, follow=False
    )


# The list


def test_only_staff_reach_the_contract_list(client, cohort_2019):
    response = client.get(_url("contract_changelist"))
    assert response.status_code == 302
    client.force_login(UserFactory())
    assert client.get(_url("contract_changelist")).status_code == 302


def test_the_list_shows_state_county_agency_model_dates_and_status(staff, cohort_2019):
    html = staff.get(_url("contract_changelist"), {"q": "Galveston"}).content.decode()
    assert "Galveston County Sheriff" in html
    assert "Galveston County" in html
    for column in ["column-state", "column-county", "column-agency", "column-model"]:
        assert column in html
    for column in ["column-signed_date", "column-expires", "column-status"]:
        assert column in html


@pytest.mark.parametrize(
    ("q", "expected"),
    [("Galveston", 1), ("galveston county", 1), ("Texas", 26), ("dona ana", 0)],
)
def test_search_by_agency_county_or_state(staff, cohort_2019, q, expected):
    response = staff.get(_url("contract_changelist"), {"q": q})
    assert response.status_code == 200
    assert response.context["cl"].result_count == expected


def test_filters_by_state_model_status_and_expiry_year(staff, cohort_2019):
    def count(**params):
        response = staff.get(_url("contract_changelist"), params)
        assert response.status_code == 200
        return response.context["cl"].result_count

    assert count(agency__state="TX") == 26
    assert count(model__exact=ContractModel.WARRANT_SERVICE_OFFICER) == 45
    assert count(status__exact="expired") == 80
    assert count(expiry_year="2019") == 80
    assert count(expiry_year="none") == 46
    assert count(expiry_year="nonsense") == 126
    html = staff.get(_url("contract_changelist")).content.decode()
    assert "expiry year" in html and "No end date" in html


def test_agency_and_county_admin_are_searchable(staff, cohort_2019):
    response = staff.get(_url("agency_changelist"), {"q": "galveston"})
    assert response.context["cl"].result_count == 1
    response = staff.get(_url("county_changelist"), {"q": "48167"})
    assert response.context["cl"].result_count == 1


# The export


def _export(staff, **params) -> str:
    response = staff.get(_url("contract_export"), params)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    return b"".join(
        response.streaming_content if response.streaming else [response.content]
    ).decode("utf-8-sig")


def test_the_export_is_the_filtered_list_as_csv(staff, cohort_2019):
    text = _export(staff, model__exact=ContractModel.WARRANT_SERVICE_OFFICER)
    lines = text.strip().splitlines()
    assert lines[0].startswith("state,agency,agency_type,county,fips,model")
    assert len(lines) == 1 + 45
    assert all("warrant_service_officer" in line for line in lines[1:])


def test_an_exported_list_imports_again_unchanged(staff, cohort_2019):
    text = _export(staff)
    rows, problems = parse_contract_file(text.encode(), "export.csv")
    report = import_contracts(rows, problems=problems, dry_run=True)
    assert report.ok, report.rejected[:3]
    assert (report.created, report.updated, report.unchanged) == (0, 0, 126)


@pytest.mark.parametrize("start", ["=", "+", "-", "@"])
def test_export_neutralises_spreadsheet_formulas(staff, start):
    agency = AgencyFactory(name=f'{start}HYPERLINK("http://evil.example","x")')
    ContractFactory(agency=agency, source=f"{start}1+1")
    text = _export(staff)
    assert f"'{start}HYPERLINK" in text
    assert f"'{start}1+1" in text
    assert f",{start}HYPERLINK" not in text and f'"{start}HYPERLINK' not in text


# The import: upload, summary, confirm (the summary itself: tests/campaigns/test_list_imports.py)


def test_the_list_links_to_the_import(staff):
    html = staff.get(_url("contract_changelist")).content.decode()
    assert _url("contract_import") in html
    assert _url("contract_export") in html


def test_the_import_page_offers_an_upload_form(staff):
    response = staff.get(_url("contract_import"))
    assert response.status_code == 200
    assert 'enctype="multipart/form-data"' in response.content.decode()


def test_an_upload_shows_its_summary_and_writes_nothing(staff):
    content = (FIXTURES / "287g_agreements_2019.csv").read_bytes()
    response = _preview(staff, "287g_agreements_2019.csv", content)

    assert response.status_code == 302
    summary = staff.get(response["Location"] + "?state=TX")
    assert summary.context["summary"]["created"] == 126
    html = summary.content.decode()
    assert 'name="confirm"' in html
    assert "Galveston County Sheriff" in html
    assert Contract.objects.count() == 0
    assert County.objects.count() == 0
    assert bytes(ContractImport.objects.get().content) == content


def test_confirming_the_summary_imports(staff):
    content = (FIXTURES / "287g_agreements_2019.csv").read_bytes()
    summary_url = _preview(staff, "287g_agreements_2019.csv", content)["Location"]

    response = staff.post(summary_url, {"confirm": "1"})

    assert response.status_code == 302
    assert response["Location"] == _url("contract_changelist")
    assert Contract.objects.count() == 126
    assert ContractImport.objects.get().status == ContractImportStatus.APPLIED
    messages = [str(m) for m in staff.get(_url("contract_changelist")).context["messages"]]
    assert any("126 created" in m for m in messages)


def test_a_summary_of_an_update_lists_the_changed_dates(staff, cohort_2019):
    row = (
        "TX,Galveston County Sheriff's Office,sheriff,Galveston County,jail_enforcement,"
        "2017-06-30,2020-06-30,Addendum\n"
    )
    summary = staff.get(_preview(staff, "update.csv", (HEADER + row).encode())["Location"])
    assert (summary.context["summary"]["created"], summary.context["summary"]["updated"]) == (0, 1)
    html = summary.content.decode()
    assert "expires: 2019-06-30 → 2020-06-30" in html
    galveston = Contract.objects.get(agency__name__startswith="Galveston")
    assert galveston.expires == date(2019, 6, 30)


def test_a_summary_with_rejected_rows_names_them_and_offers_no_confirm(staff):
    bad = "TX,Harris County SO,sheriff,Harris County,jail_enforcement,someday,,x\n"
    good = "TX,Nueces County Sheriff's Office,sheriff,Nueces County,jail_enforcement,,,x\n"
    summary = staff.get(_preview(staff, "bad.csv", (HEADER + good + bad).encode())["Location"])
    html = summary.content.decode()
    assert "unreadable date" in html
    assert "<td>3</td>" in html
    assert 'name="confirm"' not in html
    staged = ContractImport.objects.get()
    assert (
        staff.post(_url("contractimport_summary", staged.pk), {"confirm": "1"}).status_code == 302
    )
    assert Contract.objects.count() == 0


def test_an_ice_xlsx_summary_lists_the_aliases_used(staff):
    book = Workbook()
    sheet = book.active
    sheet.append(["287(g) Participating Agencies"])
    sheet.append(["STATE", "LAW ENFORCEMENT AGENCY", "TYPE", "COUNTY", "SUPPORT TYPE", "SIGNED"])
    sheet.append(["OKLAHOMA", "Custer County Sheriff's Office", "County", "Custer Countey", "Task Force Model", "3/1/2025"])  # fmt: skip
    buffer = io.BytesIO()
    book.save(buffer)
    xlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    summary = staff.get(_preview(staff, "ice.xlsx", buffer.getvalue(), xlsx)["Location"])
    html = summary.content.decode()
    assert summary.context["summary"]["created"] == 1
    assert "&#x27;Custer Countey&#x27; read as &#x27;Custer County&#x27;" in html


def test_a_file_over_5_mb_is_refused(staff):
    content = HEADER.encode() + b"x" * (5 * 1024 * 1024)
    response = _preview(staff, "big.csv", content)
    assert response.status_code == 200
    assert "larger than 5 MB" in response.content.decode()
    assert not ContractImport.objects.exists()


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("contracts.csv", bytes(range(256)) * 40),
        ("contracts.xlsx", b"PK\x03\x04 not a workbook"),
        ("contracts.csv", b""),
    ],
)
def test_a_file_that_is_neither_text_nor_a_workbook_is_refused(staff, name, content):
    response = _preview(staff, name, content)
    assert response.status_code == 200
    html = response.content.decode()
    assert "errorlist" in html
    assert 'name="confirm"' not in html
    assert not ContractImport.objects.exists()


def test_a_zip_that_is_not_a_workbook_is_refused(staff):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("hello.txt", "hello")
    response = _preview(staff, "c.xlsx", buffer.getvalue())
    assert "neither a CSV text file nor an XLSX workbook" in response.content.decode()


def test_a_csv_with_unknown_columns_says_so(staff):
    response = _preview(staff, "c.csv", b"name,place\nx,y\n")
    assert "no header row" in response.content.decode()
    assert not Agency.objects.exists()
    assert not ContractImport.objects.exists()


def test_the_admin_contract_form_opens(staff):
    contract = ContractFactory(agency=AgencyFactory(county=CountyFactory()))
    assert staff.get(_url("contract_change", contract.pk)).status_code == 200
    assert staff.get(_url("contract_add")).status_code == 200


def _contract_form(contract, **changes) -> dict:
    data = {
        "agency": contract.agency_id,
        "model": contract.model,
        "signed_date": contract.signed_date.isoformat() if contract.signed_date else "",
        "expires": contract.expires.isoformat() if contract.expires else "",
        "status": contract.status,
        "status_changed": contract.status_changed.isoformat() if contract.status_changed else "",
        "source": contract.source,
    }
    return {**data, **changes}


def test_changing_the_status_in_admin_dates_the_change_today(staff):
    contract = ContractFactory(agency=AgencyFactory(county=CountyFactory()))

    response = staff.post(
        _url("contract_change", contract.pk), _contract_form(contract, status="terminated")
    )

    assert response.status_code == 302
    contract.refresh_from_db()
    assert contract.status == "terminated"
    assert contract.status_changed == timezone.localdate()


def test_a_date_staff_give_with_the_new_status_is_kept(staff):
    contract = ContractFactory(agency=AgencyFactory(county=CountyFactory()))

    staff.post(
        _url("contract_change", contract.pk),
        _contract_form(contract, status="not_renewed", status_changed="2019-07-01"),
    )

    contract.refresh_from_db()
    assert (contract.status, contract.status_changed) == ("not_renewed", date(2019, 7, 1))


def test_saving_a_contract_without_changing_its_status_keeps_its_date(staff):
    contract = ContractFactory(
        agency=AgencyFactory(county=CountyFactory()), status_changed=date(2020, 1, 2)
    )

    staff.post(_url("contract_change", contract.pk), _contract_form(contract, source="MOA v2"))

    contract.refresh_from_db()
    assert (contract.source, contract.status_changed) == ("MOA v2", date(2020, 1, 2))
