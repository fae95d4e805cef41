"""Retention: signers' personal details go a set time after their campaign ends or is delivered."""

from dataclasses import dataclass
from datetime import timedelta
from functools import partial

from django.db import transaction
from django.db.models import F, OuterRef, Q, Subquery
from django.utils import timezone

from campaigns.models import Campaign, CampaignStatus

from .models import Delivery, PaperBatch, Signature


@dataclass
class PurgeReport:
    campaigns: list
    signatures: int


def purge_signatures(*, days: int, dry_run: bool = False, now=None) -> PurgeReport:
    """Blank signers' names, emails and domains `days` after their campaign ended (its outcome
    date) or after the delivery that handed them over, and delete the photos of those paper
    sheets (handwritten names).

    Counts, ZIP codes, residence, method and status stay, so the numbers and the ZIP breakdown
    stay right. A delivered campaign still takes signatures: its purged rows keep the keyed hash
    of their mailbox (no second count), and signatures after the delivery wait for the next one.
    An ended campaign takes none, so its rows lose the hash too.
    """
    now = now or timezone.now()
    cutoff = (now - timedelta(days=days)).date()
    last_delivery = (
        Delivery.objects.filter(campaign=OuterRef("campaign"))
        .order_by("-delivered_on")
        .values("delivered_on")[:1]
    )
    ended = Q(campaign__status__in=CampaignStatus.ENDED, campaign__outcome_date__lt=cutoff)
    delivered = Q(
        campaign__status=CampaignStatus.DELIVERED,
        delivered_through__lt=cutoff,
        created_at__date__lte=F("delivered_through"),
    )
    unpurged = Signature.objects.filter(purged_at__isnull=True).annotate(
        delivered_through=Subquery(last_delivery)
    )
    ended_rows = unpurged.filter(ended)
    delivered_rows = unpurged.filter(delivered)
    campaigns = list(
        Campaign.objects.filter(
            Q(pk__in=ended_rows.values("campaign_id"))
            | Q(pk__in=delivered_rows.values("campaign_id"))
        ).order_by("state", "name")
    )
    if dry_run:
        return PurgeReport(campaigns, ended_rows.count() + delivered_rows.count())
    person = {"name": "", "name_key": "", "email": "", "email_domain": "", "purged_at": now}
    with transaction.atomic():
        count = Signature.objects.filter(pk__in=ended_rows.values("pk")).update(
            email_key="", **person
        )
        # Sheets typed in up to the delivery went with it; later ones wait for the next.
        sheets = Q(campaign__in=[c for c in campaigns if c.status in CampaignStatus.ENDED])
        for campaign_id, through in (
            delivered_rows.values_list("campaign_id", "delivered_through").distinct().order_by()
        ):
            sheets |= Q(campaign_id=campaign_id, created_at__date__lte=through)
        count += Signature.objects.filter(pk__in=delivered_rows.values("pk")).update(**person)
        photographed = PaperBatch.objects.filter(sheets).exclude(photo="")
        files = [(b.photo.storage, b.photo.name) for b in photographed]
        photographed.update(photo="")
        # The files go once the rows no longer point at them.
        for storage, name in files:
            transaction.on_commit(partial(storage.delete, name))
    return PurgeReport(campaigns, count)
