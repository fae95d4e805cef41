"""Petitions' part of the public record: which campaigns have signatures, which were delivered.

Aggregate expressions over campaigns, handed to campaigns' record reads by the views (campaigns
imports nothing from petitions).
"""

from django.db.models import Count, Exists, OuterRef, Q

from campaigns.models import CampaignStatus

from .models import Delivery


def campaign_counts() -> dict:
    """Campaigns with at least one counted signature; campaigns whose petition was delivered
    (a delivery recorded, or staff marked it delivered)."""
    delivered = Exists(Delivery.objects.filter(campaign=OuterRef("pk")))
    return {
        "signed": Count("id", filter=Q(tally__counted__gt=0)),
        "delivered": Count("id", filter=Q(status=CampaignStatus.DELIVERED) | Q(delivered)),
    }
