"""The count a visitor sees: one aggregate over confirmed signature rows, cached for a few seconds.

No counter is incremented per signature (a hot row took the UK petitions site down in 2019): the
numbers come from the rows through the (campaign, status, method, county_resident) index, a
short cache absorbs readers refreshing at a surge, and CampaignTally keeps the last numbers for
lists and the map, refreshed after confirmations and repaired by `recount_signatures`.
"""

from dataclasses import asdict, dataclass

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, Q

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

    def stored_fields(self) -> dict:
        """The numbers CampaignTally keeps."""
        return {
            k: getattr(self, k)
            for k in ("counted", "confirmed", "residents", "online", "paper", "in_person")
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


def _cache_key(campaign_id: int) -> str:
    return f"petitions:tally:{campaign_id}"


def tally_for(campaign, *, site: SiteSettings | None = None) -> Tally:
    """The count as a visitor sees it: at most COUNT_CACHE_SECONDS old."""
    key = _cache_key(campaign.pk)
    cached = cache.get(key)
    if cached is None:
        raw = raw_counts([campaign.pk]).get(campaign.pk, RawCounts())
        cache.set(key, asdict(raw), settings.COUNT_CACHE_SECONDS)
    else:
        raw = RawCounts(**cached)
    site = site or SiteSettings.load()
    return apply_rules(
        raw, paper_counts=campaign.paper_counts, milestone_counts=site.milestone_counts
    )


def fresh_tally(campaign, *, site: SiteSettings | None = None) -> Tally:
    """The count straight from the rows, for milestones and delivery (never from the cache)."""
    forget_tally(campaign.pk)
    return tally_for(campaign, site=site)


def forget_tally(*campaign_ids: int) -> None:
    cache.delete_many([_cache_key(pk) for pk in campaign_ids])


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
    tally row and without confirmed signatures is not drift.
    """
    campaigns = list(campaigns)
    site = SiteSettings.load()
    raw = raw_counts([c.pk for c in campaigns])
    stored = {t.campaign_id: t for t in CampaignTally.objects.filter(campaign__in=campaigns)}
    drift = []
    for campaign in campaigns:
        tally = apply_rules(
            raw.get(campaign.pk, RawCounts()),
            paper_counts=campaign.paper_counts,
            milestone_counts=site.milestone_counts,
        )
        after = tally.stored_fields()
        row = stored.get(campaign.pk)
        before = {k: getattr(row, k) for k in after} if row else dict.fromkeys(after, 0)
        if before == after:
            continue
        drift.append(Drift(campaign.pk, str(campaign), before, after))
        if not dry_run:
            CampaignTally.objects.update_or_create(campaign=campaign, defaults=after)
    if not dry_run:
        forget_tally(*(c.pk for c in campaigns))
    return drift
