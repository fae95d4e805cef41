"""What staff watch for abuse: signatures per hour, and email domains and ZIP codes that spike."""

from dataclasses import dataclass
from datetime import timedelta

from django.db.models import Count, F, Q
from django.db.models.functions import TruncHour
from django.utils import timezone

from .models import Signature, SignatureMethod, SignatureStatus

SPIKE_MIN = 10  # fewer signatures than this in the last hour is never a spike
SPIKE_RATIO = 5  # the last hour against the hourly average of the day before


@dataclass
class Spike:
    campaign_id: int
    campaign: str
    kind: str  # "domain" or "zip"
    value: str
    last_hour: int
    hourly_before: float


def hourly_counts(*, hours: int = 24, campaign_id: int | None = None, now=None) -> list[dict]:
    """Signatures created per hour (every method: paper when typed in, signing tables as signed),
    with how many are confirmed, on paper and in person; newest first."""
    now = now or timezone.now()
    qs = Signature.objects.filter(created_at__gte=now - timedelta(hours=hours))
    if campaign_id:
        qs = qs.filter(campaign_id=campaign_id)
    return list(
        qs.annotate(hour=TruncHour("created_at"))
        .values("hour")
        .annotate(
            total=Count("id"),
            confirmed=Count("id", filter=Q(status=SignatureStatus.CONFIRMED)),
            paper=Count("id", filter=Q(method=SignatureMethod.PAPER)),
            in_person=Count("id", filter=Q(method=SignatureMethod.IN_PERSON)),
        )
        .order_by("-hour")
    )


def busiest_campaigns(*, hours: int = 24, limit: int = 20, now=None) -> list[dict]:
    now = now or timezone.now()
    return list(
        Signature.objects.filter(created_at__gte=now - timedelta(hours=hours))
        .values("campaign_id", "campaign__name", "campaign__state", "campaign__signing_paused")
        .annotate(
            total=Count("id"),
            last_hour=Count("id", filter=Q(created_at__gte=now - timedelta(hours=1))),
            confirmed=Count("id", filter=Q(status="confirmed")),
        )
        .order_by("-last_hour", "-total")[:limit]
    )


def _grouped(field_expr, since, until):
    return (
        Signature.objects.filter(created_at__gte=since, created_at__lt=until)
        .exclude(email_domain="")  # online and emailed signatures (their address may be gone)
        .annotate(value=field_expr)
        .values("campaign_id", "campaign__name", "campaign__state", "value")
        .annotate(n=Count("id"))
    )


def spikes(*, now=None) -> list[Spike]:
    """Email domains and ZIPs whose last hour is far above their usual rate, per campaign."""
    now = now or timezone.now()
    found = []
    for kind, expr in (("domain", F("email_domain")), ("zip", F("zip_code"))):
        before = {
            (r["campaign_id"], r["value"]): r["n"]
            for r in _grouped(expr, now - timedelta(hours=25), now - timedelta(hours=1))
        }
        for r in _grouped(expr, now - timedelta(hours=1), now + timedelta(seconds=1)):
            usual = before.get((r["campaign_id"], r["value"]), 0) / 24
            if r["n"] >= SPIKE_MIN and r["n"] >= SPIKE_RATIO * max(usual, 1):
                found.append(
                    Spike(
                        r["campaign_id"],
                        f"{r['campaign__name']}, {r['campaign__state']}",
                        kind,
                        r["value"],
                        r["n"],
                        round(usual, 1),
                    )
                )
    return sorted(found, key=lambda s: -s.last_hour)
