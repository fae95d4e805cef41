"""Reading contract lists (our CSV format, or ICE's participating-agencies sheet as CSV or XLSX)
and importing them: idempotent, all-or-nothing, with a report of every row."""

import csv
import io
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from django.utils import timezone

from .models import AgencyType, ContractModel, ContractStatus
from .states import STATE_NAMES
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

_STATE_BY_NAME = {fold(name): code for code, name in STATE_NAMES.items()}
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


@dataclass
class RowProblem:
    line: int
    reason: str


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: list[RowProblem] = field(default_factory=list)
    aliases: list[str] = field(default_factory=list)
    campaigns_created: int = 0
    written: bool = False

    @property
    def ok(self) -> bool:
        return not self.rejected

    def summary(self) -> str:
        return (
            f"{self.created} created, {self.updated} updated, {self.unchanged} unchanged, "
            f"{len(self.rejected)} rejected; {self.campaigns_created} campaigns created"
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


def _parse_state(value: str) -> str:
    text = (value or "").strip()
    if text.upper() in STATE_NAMES:
        return text.upper()
    code = _STATE_BY_NAME.get(fold(text))
    if code:
        return code
    raise ValueError(f"unknown state {text[:40]!r}")


def _parse_model(value: str) -> str:
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
    agency_type = (raw.get("agency_type") or "").strip() or agency_type_from_name(agency)
    if agency_type not in AgencyType.values:
        raise ValueError(f"unknown agency type {agency_type[:40]!r}")
    status = (raw.get("status") or "").strip() or None
    if status and status not in ContractStatus.values:
        raise ValueError(f"unknown status {status[:40]!r}")
    return ContractRow(
        line=line,
        state=_parse_state(raw.get("state", "")),
        agency=agency,
        agency_type=agency_type,
        county=_check_text(raw.get("county"), "county", 100, required=False),
        model=_parse_model(raw.get("model", "")),
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


def _records(content: bytes, filename: str) -> tuple[list[str], list[tuple[int, dict]]]:
    """(header, [(line, row dict)]) from CSV or XLSX bytes."""
    if filename.lower().endswith((".xlsx", ".xlsm")) or content[:4] == b"PK\x03\x04":
        from openpyxl import load_workbook

        try:
            book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        except Exception as exc:
            raise ImportFileError(f"not a readable XLSX file ({type(exc).__name__})") from exc
        sheet = book.worksheets[0]
        rows = sheet.iter_rows(values_only=True)
        header, start = [], 0
        # ICE's sheet may have title rows above the header: take the first row naming STATE.
        for values in rows:
            start += 1
            cells = [str(v).strip() if v is not None else "" for v in values]
            if "STATE" in [c.upper() for c in cells]:
                header = cells
                break
        if not header:
            raise ImportFileError("no header row with a STATE column")
        records = []
        for line, values in enumerate(rows, start=start + 1):
            if values is None or all(v in (None, "") for v in values):
                continue
            records.append((line, dict(zip(header, values, strict=False))))
        return header, records
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = content.decode("cp1252", errors="replace")
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = [h.strip() for h in (reader.fieldnames or [])]
    reader.fieldnames = header
    records = []
    for row in reader:
        if not any((v or "").strip() for v in row.values() if isinstance(v, str)):
            continue
        records.append((reader.line_num, row))
    return header, records


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
    return rows, problems


def default_status(row: ContractRow, today: date | None = None) -> str:
    if row.status:
        return row.status
    if row.expires and row.expires < (today or timezone.localdate()):
        return ContractStatus.EXPIRED
    return ContractStatus.ACTIVE
