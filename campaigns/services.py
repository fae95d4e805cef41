"""Writes that span models: importing contracts and keeping one campaign per county in step."""

from collections import defaultdict

from django.db import transaction
from django.utils.text import slugify

from .geography import county_names, resolve_county
from .importing import ContractRow, ImportReport, RowProblem, default_status
from .models import Agency, AgencyType, Campaign, Contract, County, Target, TargetRole


class ImportRejected(Exception):
    """Raised inside the import transaction so that nothing is written when any row is bad."""


def import_contracts(
    rows: list[ContractRow], *, problems: list[RowProblem] | None = None, dry_run: bool = False
) -> ImportReport:
    """Create or update contracts from parsed rows, all or nothing.

    The key of a contract is (state, agency name folded, model), so importing the same file twice
    changes nothing. Any rejected row (from parsing, or an unknown county here) means nothing at all
    is written; the report still says what would have happened to every other row.
    """
    report = ImportReport(rejected=list(problems or []))
    try:
        with transaction.atomic():
            _import(rows, report)
            if report.rejected or dry_run:
                raise ImportRejected
            report.written = True
    except ImportRejected:
        report.written = False
    report.rejected.sort(key=lambda p: p.line)
    return report


def _import(rows: list[ContractRow], report: ImportReport) -> None:
    names = county_names()
    # Resolve every county first: one unknown county rejects its row (and so the file).
    fips_by_row: dict[int, str | None] = {}
    for row in rows:
        if not row.county:
            fips_by_row[row.line] = None
            continue
        fips, alias = resolve_county(row.county, row.state)
        if not fips:
            report.rejected.append(
                RowProblem(row.line, f"unknown county {row.county!r} in {row.state}")
            )
            continue
        if alias:
            report.aliases.append(f"line {row.line}: {row.county!r} read as {alias!r}")
        fips_by_row[row.line] = fips
    if report.rejected:
        return

    wanted_fips = {f for f in fips_by_row.values() if f}
    existing_counties = set(
        County.objects.filter(fips__in=wanted_fips).values_list("fips", flat=True)
    )
    County.objects.bulk_create(
        [
            County(fips=f, name=names.get(f, f), state=_state_of(f, rows, fips_by_row))
            for f in sorted(wanted_fips - existing_counties)
        ]
    )
    counties = County.objects.in_bulk(wanted_fips)

    agencies = {(a.state, a.match_name): a for a in Agency.objects.select_related("county")}
    contracts = {(c.agency_id, c.model): c for c in Contract.objects.all()}
    seen_keys: set[tuple[str, str, str]] = set()

    for row in rows:
        key = (row.state, Agency.match_key(row.agency), row.model)
        if key in seen_keys:
            report.rejected.append(
                RowProblem(row.line, "the same agency and model appear twice in this file")
            )
            continue
        seen_keys.add(key)
        county = counties.get(fips_by_row[row.line]) if fips_by_row[row.line] else None
        agency = agencies.get(key[:2])
        if agency is None:
            agency = Agency(
                name=row.agency, agency_type=row.agency_type, state=row.state, county=county
            )
            agency.save()
            agencies[key[:2]] = agency
        elif county is not None and agency.county_id != county.fips:
            agency.county = county
            agency.save()

        contract = contracts.get((agency.pk, row.model))
        if contract is None:
            contract = Contract.objects.create(
                agency=agency,
                model=row.model,
                signed_date=row.signed_date,
                expires=row.expires,
                source=row.source,
                status=default_status(row),
            )
            contracts[(agency.pk, row.model)] = contract
            report.created += 1
            continue
        changes = {
            "signed_date": row.signed_date,
            "expires": row.expires,
            "source": row.source,
        }
        if row.status:
            changes["status"] = row.status
        changed = [f for f, v in changes.items() if getattr(contract, f) != v]
        if changed:
            for f in changed:
                setattr(contract, f, changes[f])
            contract.save(update_fields=[*changed, "updated_at"])
            report.updated += 1
        else:
            report.unchanged += 1

    if not report.rejected:
        report.campaigns_created = ensure_campaigns()


def _state_of(fips: str, rows, fips_by_row) -> str:
    for row in rows:
        if fips_by_row.get(row.line) == fips:
            return row.state
    return ""


def _unique_slug(state: str, name: str, taken: set[tuple[str, str]]) -> str:
    base = slugify(name)[:110] or "campaign"
    slug, n = base, 2
    while (state, slug) in taken:
        slug, n = f"{base}-{n}", n + 1
    taken.add((state, slug))
    return slug


@transaction.atomic
def ensure_campaigns() -> int:
    """One campaign per county with a contract, one per county-less agency; targets for each agency.

    Safe to run again: it only adds what is missing. Returns how many campaigns it created.
    """
    from petitions.services import ensure_petition_texts

    taken = set(Campaign.objects.values_list("state", "slug"))
    have_county = set(
        Campaign.objects.filter(county__isnull=False).values_list("county_id", flat=True)
    )
    have_agency = set(
        Campaign.objects.filter(agency__isnull=False).values_list("agency_id", flat=True)
    )
    agencies = Agency.objects.filter(contracts__isnull=False).distinct().select_related("county")

    new = []
    for agency in agencies:
        if agency.county_id and agency.county_id not in have_county:
            county = agency.county
            new.append(
                Campaign(
                    state=county.state,
                    county=county,
                    name=county.name,
                    slug=_unique_slug(county.state, county.name, taken),
                )
            )
            have_county.add(agency.county_id)
        elif not agency.county_id and agency.pk not in have_agency:
            new.append(
                Campaign(
                    state=agency.state,
                    agency=agency,
                    name=agency.name,
                    slug=_unique_slug(agency.state, agency.name, taken),
                )
            )
            have_agency.add(agency.pk)
    Campaign.objects.bulk_create(new)

    # Every agency of a campaign is addressed: its sheriff, or the head of the agency.
    campaigns = Campaign.objects.filter(merged_into__isnull=True).select_related("county", "agency")
    by_county = {c.county_id: c for c in campaigns if c.county_id}
    by_agency = {c.agency_id: c for c in campaigns if c.agency_id}
    existing = defaultdict(set)
    for campaign_id, office in Target.objects.values_list("campaign_id", "office"):
        existing[campaign_id].add(office)
    targets = []
    for agency in agencies:
        campaign = by_county.get(agency.county_id) if agency.county_id else by_agency.get(agency.pk)
        if campaign is None or agency.name in existing[campaign.pk]:
            continue
        role = (
            TargetRole.SHERIFF
            if agency.agency_type == AgencyType.SHERIFF
            else TargetRole.AGENCY_HEAD
        )
        targets.append(Target(campaign=campaign, role=role, office=agency.name))
        existing[campaign.pk].add(agency.name)
    Target.objects.bulk_create(targets)
    ensure_petition_texts()
    return len(new)
