"""Reading contract lists (our CSV format, or ICE's participating-agencies sheet as CSV or XLSX)
and importing them: idempotent, all-or-nothing, with a report of every row."""

import csv
import io
import re
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from django.utils import timezone

from .models import AgencyType, Contract, ContractModel, ContractStatus
from .states import STATE_CODES_BY_NAME, STATE_NAMES
from .text import fold

OUR_COLUMNS = [
    "state",
    "agency",
    "agency_type",
    "county",
    "model",
    "signed_date",
    "expires",
    "source",
]
ICE_COLUMNS = ["STATE", "LAW ENFORCEMENT AGENCY", "TYPE", "COUNTY", "SUPPORT TYPE", "SIGNED", "MOA"]

_STATE_BY_NAME = STATE_CODES_BY_NAME
_MODEL_WORDS = [
    ("task force", ContractModel.TASK_FORCE),
    ("warrant service", ContractModel.WARRANT_SERVICE_OFFICER),
    ("wso", ContractModel.WARRANT_SERVICE_OFFICER),
    ("jail", ContractModel.JAIL_ENFORCEMENT),
    ("jem", ContractModel.JAIL_ENFORCEMENT),
]


class ImportFileError(ValueError):
    """The file as a whole cannot be read (wrong format, unknown columns)."""


@dataclass
class ContractRow:
    """One row, parsed and checked; `line` is the 1-based line in the file (header is line 1)."""

    line: int
    state: str
    agency: str
    agency_type: str
    county: str
    model: str
    signed_date: date | None
    expires: date | None
    source: str
    status: str | None = None
    # The date of ICE's list this row comes from, when the file is one of ICE's dated lists.
    listed_on: date | None = None
    list_name: str = ""


@dataclass
class RowProblem:
    line: int
    reason: str


@dataclass
class RowChange:
    """A row that creates or updates a contract, for the preview: what, and which fields change."""

    line: int
    action: str  # "created" or "updated"
    state: str
    agency: str
    model: str
    fields: list[tuple[str, object, object]] = field(default_factory=list)  # (name, old, new)


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: list[RowProblem] = field(default_factory=list)
    aliases: list[str] = field(default_factory=list)
    # Rows whose agency could not be placed (imported all the same: staff place it in the admin).
    unplaced: list[RowProblem] = field(default_factory=list)
    # Rows by where their agency reaches: {"county": n, "city": n, "state": n, "": n}.
    placed: dict[str, int] = field(default_factory=dict)
    changes: list[RowChange] = field(default_factory=list)
    campaigns_created: int = 0
    # Agreements a newer ICE list no longer names, marked "not on ICE's list since" its date.
    unlisted: int = 0
    written: bool = False

    @property
    def ok(self) -> bool:
        return not self.rejected

    def summary(self) -> str:
        return (
            f"{self.created} created, {self.updated} updated, {self.unchanged} unchanged, "
            f"{len(self.rejected)} rejected; {self.campaigns_created} campaigns created; "
            f"agreements placed: {self.placed.get('county', 0)} county, "
            f"{self.placed.get('city', 0)} city, {self.placed.get('state', 0)} state, "
            f"{len(self.unplaced)} not placed; {self.unlisted} no longer on ICE's list"
        )


def agency_type_from_name(name: str) -> str:
    """The rule SOURCES.md states: sheriff, corrections (correction/detention/jail/authority), police."""
    folded = fold(name)
    if "sheriff" in folded:
        return AgencyType.SHERIFF
    if any(w in folded for w in ("correction", "detention", "jail", "criminal justice authority")):
        return AgencyType.CORRECTIONS
    if "police" in folded:
        return AgencyType.POLICE
    return AgencyType.OTHER


def _parse_date(value) -> date | None:
    if value in (None, ""):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value).strip()
    for fmt in ("%Y-%m-%d", "%m/%d/%Y", "%m/%d/%y", "%Y-%m-%d %H:%M:%S"):
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError(f"unreadable date {text[:40]!r}")


def _parse_state(value) -> str:
    text = ("" if value is None else str(value)).strip()
    if text.upper() in STATE_NAMES:
        return text.upper()
    code = _STATE_BY_NAME.get(fold(text))
    if code:
        return code
    raise ValueError(f"unknown state {text[:40]!r}")


def _parse_model(value) -> str:
    value = "" if value is None else str(value)
    text = fold(value)
    if text in ContractModel.values:
        return text
    for word, model in _MODEL_WORDS:
        if word in text:
            return model
    raise ValueError(f"unknown 287(g) model {value[:40]!r}")


def _check_text(value, name: str, max_length: int, required: bool = True) -> str:
    text = ("" if value is None else str(value)).strip()
    if "\x00" in text:
        raise ValueError(f"{name} contains a NUL byte")
    if required and not text:
        raise ValueError(f"{name} is empty")
    if len(text) > max_length:
        raise ValueError(f"{name} is longer than {max_length} characters")
    return text


def _row_from_ours(line: int, raw: dict) -> ContractRow:
    agency = _check_text(raw.get("agency"), "agency", 200)
    agency_type = str(raw.get("agency_type") or "").strip() or agency_type_from_name(agency)
    if agency_type not in AgencyType.values:
        raise ValueError(f"unknown agency type {agency_type[:40]!r}")
    status = str(raw.get("status") or "").strip() or None
    if status and status not in ContractStatus.values:
        raise ValueError(f"unknown status {status[:40]!r}")
    return ContractRow(
        line=line,
        state=_parse_state(raw.get("state")),
        agency=agency,
        agency_type=agency_type,
        county=_check_text(raw.get("county"), "county", 100, required=False),
        model=_parse_model(raw.get("model")),
        signed_date=_parse_date(raw.get("signed_date")),
        expires=_parse_date(raw.get("expires")),
        source=_check_text(raw.get("source"), "source", 2000, required=False),
        status=status,
    )


def _row_from_ice(line: int, raw: dict, source_name: str) -> ContractRow:
    agency = _check_text(raw.get("LAW ENFORCEMENT AGENCY"), "LAW ENFORCEMENT AGENCY", 200)
    is_county = fold(str(raw.get("TYPE") or "")) == "county"
    moa = _check_text(raw.get("MOA"), "MOA", 500, required=False)
    source = f"ICE 287(g) participating agencies ({source_name})" + (f"; MOA {moa}" if moa else "")
    return ContractRow(
        line=line,
        state=_parse_state(str(raw.get("STATE") or "")),
        agency=agency,
        agency_type=agency_type_from_name(agency),
        county=_check_text(raw.get("COUNTY"), "COUNTY", 100, required=False) if is_county else "",
        model=_parse_model(str(raw.get("SUPPORT TYPE") or "")),
        signed_date=_parse_date(raw.get("SIGNED")),
        expires=None,
        source=source,
    )


# An XLSX is a zip: refuse one that would unpack to far more than any contract list (a zip bomb).
MAX_XLSX_UNPACKED = 50 * 1024 * 1024
HEADER_SEARCH_ROWS = 10


def is_xlsx(content: bytes) -> bool:
    """True when the bytes are a zip holding a workbook, whatever the file is called."""
    if content[:4] != b"PK\x03\x04":
        return False
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            return "xl/workbook.xml" in archive.namelist()
    except zipfile.BadZipFile:
        return False


def _is_header(cells: list[str]) -> bool:
    return "STATE" in [c.strip().upper() for c in cells]


def _xlsx_records(content: bytes) -> tuple[list[str], list[tuple[int, dict]]]:
    from openpyxl import load_workbook

    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
        if unpacked > MAX_XLSX_UNPACKED:
            raise ImportFileError("the XLSX file unpacks to more than 50 MB")
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        sheet = book.worksheets[0]
    except ImportFileError:
        raise
    except Exception as exc:
        raise ImportFileError(f"not a readable XLSX file ({type(exc).__name__})") from exc
    rows = sheet.iter_rows(values_only=True)
    header, start = [], 0
    # ICE's sheet has a title row above the header: take the first row naming STATE.
    for values in rows:
        start += 1
        cells = [str(v).strip() if v is not None else "" for v in values]
        if _is_header(cells):
            header = cells
            break
        if start >= HEADER_SEARCH_ROWS:
            break
    if not header:
        raise ImportFileError("no header row with a STATE column")
    records = []
    for line, values in enumerate(rows, start=start + 1):
        if values is None or all(v in (None, "") for v in values):
            continue
        records.append((line, dict(zip(header, values, strict=False))))
    return header, records


def _csv_records(content: bytes) -> tuple[list[str], list[tuple[int, dict]]]:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = content.decode("cp1252", errors="replace")
    reader = csv.reader(io.StringIO(text, newline=""))
    header: list[str] = []
    records = []
    try:
        for values in reader:
            if not header:
                # A title row may sit above the header, as on ICE's sheet.
                if _is_header(values):
                    header = [v.strip() for v in values]
                elif reader.line_num >= HEADER_SEARCH_ROWS:
                    break
                continue
            if not any(v.strip() for v in values):
                continue
            records.append((reader.line_num, dict(zip(header, values, strict=False))))
    except csv.Error as exc:
        raise ImportFileError(f"line {reader.line_num}: not readable as CSV ({exc})") from exc
    if not header:
        raise ImportFileError("no header row with a state or STATE column")
    return header, records


def _records(content: bytes, filename: str) -> tuple[list[str], list[tuple[int, dict]]]:
    """(header, [(line, row dict)]) from CSV or XLSX bytes; the content decides, not the name."""
    if is_xlsx(content):
        return _xlsx_records(content)
    if content[:4] == b"PK\x03\x04" or filename.lower().endswith((".xlsx", ".xlsm")):
        raise ImportFileError("not a readable XLSX file")
    return _csv_records(content)


# How a source names the date of ICE's list: "as of 2025-01-04", ICE's file names
# participatingAgencies05182026am.xlsx and ParticipatingEntities-20250104041613.xlsx.
_LIST_DATES = [
    (re.compile(r"as of (\d{4})-(\d{2})-(\d{2})"), (1, 2, 3)),
    (re.compile(r"participatingagencies(\d{2})(\d{2})(\d{4})", re.IGNORECASE), (3, 1, 2)),
    (re.compile(r"participatingentities-(\d{4})(\d{2})(\d{2})", re.IGNORECASE), (1, 2, 3)),
]


def list_date_in(text: str) -> date | None:
    for pattern, (y, m, d) in _LIST_DATES:
        if found := pattern.search(text):
            try:
                return date(int(found[y]), int(found[m]), int(found[d]))
            except ValueError:
                return None
    return None


def list_date_of(rows: list[ContractRow]) -> date | None:
    """The date of ICE's list when every row cites the same dated list; None for a file put
    together from several sources (the 2019 cohort), which is no one list of ICE's."""
    dates = {list_date_in(row.source) for row in rows}
    return dates.pop() if len(dates) == 1 and None not in dates else None


def mark_listed(rows: list[ContractRow], listed_on: date | None, list_name: str) -> None:
    for row in rows:
        row.listed_on, row.list_name = listed_on, list_name


def parse_contract_file(
    content: bytes, filename: str
) -> tuple[list[ContractRow], list[RowProblem]]:
    """Every row of the file parsed, or the reason it was rejected (with its line number)."""
    header, records = _records(content, filename)
    upper = [h.upper() for h in header]
    if all(c in header for c in ("state", "agency", "model")):
        kind = "ours"
    elif all(c in upper for c in ("STATE", "LAW ENFORCEMENT AGENCY", "SUPPORT TYPE")):
        kind = "ice"
    else:
        raise ImportFileError(
            "unknown columns: expected "
            + ",".join(OUR_COLUMNS)
            + " or ICE's "
            + ", ".join(ICE_COLUMNS)
        )
    rows, problems = [], []
    source_name = Path(filename).name
    for line, raw in records:
        if kind == "ice":
            raw = {str(k).strip().upper(): v for k, v in raw.items() if k is not None}
        if any("\x00" in str(v) for v in raw.values() if v is not None):
            problems.append(RowProblem(line, "the row contains a NUL byte"))
            continue
        try:
            row = (
                _row_from_ours(line, raw)
                if kind == "ours"
                else _row_from_ice(line, raw, source_name)
            )
        except ValueError as exc:
            problems.append(RowProblem(line, str(exc)))
            continue
        rows.append(row)
    mark_listed(rows, list_date_of(rows), source_name)
    return rows, problems


def default_status(row: ContractRow, today: date | None = None) -> str:
    if row.status:
        return row.status
    if row.expires and row.expires < (today or timezone.localdate()):
        return ContractStatus.EXPIRED
    return ContractStatus.ACTIVE


def row_updates(contract: Contract, row: ContractRow, today: date | None = None) -> dict:
    """What a row of a later (or the same) list changes on a contract we already hold.

    ICE's sheets carry no expiry, and every file cites itself: so a blank never erases a known
    date, dates only move forward (an older list imported again cannot roll back a renewal's
    signing date), and sources add up instead of replacing each other. A contract no longer in
    force that appears on a list it was not on before, with no end date or one still ahead, was
    renewed. An explicit status column always wins.
    """
    today = today or timezone.localdate()
    updates: dict = {}
    for name in ("signed_date", "expires"):
        known, given = getattr(contract, name), getattr(row, name)
        if given and (known is None or given > known):
            updates[name] = given
    known_sources = contract.source.splitlines()
    new_sources = [s for s in row.source.splitlines() if s.strip() and s not in known_sources]
    if new_sources:
        updates["source"] = "\n".join([*known_sources, *new_sources])
    # Which lists it was on: the latest only moves forward, the first only back (an older list
    # imported late); an agreement first known from an undated source keeps no first list.
    if row.listed_on:
        if contract.last_listed is None or row.listed_on > contract.last_listed:
            updates["last_listed"] = row.listed_on
        if contract.first_listed and row.listed_on < contract.first_listed:
            updates["first_listed"] = row.listed_on
        # Back on a list as new as the one it was missing from: it is listed again.
        if contract.unlisted_since and row.listed_on >= contract.unlisted_since:
            updates["unlisted_since"] = None
    if row.status:
        if row.status != contract.status:
            updates["status"] = row.status
    elif new_sources and not contract.is_in_force and (row.expires is None or row.expires >= today):
        updates["status"] = ContractStatus.RENEWED
    return updates
