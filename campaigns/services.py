"""Writes that span models: importing contracts, campaigns in step with them, and their leaders."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from config.outbox import enqueue_with_transaction

from . import ice_lists, signals
from .asks import Kind, campaign_kind
from .geography import Placement, county_names, place_agency, resolve_county
from .importing import (
    ContractRow,
    ImportReport,
    RowChange,
    RowProblem,
    default_status,
    row_updates,
)
from .models import (
    HEAD_ROLES,
    Agency,
    AgencyType,
    Campaign,
    CampaignStatus,
    CoLeadershipEnd,
    Contract,
    ContractList,
    County,
    Jurisdiction,
    Leadership,
    LeadershipEnd,
    Target,
    TargetRole,
    TrainingCompletion,
    TrainingStep,
)
from .signals import campaigns_set_up
from .states import state_name
from .tasks import notify_leader_of_reopening, notify_staff_of_claim, remind_leader_of_training


class ImportRejected(Exception):
    """Raised inside the import transaction so that nothing is written when any row is bad."""


class LeaderChangeRefused(Exception):
    """A change of leader that cannot happen; the message is shown to the person who tried."""

    message = _("This change of leader is not possible.")

    def __init__(self, message=None):
        if message is not None:
            self.message = message
        super().__init__(str(self.message))


class CampaignTaken(LeaderChangeRefused):
    message = _("Someone else has just become the leader of this campaign.")


class CampaignNotOpen(LeaderChangeRefused):
    message = _("This campaign is not looking for a leader.")


class LeaderLimitReached(LeaderChangeRefused):
    message = _(
        "You already lead as many campaigns as you may. Staff can allow you to lead more: "
        "write to the organization."
    )


class NotTheLeader(LeaderChangeRefused):
    message = _("This person does not lead this campaign.")


class CampaignChangeRefused(Exception):
    """A staff change to a campaign (outcome, merge) that cannot happen, with the reason."""


def import_contracts(
    rows: list[ContractRow], *, problems: list[RowProblem] | None = None, dry_run: bool = False
) -> ImportReport:
    """Create or update contracts from parsed rows, all or nothing.

    The key of a contract is (state, agency name folded, model), so importing the same file twice
    changes nothing. Any rejected row (from parsing, or an unknown county here) means nothing at all
    is written; the report still says what would have happened to every other row. ICE's list of
    a date after the newest we hold also marks the agreements it no longer names and tells the
    leaders and signers concerned (ice_lists): once, since a second import finds nothing new.
    """
    report = ImportReport(rejected=list(problems or []))
    try:
        with transaction.atomic():
            _import(rows, report, announce=not dry_run)
            if report.rejected or dry_run:
                raise ImportRejected
            report.written = True
    except ImportRejected:
        report.written = False
    report.rejected.sort(key=lambda p: p.line)
    return report


def _import(rows: list[ContractRow], report: ImportReport, *, announce: bool = False) -> None:
    """The import in steps: place every row, then its counties, agencies and contracts; then
    what a newer list no longer names, and the news."""
    placements = _place_rows(rows, report)
    if report.rejected:
        return
    found = ice_lists.diff(rows, only_news=True) if announce else None
    counties = _save_counties(rows, placements)
    accepted = _save_agencies(rows, placements, counties, report)
    if report.rejected:
        return
    created = _save_contracts(accepted, report)
    _record_list(rows)
    report.campaigns_created = ensure_campaigns()
    if found is not None:
        report.unlisted = ice_lists.mark_unlisted(found)
        ice_lists.announce(found, created)


def _place_rows(rows: list[ContractRow], report: ImportReport) -> dict[int, Placement]:
    """Where each row's agency reaches, by line: its county column when it has one (an unknown
    county rejects the row, and so the file), else what the agency's name says (see
    geography.place_agency). A row that cannot be placed is imported and reported, by line."""
    placements: dict[int, Placement] = {}
    by_name: dict[tuple[str, str], Placement] = {}
    for row in rows:
        if row.county:
            fips, alias = resolve_county(row.county, row.state)
            if not fips:
                report.rejected.append(
                    RowProblem(row.line, f"unknown county {row.county!r} in {row.state}")
                )
                continue
            if alias:
                report.aliases.append(f"line {row.line}: {row.county!r} read as {alias!r}")
            placement = Placement(Jurisdiction.COUNTY, fips=fips)
        else:
            key = (row.state, Agency.match_key(row.agency))
            placement = by_name.get(key) or by_name.setdefault(
                key, place_agency(row.agency, row.state)
            )
        placements[row.line] = placement
        report.placed[placement.jurisdiction] = report.placed.get(placement.jurisdiction, 0) + 1
        if not placement.jurisdiction:
            report.unplaced.append(RowProblem(row.line, f"{row.agency}: {placement.reason}"))
    return placements


def _save_counties(rows: list[ContractRow], placements: dict[int, Placement]) -> dict[str, County]:
    """The counties the rows need, the missing ones created in one INSERT."""
    names = county_names()
    state_by_fips = {
        placements[row.line].fips: row.state for row in rows if placements[row.line].fips
    }
    existing = set(County.objects.filter(fips__in=state_by_fips).values_list("fips", flat=True))
    County.objects.bulk_create(
        [
            County(fips=f, name=names.get(f, f), state=state_by_fips[f])
            for f in sorted(state_by_fips.keys() - existing)
        ]
    )
    return County.objects.in_bulk(list(state_by_fips))


def _save_agencies(
    rows: list[ContractRow],
    placements: dict[int, Placement],
    counties: dict[str, County],
    report: ImportReport,
) -> list[tuple[ContractRow, Agency]]:
    """Each row with its agency; new agencies in one INSERT (a query per row made the 1,843-row
    list take seconds). A county column moves a known agency; a place read from the name only
    fills an agency not placed yet, so that a staff correction in the admin stays."""
    agencies = {(a.state, a.match_name): a for a in Agency.objects.all()}
    new_agencies: list[Agency] = []
    seen_keys: set[tuple[str, str, str]] = set()
    accepted: list[tuple[ContractRow, Agency]] = []
    for row in rows:
        key = (row.state, Agency.match_key(row.agency), row.model)
        if key in seen_keys:
            report.rejected.append(
                RowProblem(row.line, "the same agency and model appear twice in this file")
            )
            continue
        seen_keys.add(key)
        placement = placements[row.line]
        agency = agencies.get(key[:2])
        if agency is None:
            agency = Agency(name=row.agency, agency_type=row.agency_type, state=row.state)
            _set_place(agency, placement, counties)
            agencies[key[:2]] = agency
            new_agencies.append(agency)
        elif (
            agency.pk
            and (row.county or not agency.jurisdiction)
            and _set_place(agency, placement, counties)
        ):
            agency.save()
        accepted.append((row, agency))
    if not report.rejected:
        for agency in new_agencies:
            agency.fill_derived()
        Agency.objects.bulk_create(new_agencies)
    return accepted


def _set_place(agency: Agency, placement: Placement, counties: dict[str, County]) -> bool:
    """Give the agency this placement; True when that changed anything."""
    county = counties.get(placement.fips) if placement.fips else None
    place = (placement.jurisdiction, county.pk if county else None, placement.city)
    if not placement.jurisdiction or place == (agency.jurisdiction, agency.county_id, agency.city):
        return False
    agency.jurisdiction, agency.county, agency.city = placement.jurisdiction, county, placement.city
    return True


def _save_contracts(
    accepted: list[tuple[ContractRow, Agency]], report: ImportReport
) -> list[Contract]:
    """New contracts in one INSERT (returned); a known one updated only where the row changes it."""
    contracts = {(c.agency_id, c.model): c for c in Contract.objects.all()}
    new_contracts: list[Contract] = []
    for row, agency in accepted:
        contract = contracts.get((agency.pk, row.model))
        if contract is None:
            new_contracts.append(
                Contract(
                    agency=agency,
                    model=row.model,
                    signed_date=row.signed_date,
                    expires=row.expires,
                    source=row.source,
                    status=default_status(row),
                    first_listed=row.listed_on,
                    last_listed=row.listed_on,
                )
            )
            report.created += 1
            report.changes.append(RowChange(row.line, "created", row.state, row.agency, row.model))
            continue
        updates = row_updates(contract, row)
        if not updates:
            report.unchanged += 1
            continue
        report.changes.append(
            RowChange(
                row.line,
                "updated",
                row.state,
                row.agency,
                row.model,
                [(f, getattr(contract, f), v) for f, v in updates.items()],
            )
        )
        status = updates.pop("status", None)
        for f, v in updates.items():
            setattr(contract, f, v)
        if status is not None and contract.set_status(status):
            updates.update(status=status, status_changed=contract.status_changed)
        contract.save(update_fields=[*updates, "updated_at"])
        report.updated += 1
    return Contract.objects.bulk_create(new_contracts)


def _record_list(rows: list[ContractRow]) -> None:
    """Keep the date of ICE's list and how many agreements it held (again: same numbers)."""
    listed_on = rows[0].listed_on if rows else None
    if listed_on is None or any(row.listed_on != listed_on for row in rows):
        return
    # One statement (INSERT ... ON CONFLICT UPDATE): the import stays a fixed handful of queries.
    ContractList.objects.bulk_create(
        [ContractList(listed_on=listed_on, name=rows[0].list_name[:200], agreements=len(rows))],
        update_conflicts=True,
        unique_fields=["listed_on"],
        update_fields=["name", "agreements"],
    )


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
        # A city's police or a statewide agency has its own campaign: the county's sheriff is
        # not who decides on a city's agreement.
        county_wide = agency.jurisdiction == Jurisdiction.COUNTY
        if county_wide and agency.county_id not in have_county:
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
        elif not county_wide and agency.pk not in have_agency:
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
    existing = defaultdict(list)
    for campaign_id, role, office in Target.objects.values_list("campaign_id", "role", "office"):
        existing[campaign_id].append((role, office))
    targets = []
    for agency in agencies:
        campaign = (
            by_county.get(agency.county_id)
            if agency.jurisdiction == Jurisdiction.COUNTY
            else by_agency.get(agency.pk)
        )
        if campaign is not None:
            targets += _head_targets(campaign, [agency], existing[campaign.pk])
    Target.objects.bulk_create(targets)
    # Petitions gives each new campaign its text, in this transaction (a dry run rolls it back).
    campaigns_set_up.send(sender=Campaign)
    outdated = _outdated_heads().values_list("campaign_id", flat=True)
    if outdated:
        signals.targets_outdated.send(sender=Campaign, campaign_ids=sorted(set(outdated)))
    return len(new)


def _outdated_heads():
    """Generic "head of agency" targets of campaigns against a city's police department, made
    before the agency was placed: campaigns.asks addresses those to the police chief."""
    return Target.objects.filter(
        role=TargetRole.AGENCY_HEAD,
        campaign__county__isnull=True,
        campaign__agency__jurisdiction=Jurisdiction.CITY,
        campaign__agency__agency_type=AgencyType.POLICE,
    )


@transaction.atomic
def retarget_campaigns(campaign_ids) -> list[int]:
    """Address these campaigns' heads as campaigns.asks says (the police chief of a city police
    department); the ids of the campaigns changed. Petitions calls it for unsigned campaigns only."""
    targets = _outdated_heads().filter(campaign_id__in=list(campaign_ids)).select_for_update()
    changed = sorted({t.campaign_id for t in targets})
    targets.update(role=TargetRole.POLICE_CHIEF)
    return changed


def _head_targets(campaign: Campaign, agencies, existing: list[tuple[str, str]]) -> list[Target]:
    """New targets naming the head of each agency the campaign does not address yet, and the
    elected officials who answer for it: a county's commissioners (who fund the jail), a city's
    mayor and council, a state's governor.

    A county has one sheriff and a county-less agency's campaign one head: those are matched on
    their role, so staff may correct the name and office text and a re-import adds nobody. Other
    agencies in a county (a jail, a constable) are told apart by their office text. `existing`
    holds (role, office) pairs and grows with what is returned.
    """
    new = []
    kind = campaign_kind(campaign)
    for agency in agencies:
        if agency.agency_type == AgencyType.SHERIFF:
            role = TargetRole.SHERIFF
        elif kind == Kind.CITY:
            role = TargetRole.POLICE_CHIEF
        else:
            role = TargetRole.AGENCY_HEAD
        if campaign.agency_id:
            addressed = any(r in HEAD_ROLES for r, _office in existing)
        elif role == TargetRole.SHERIFF:
            addressed = any(r == role for r, _office in existing)
        else:
            addressed = (role, agency.name) in existing
        if not addressed:
            new.append(Target(campaign=campaign, role=role, office=agency.name, order=0))
            existing.append((role, agency.name))
    elected = {
        Kind.COUNTY: (TargetRole.COUNTY_COMMISSION, campaign.name),
        Kind.CITY: (TargetRole.MAYOR_COUNCIL, (campaign.agency.city if campaign.agency else "")),
        Kind.STATE: (TargetRole.GOVERNOR, state_name(campaign.state)),
    }.get(kind)
    if elected and not any(r == elected[0] for r, _office in existing):
        new.append(Target(campaign=campaign, role=elected[0], office=elected[1], order=10))
        existing.append(elected)
    return new


def agencies_to_address(campaign: Campaign):
    """The agencies whose head a campaign addresses: its county's, or its own agency."""
    if campaign.county_id:
        return Agency.objects.filter(
            county_id=campaign.county_id, jurisdiction=Jurisdiction.COUNTY
        ).order_by("name")
    return Agency.objects.filter(pk=campaign.agency_id)


@transaction.atomic
def set_up_campaign(campaign: Campaign) -> list[Target]:
    """A campaign staff added by hand: name its sheriff or agency heads, then give it a petition.

    Targets staff entered themselves count; the petition is rendered after commit, once every
    target is saved, so that it names them.
    """
    existing = list(campaign.targets.values_list("role", "office"))
    targets = Target.objects.bulk_create(
        _head_targets(campaign, agencies_to_address(campaign), existing)
    )
    transaction.on_commit(lambda: campaigns_set_up.send(sender=Campaign))
    return targets


# Leaders: claim, training, step down, staff changes. Every change of leader ends one Leadership row
# and perhaps starts another; rows are never deleted, so they are the record of who led, when, and
# who made the change.


def check_leader_limit(user) -> None:
    """LeaderLimitReached when `user` already leads as many campaigns as they may."""
    # Locking the person serializes their own simultaneous claims on different counties.
    locked = get_user_model().objects.select_for_update().get(pk=user.pk)
    leading = Leadership.objects.active().filter(
        user=locked, campaign__status__in=CampaignStatus.LEADING
    )
    if leading.count() >= locked.max_campaigns:
        raise LeaderLimitReached


def end_leadership(leadership: Leadership, *, reason: str, by=None, now=None) -> None:
    """End a lead term (the caller holds the campaign's lock), and its co-leaders with it."""
    leadership.ended_at = now or timezone.now()
    leadership.ended_by = by
    leadership.end_reason = reason
    leadership.save(update_fields=["ended_at", "ended_by", "end_reason"])
    # The co-leaders were the leader's team: they leave with the term, invitations die with it.
    leadership.co_leaderships.active().update(
        ended_at=leadership.ended_at, ended_by=by, end_reason=CoLeadershipEnd.LEAD_ENDED
    )
    leadership.co_leader_invitations.pending().update(cancelled_at=leadership.ended_at)


def _reopen_if_led(campaign: Campaign) -> None:
    if campaign.status == CampaignStatus.LED:
        campaign.status = CampaignStatus.OPEN
        campaign.save(update_fields=["status"])


def claim_refusal(campaign: Campaign) -> LeaderChangeRefused | None:
    """Why nobody may claim this campaign now (taken, or not open), or None when it is open.

    claim_campaign raises it under the lock; the claim page reads it to show the refusal first.
    """
    if campaign.accepts_leader():
        return None
    return CampaignTaken() if campaign.status == CampaignStatus.LED else CampaignNotOpen()


def claim_campaign(
    user, campaign: Campaign, *, public_name: str, assigned_by=None, language: str | None = None
) -> Leadership:
    """Make `user` the leader of an open campaign: exactly one wins when several claim at once.

    The campaign row is locked so claims queue up and each sees the last one's result; the partial
    unique index `one_active_leader_per_campaign` is the final guard should anything slip past.
    """
    try:
        with transaction.atomic():
            locked = Campaign.objects.select_for_update().get(pk=campaign.pk)
            refusal = claim_refusal(locked)
            if refusal is not None:
                raise refusal
            check_leader_limit(user)
            leadership = Leadership.objects.create(
                campaign=locked,
                user=user,
                public_name=public_name.strip(),
                assigned_by=assigned_by,
            )
            locked.status = CampaignStatus.LED
            locked.save(update_fields=["status"])
            enqueue_with_transaction(notify_staff_of_claim, leadership_id=leadership.pk)
            if language and language != user.language:
                # Their campaign's emails come in the language they took it on in.
                user.language = language
                user.save(update_fields=["language"])
    except IntegrityError as exc:
        raise CampaignTaken from exc
    campaign.status = locked.status
    return leadership


@transaction.atomic
def step_down(user, campaign: Campaign) -> Leadership:
    """The leader leaves; the campaign needs a leader again."""
    locked = Campaign.objects.select_for_update().get(pk=campaign.pk)
    leadership = locked.leaderships.active().filter(user=user).first()
    if leadership is None:
        raise NotTheLeader
    end_leadership(leadership, reason=LeadershipEnd.STEPPED_DOWN, by=user)
    _reopen_if_led(locked)
    campaign.status = locked.status
    return leadership


@transaction.atomic
def release_leader(campaign: Campaign, *, by, leader=None) -> Leadership:
    """Staff end the current leadership (a claim that went nowhere, abuse); the campaign reopens.

    With `leader`, only that person's leadership: releasing a squatter's claims must not end the
    term of whoever took one of those campaigns over in the meantime.
    """
    locked = Campaign.objects.select_for_update().get(pk=campaign.pk)
    leadership = locked.leaderships.active().first()
    if leadership is None:
        raise NotTheLeader(_("This campaign has no leader to release."))
    if leader is not None and leadership.user_id != leader.pk:
        raise NotTheLeader
    end_leadership(leadership, reason=LeadershipEnd.RELEASED, by=by)
    _reopen_if_led(locked)
    campaign.status = locked.status
    return leadership


def reassign_leader(campaign: Campaign, *, to_user, public_name: str, by) -> Leadership:
    """Staff hand the campaign to another person; the old leadership ends as reassigned."""
    try:
        with transaction.atomic():
            locked = Campaign.objects.select_for_update().get(pk=campaign.pk)
            if locked.merged_into_id or locked.status == CampaignStatus.CLOSED:
                raise CampaignNotOpen
            current = locked.leaderships.active().first()
            if current is not None and current.user_id == to_user.pk:
                raise LeaderChangeRefused(_("This person already leads this campaign."))
            if current is not None:
                end_leadership(current, reason=LeadershipEnd.REASSIGNED, by=by)
            check_leader_limit(to_user)
            leadership = Leadership.objects.create(
                campaign=locked, user=to_user, public_name=public_name.strip(), assigned_by=by
            )
            if locked.status == CampaignStatus.OPEN:
                locked.status = CampaignStatus.LED
                locked.save(update_fields=["status"])
            enqueue_with_transaction(notify_staff_of_claim, leadership_id=leadership.pk)
    except IntegrityError as exc:
        raise CampaignTaken from exc
    campaign.status = locked.status
    return leadership


@transaction.atomic
def complete_training_step(leadership: Leadership, step: TrainingStep) -> bool:
    """Record one training step as done (again is harmless); True once every step is done."""
    locked = Leadership.objects.select_for_update().get(pk=leadership.pk)
    if not locked.is_active:
        raise NotTheLeader
    TrainingCompletion.objects.get_or_create(leadership=locked, step=step)
    done = TrainingCompletion.objects.filter(leadership=locked).count()
    finished = done >= TrainingStep.objects.count()
    if finished and locked.training_completed_at is None:
        locked.training_completed_at = timezone.now()
        locked.save(update_fields=["training_completed_at"])
    leadership.training_completed_at = locked.training_completed_at
    return finished


@transaction.atomic
def mark_shared(leadership: Leadership) -> None:
    """The leader says they have shared the petition (the checklist's 'petition shared')."""
    updated = Leadership.objects.filter(pk=leadership.pk, shared_at__isnull=True).update(
        shared_at=timezone.now()
    )
    if updated:
        leadership.refresh_from_db(fields=["shared_at"])


@transaction.atomic
def plan_delivery(leadership: Leadership, *, on: date | None) -> None:
    Leadership.objects.filter(pk=leadership.pk).update(delivery_planned_on=on)
    leadership.delivery_planned_on = on
    if on is not None:
        signals.delivery_planned.send(Campaign, campaign=leadership.campaign, planned_on=on)


@dataclass
class StaleClaimsReport:
    reminded: list[int] = field(default_factory=list)
    reopened: list[int] = field(default_factory=list)


def reopen_stale_claims(*, now: datetime | None = None, dry_run: bool = False) -> StaleClaimsReport:
    """Remind leaders who have not finished the training, then reopen their campaigns.

    A leader is reminded once, after half of CLAIM_TRAINING_DEADLINE. The campaign reopens after the
    full deadline, and never sooner than half the deadline after the reminder, so nobody loses a
    county without warning even if this job did not run for a while. Safe to run any number of times.
    """
    now = now or timezone.now()
    deadline = settings.CLAIM_TRAINING_DEADLINE
    half = deadline / 2
    report = StaleClaimsReport()
    untrained = Leadership.objects.active().filter(training_completed_at__isnull=True)

    expired = untrained.filter(
        claimed_at__lte=now - deadline, reminded_at__isnull=False, reminded_at__lte=now - half
    )
    for leadership_id, campaign_id in expired.values_list("pk", "campaign_id"):
        if dry_run:
            report.reopened.append(leadership_id)
            continue
        with transaction.atomic():
            campaign = Campaign.objects.select_for_update().get(pk=campaign_id)
            leadership = expired.filter(pk=leadership_id).first()
            if leadership is None:
                continue
            end_leadership(leadership, reason=LeadershipEnd.TRAINING_EXPIRED, now=now)
            _reopen_if_led(campaign)
            enqueue_with_transaction(notify_leader_of_reopening, leadership_id=leadership_id)
        report.reopened.append(leadership_id)

    due = untrained.filter(claimed_at__lte=now - half, reminded_at__isnull=True)
    for leadership_id in due.values_list("pk", flat=True):
        if dry_run:
            report.reminded.append(leadership_id)
            continue
        with transaction.atomic():
            if not due.filter(pk=leadership_id).update(reminded_at=now):
                continue
            enqueue_with_transaction(remind_leader_of_training, leadership_id=leadership_id)
        report.reminded.append(leadership_id)
    return report


@transaction.atomic
def record_outcome(
    campaign: Campaign, *, status: str, outcome_date: date | None, note: str, by
) -> Campaign:
    """Staff say what happened (delivered, contract ended, renewed, closed); the page shows it.

    A closed or merged campaign has no outcome left to record, and a decided one (won, lost) is
    not delivered again. Closing ends the leadership, as retiring does.
    """
    if status not in CampaignStatus.OUTCOMES:
        raise CampaignChangeRefused(_("Choose delivered, won, lost or closed."))
    locked = Campaign.objects.select_for_update().get(pk=campaign.pk)
    if locked.merged_into_id or locked.status == CampaignStatus.CLOSED:
        raise CampaignChangeRefused(_("This campaign is closed."))
    if status == CampaignStatus.DELIVERED and locked.status in CampaignStatus.ENDED:
        raise CampaignChangeRefused(_("This campaign's outcome is already decided."))
    if status == CampaignStatus.CLOSED:
        _release_active_leader(locked, by=by)
    locked.status = status
    # The date also starts the clock for purging signers' details: never leave it empty.
    locked.outcome_date = outcome_date or timezone.localdate()
    locked.outcome_note = note
    locked.save(update_fields=["status", "outcome_date", "outcome_note"])
    signals.outcome_recorded.send(Campaign, campaign=locked, status=status, note=note)
    return locked


def mark_delivered(campaign: Campaign) -> bool:
    """The petition was handed over: a campaign before delivery becomes delivered (True).

    Called by petitions' record_delivery inside its transaction, with the campaign row locked.
    """
    locked = Campaign.objects.select_for_update().get(pk=campaign.pk)
    if locked.status not in CampaignStatus.BEFORE_DELIVERY:
        return False
    locked.status = CampaignStatus.DELIVERED
    locked.save(update_fields=["status"])
    campaign.status = locked.status
    return True


def _release_active_leader(locked: Campaign, *, by) -> None:
    leadership = locked.leaderships.active().first()
    if leadership is not None:
        end_leadership(leadership, reason=LeadershipEnd.RELEASED, by=by)


@transaction.atomic
def retire_campaign(campaign: Campaign, *, by, note: str = "") -> Campaign:
    """Close a campaign for good (a contract that never applied, a duplicate); its leader is freed."""
    locked = Campaign.objects.select_for_update().get(pk=campaign.pk)
    _release_active_leader(locked, by=by)
    locked.status = CampaignStatus.CLOSED
    if note:
        locked.outcome_note = note
    locked.outcome_date = locked.outcome_date or timezone.localdate()
    locked.save(update_fields=["status", "outcome_note", "outcome_date"])
    return locked


@transaction.atomic
def merge_campaigns(campaign: Campaign, *, into: Campaign, by) -> Campaign:
    """Fold one campaign into another: its page redirects there and its leader's term ends.

    Signatures stay where they were signed: people signed that campaign's text.
    """
    if campaign.pk == into.pk:
        raise CampaignChangeRefused(_("A campaign cannot be merged into itself."))
    # Lock both rows in a fixed order so two opposite merges cannot deadlock.
    locked = {
        c.pk: c
        for c in Campaign.objects.select_for_update()
        .filter(pk__in=[campaign.pk, into.pk])
        .order_by("pk")
    }
    source, target = locked[campaign.pk], locked[into.pk]
    if target.merged_into_id:
        raise CampaignChangeRefused(
            _("That campaign was itself merged; choose the one it went to.")
        )
    if source.merged_into_id:
        raise CampaignChangeRefused(_("This campaign is already merged."))
    leadership = source.leaderships.active().first()
    if leadership is not None:
        end_leadership(leadership, reason=LeadershipEnd.MERGED, by=by)
    source.merged_into = target
    source.status = CampaignStatus.CLOSED
    # The purge of signers' details counts from this date: a merged campaign is closed today.
    source.outcome_date = source.outcome_date or timezone.localdate()
    source.save(update_fields=["merged_into", "status", "outcome_date"])
    # Anything merged into this one now points straight at the survivor.
    Campaign.objects.filter(merged_into=source).update(merged_into=target)
    return source
