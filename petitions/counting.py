"""The count a visitor sees: the stored CampaignTally row, refreshed from the signature rows.

No counter is incremented per signature (a hot row took the UK petitions site down in 2019):
after confirmations one task per few seconds aggregates the campaign's confirmed rows through the
(campaign, status, method, county_resident) index and stores the numbers, and the nightly
`recount_signatures` repairs a refresh that was lost. A visitor reads that one row, so the page
costs the same at a thousand signatures as at a million; milestones and delivery, which must be
exact at the moment they act, aggregate the rows themselves (`fresh_tally`).
"""

from dataclasses import dataclass, fields

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from .models import CampaignTally, Signature, SignatureMethod, SignatureStatus, SiteSettings

ONLINE = Q(method=SignatureMethod.ONLINE)
RESIDENT = Q(county_resident=True)


@dataclass(frozen=True)
class RawCounts:
    """Confirmed signatures of one campaign by method and residence, before any rule applies."""

    online: int = 0
    online_residents: int = 0
    paper: int = 0
    in_person: int = 0
    offline_residents: int = 0


@dataclass(frozen=True)
class Tally:
    counted: int
    confirmed: int
    residents: int
    elsewhere: int
    online: int
    paper: int
    in_person: int
    goal: int

    @property
    def offline(self) -> int:
        return self.paper + self.in_person

    @property
    def reached_goal(self) -> bool:
        return self.counted >= self.goal


RAW_FIELDS = tuple(f.name for f in fields(RawCounts))


def stored_fields(raw: RawCounts, tally: Tally) -> dict:
    """The numbers CampaignTally keeps: the raw ones and those the rules gave when it was refreshed."""
    return {
        **{k: getattr(raw, k) for k in RAW_FIELDS},
        **{k: getattr(tally, k) for k in ("counted", "confirmed", "residents")},
    }


def raw_counts(campaign_ids=None) -> dict[int, RawCounts]:
    """One aggregate query: confirmed rows per campaign (all campaigns when no ids are given)."""
    qs = Signature.objects.filter(status=SignatureStatus.CONFIRMED)
    if campaign_ids is not None:
        qs = qs.filter(campaign_id__in=list(campaign_ids))
    rows = (
        qs.values("campaign_id")
        .annotate(
            online=Count("pk", filter=ONLINE),
            online_residents=Count("pk", filter=ONLINE & RESIDENT),
            paper=Count("pk", filter=Q(method=SignatureMethod.PAPER)),
            in_person=Count("pk", filter=Q(method=SignatureMethod.IN_PERSON)),
            offline_residents=Count("pk", filter=~ONLINE & RESIDENT),
        )
        .order_by()
    )
    return {row.pop("campaign_id"): RawCounts(**row) for row in rows}


def apply_rules(raw: RawCounts, *, paper_counts: bool, milestone_counts: str) -> Tally:
    """What counts toward the goal: paper per campaign, residents-only per site settings."""
    online_elsewhere = raw.online - raw.online_residents
    offline = raw.paper + raw.in_person
    residents = raw.online_residents + (raw.offline_residents if paper_counts else 0)
    elsewhere = online_elsewhere + (offline - raw.offline_residents if paper_counts else 0)
    counted = (
        residents
        if milestone_counts == SiteSettings.MilestoneCounts.RESIDENTS
        else residents + elsewhere
    )
    return Tally(
        counted=counted,
        confirmed=raw.online + offline,
        residents=residents,
        elsewhere=elsewhere,
        online=raw.online,
        paper=raw.paper,
        in_person=raw.in_person,
        goal=settings.SIGNATURE_GOAL,
    )


def tally_for(campaign, *, site: SiteSettings | None = None) -> Tally:
    """The count as a visitor sees it: the stored tally (one row, never an aggregate)."""
    row = CampaignTally.objects.filter(campaign_id=campaign.pk).values(*RAW_FIELDS).first()
    return _with_rules(campaign, RawCounts(**row) if row else RawCounts(), site)


def fresh_tally(campaign, *, site: SiteSettings | None = None) -> Tally:
    """The count straight from the rows, for milestones and delivery (never the stored one)."""
    return _with_rules(campaign, raw_counts([campaign.pk]).get(campaign.pk, RawCounts()), site)


def _with_rules(campaign, raw: RawCounts, site: SiteSettings | None) -> Tally:
    site = site or SiteSettings.load()
    return apply_rules(
        raw, paper_counts=campaign.paper_counts, milestone_counts=site.milestone_counts
    )


@dataclass
class Drift:
    campaign_id: int
    campaign: str
    before: dict
    after: dict

    def describe(self) -> str:
        changes = ", ".join(
            f"{k} {self.before.get(k, 0)} → {v}"
            for k, v in self.after.items()
            if self.before.get(k, 0) != v
        )
        return f"{self.campaign}: {changes}"


def refresh_tallies(campaigns, *, dry_run: bool = False) -> list[Drift]:
    """Recompute CampaignTally for these campaigns from their rows; write only what changed.

    Returns the drift found (a stored tally that disagreed with the rows). A campaign without a
    tally row and without confirmed signatures is not drift. The tally rows are locked before the
    rows are counted: of two refreshes at once, the one that counts later writes later, so an
    older count never overwrites a newer one.
    """
    campaigns = sorted(campaigns, key=lambda c: c.pk)
    if not campaigns:
        return []
    site = SiteSettings.load()
    with transaction.atomic():
        if not dry_run:
            CampaignTally.objects.bulk_create(
                [CampaignTally(campaign=c) for c in campaigns], ignore_conflicts=True
            )
        stored = {
            t.campaign_id: t
            for t in CampaignTally.objects.filter(campaign__in=campaigns)
            .order_by("campaign_id")
            .select_for_update(no_key=True)
        }
        raw = raw_counts([c.pk for c in campaigns])
        drift = []
        for campaign in campaigns:
            counts = raw.get(campaign.pk, RawCounts())
            tally = apply_rules(
                counts,
                paper_counts=campaign.paper_counts,
                milestone_counts=site.milestone_counts,
            )
            after = stored_fields(counts, tally)
            row = stored.get(campaign.pk)
            before = {k: getattr(row, k) for k in after} if row else dict.fromkeys(after, 0)
            if before == after:
                continue
            drift.append(Drift(campaign.pk, str(campaign), before, after))
            if not dry_run:
                CampaignTally.objects.filter(pk=row.pk).update(**after, updated_at=timezone.now())
    return drift
