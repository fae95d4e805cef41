"""Importing contract lists: our CSV, ICE's sheet as CSV or XLSX; idempotent and all-or-nothing."""

import io
import zipfile
from datetime import date, datetime
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from openpyxl import Workbook

from campaigns.importing import ImportFileError, parse_contract_file
from campaigns.models import Agency, Campaign, Contract, ContractModel, ContractStatus, County
from campaigns.services import import_contracts

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
HEADER = "state,agency,agency_type,county,model,signed_date,expires,source\n"
GOOD_ROW = (
    "TX,Galveston County Sheriff's Office,sheriff,Galveston County,jail_enforcement,"
    "2017-06-30,2019-06-30,MOA\n"
)
OTHER_GOOD_ROW = "TX,Nueces County Sheriff's Office,sheriff,Nueces County,jail_enforcement,,,News\n"

pytestmark = pytest.mark.django_db


def _import_file(name: str, **kwargs):
    path = FIXTURES / name
    rows, problems = parse_contract_file(path.read_bytes(), path.name)
    return import_contracts(rows, problems=problems, **kwargs)


def _import_bytes(content: bytes, filename: str = "upload.csv", **kwargs):
    rows, problems = parse_contract_file(content, filename)
    return import_contracts(rows, problems=problems, **kwargs)


def _counts() -> tuple[int, int, int, int]:
    return (
        County.objects.count(),
        Agency.objects.count(),
        Contract.objects.count(),
        Campaign.objects.count(),
    )


def test_the_2019_file_loads_with_its_counts_by_model_and_expiry():
    report = _import_file("287g_agreements_2019.csv")
    assert report.written and report.ok
    assert report.created == 126
    jem = Contract.objects.filter(model=ContractModel.JAIL_ENFORCEMENT)
    wso = Contract.objects.filter(model=ContractModel.WARRANT_SERVICE_OFFICER)
    assert jem.count() == 81
    assert jem.filter(expires=date(2019, 6, 30)).count() == 80
    bartow = jem.get(expires=None)
    assert bartow.agency.name.startswith("Bartow County")
    assert wso.count() == 45
    assert not wso.exclude(expires=None).exists()
    assert not Contract.objects.filter(model=ContractModel.TASK_FORCE).exists()
    assert jem.filter(expires=date(2019, 6, 30), status=ContractStatus.EXPIRED).count() == 80


def test_importing_the_same_file_twice_changes_nothing():
    _import_file("287g_agreements_2019.csv")
    before = list(Contract.objects.order_by("pk").values_list("pk", "updated_at"))
    counts = _counts()

    report = _import_file("287g_agreements_2019.csv")

    assert (report.created, report.updated, report.unchanged) == (0, 0, 126)
    assert report.campaigns_created == 0
    assert _counts() == counts
    assert list(Contract.objects.order_by("pk").values_list("pk", "updated_at")) == before


@pytest.mark.parametrize(
    ("bad_row", "reason"),
    [
        ("TX,Harris County SO,sheriff,Harris County,jail_enforcement,2019-02-30,,x\n", "date"),
        ("XX,Harris County SO,sheriff,Harris County,jail_enforcement,,,x\n", "unknown state"),
        ("TX,Harris County SO,sheriff,Harris County,bounty_hunter,,,x\n", "unknown 287(g) model"),
        ("TX,Harris County SO,sheriff,Harris\x00 County,jail_enforcement,,,x\n", "NUL byte"),
        ("TX,Harris County SO,sheriff,Harris County,jail_enforcement\x00,,,x\n", "NUL byte"),
        ("TX,Harris County SO,sheriff,Gotham County,jail_enforcement,,,x\n", "unknown county"),
        ("TX,,sheriff,Harris County,jail_enforcement,,,x\n", "agency is empty"),
        ("TX,Harris County SO\n", "unknown 287(g) model"),
    ],
)
def test_a_malformed_row_is_rejected_with_its_line_and_nothing_is_written(bad_row, reason):
    report = _import_bytes((HEADER + GOOD_ROW + bad_row + OTHER_GOOD_ROW).encode())

    assert not report.written
    assert [p.line for p in report.rejected] == [3]
    assert reason in report.rejected[0].reason
    assert _counts() == (0, 0, 0, 0)


def test_a_rejected_file_leaves_earlier_data_exactly_as_it_was():
    _import_bytes((HEADER + GOOD_ROW).encode())
    counts = _counts()
    changed = GOOD_ROW.replace("2019-06-30", "2020-06-30")
    bad = "TX,Harris County SO,sheriff,Harris County,jail_enforcement,someday,,x\n"

    report = _import_bytes((HEADER + changed + bad).encode())

    assert not report.written
    assert _counts() == counts
    assert Contract.objects.get().expires == date(2019, 6, 30)


def test_the_same_agency_and_model_twice_in_one_file_is_rejected():
    report = _import_bytes((HEADER + GOOD_ROW + GOOD_ROW).encode())
    assert [(p.line, "twice" in p.reason) for p in report.rejected] == [(3, True)]
    assert _counts() == (0, 0, 0, 0)


def test_a_dry_run_reports_what_would_change_and_writes_nothing():
    report = _import_file("287g_agreements_2019.csv", dry_run=True)
    assert report.created == 126 and report.ok
    assert not report.written
    assert _counts() == (0, 0, 0, 0)


def test_the_2026_list_imports_fully_and_every_county_row_gets_a_fips_code():
    report = _import_file("287g_agreements_2026-05.csv")

    assert report.written, report.rejected[:5]
    assert report.created == 1843
    by_model = {m: Contract.objects.filter(model=m).count() for m in ContractModel.values}
    assert by_model == {
        ContractModel.TASK_FORCE: 1162,
        ContractModel.WARRANT_SERVICE_OFFICER: 499,
        ContractModel.JAIL_ENFORCEMENT: 182,
    }
    path = FIXTURES / "287g_agreements_2026-05.csv"
    rows, _ = parse_contract_file(path.read_bytes(), path.name)
    county_rows = [r for r in rows if r.county]
    assert len(county_rows) > 1000
    for row in county_rows:
        agency = Agency.objects.get(state=row.state, match_name=Agency.match_key(row.agency))
        assert agency.county_id and len(agency.county_id) == 5 and agency.county_id.isdigit()
        assert agency.county_id[:2] == County.objects.get(pk=agency.county_id).pk[:2]


def test_ice_misspellings_resolve_through_the_alias_table_and_each_use_is_reported():
    report = _import_file("287g_agreements_2026-05.csv", dry_run=True)
    used = "\n".join(report.aliases)
    for misspelt, census in [
        ("Frankin County", "Franklin County"),
        ("Pop County", "Pope County"),
        ("Calacasieu Parish", "Calcasieu Parish"),
        ("Chalmette Parish", "St. Bernard Parish"),
        ("German Coast County", "St. Charles Parish"),
        ("LaSalle Parish", "La Salle Parish"),
        ("Berrian County", "Berrien County"),
        ("Custer Countey", "Custer County"),
        ("Hopewell County", "Hopewell city"),
    ]:
        assert f"{misspelt!r} read as {census!r}" in used
    assert all(a.startswith("line ") for a in report.aliases)


def test_bulk_created_agencies_match_what_save_computes():
    _import_bytes((HEADER + GOOD_ROW).encode())
    agency = Agency.objects.get()
    match_name, search_text = agency.match_name, agency.search_text
    agency.save()
    agency.refresh_from_db()
    assert (agency.match_name, agency.search_text) == (match_name, search_text)
    assert "galveston county" in search_text and "texas" in search_text


ICE_HEADER = ["STATE", "LAW ENFORCEMENT AGENCY", "TYPE", "COUNTY", "SUPPORT TYPE", "SIGNED"]
ICE_HEADER += ["MOA", "ADDENDUM"]
ICE_ROWS = [
    ["TEXAS", "Galveston County Sheriff’s Office", "County", "Galveston County",
     "Jail Enforcement Model", "06/30/2017", "moa.pdf", ""],
    ["TX", "Galveston County Sheriff's Office", "County", "Galveston County",
     "Warrant Service Officer", "2019-05-06", "", ""],
    ["Oklahoma", "Custer County Sheriff's Office", "County", "Custer Countey",
     "Task Force Model", "3/1/2025", "", ""],
    ["FLORIDA", "Florida Department of Corrections", "State Agency", "",
     "Jail Enforcement Model", "1/1/2019", "", ""],
]  # fmt: skip


def _ice_csv() -> bytes:
    out = io.StringIO()
    import csv

    writer = csv.writer(out)
    writer.writerow(["287(g) Participating Agencies as of May 18, 2026"])
    writer.writerow(ICE_HEADER)
    writer.writerows(ICE_ROWS)
    return out.getvalue().encode()


def _ice_xlsx() -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(["Participating Entities as of May 18, 2026"])
    sheet.append(ICE_HEADER)
    for row in ICE_ROWS:
        signed = row[5]
        month, day, year = (signed.split("/") + [""])[:3] if "/" in signed else ("", "", "")
        row = list(row)
        if year:
            row[5] = datetime(int(year), int(month), int(day))
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _assert_ice_rows_imported(report):
    assert report.written, report.rejected
    assert report.created == 4
    galveston = Agency.objects.get(state="TX")
    assert galveston.county_id == "48167"
    assert set(galveston.contracts.values_list("model", flat=True)) == {
        ContractModel.JAIL_ENFORCEMENT,
        ContractModel.WARRANT_SERVICE_OFFICER,
    }
    jem = galveston.contracts.get(model=ContractModel.JAIL_ENFORCEMENT)
    assert jem.signed_date == date(2017, 6, 30)
    assert "moa.pdf" in jem.source
    custer = Agency.objects.get(state="OK")
    assert custer.county_id == "40039"
    assert any("'Custer Countey' read as 'Custer County'" in a for a in report.aliases)
    doc = Agency.objects.get(state="FL")
    assert doc.county_id is None and doc.agency_type == "corrections"
    assert Campaign.objects.filter(agency=doc).exists()


def test_ice_columns_as_csv_import_with_full_state_names_and_codes():
    _assert_ice_rows_imported(_import_bytes(_ice_csv(), "participatingAgencies.csv"))


def test_ice_sheet_as_xlsx_with_a_title_row_imports():
    report = _import_bytes(_ice_xlsx(), "participatingAgencies.xlsx")
    _assert_ice_rows_imported(report)
    again = _import_bytes(_ice_xlsx(), "participatingAgencies.xlsx")
    assert (again.created, again.updated, again.unchanged) == (0, 0, 4)


def test_an_xlsx_row_is_rejected_with_its_sheet_row_number():
    book = Workbook()
    sheet = book.active
    sheet.append(["Title"])
    sheet.append(ICE_HEADER)
    sheet.append(ICE_ROWS[0])
    sheet.append(["Narnia", "Some SO", "County", "X County", "Task Force", "", "", ""])
    buffer = io.BytesIO()
    book.save(buffer)
    report = _import_bytes(buffer.getvalue(), "ice.xlsx")
    assert [(p.line, p.reason) for p in report.rejected] == [(4, "unknown state 'Narnia'")]
    assert _counts() == (0, 0, 0, 0)


@pytest.mark.parametrize(
    "content",
    [
        b"name,place\nx,y\n",
        b"",
        b"\x00\x01\x02binary",
        b"PK\x03\x04not really a zip",
    ],
)
def test_a_file_that_is_not_a_contract_list_is_refused_as_a_whole(content):
    with pytest.raises(ImportFileError):
        parse_contract_file(content, "upload.xlsx")


def test_a_zip_that_is_not_a_workbook_is_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("hello.txt", "hello")
    with pytest.raises(ImportFileError):
        parse_contract_file(buffer.getvalue(), "contracts.csv")


def test_the_command_imports_and_reports_each_alias(tmp_path, capsys):
    path = tmp_path / "ice.csv"
    path.write_bytes(_ice_csv())
    call_command("import_contracts", str(path))
    out = capsys.readouterr().out
    assert "4 created, 0 updated, 0 unchanged, 0 rejected" in out
    assert "'Custer Countey' read as 'Custer County'" in out


def test_the_command_dry_run_writes_nothing(tmp_path, capsys):
    path = tmp_path / "ice.csv"
    path.write_bytes(_ice_csv())
    call_command("import_contracts", str(path), "--dry-run")
    assert "Dry run: nothing was written." in capsys.readouterr().out
    assert _counts() == (0, 0, 0, 0)


def test_the_command_names_the_rejected_line_and_fails(tmp_path, capsys):
    path = tmp_path / "bad.csv"
    path.write_bytes((HEADER + GOOD_ROW + "TX,X SO,sheriff,,jail,tomorrow,,\n").encode())
    with pytest.raises(CommandError, match="nothing was imported"):
        call_command("import_contracts", str(path))
    assert "line 3: rejected: unreadable date 'tomorrow'" in capsys.readouterr().err
    assert _counts() == (0, 0, 0, 0)
