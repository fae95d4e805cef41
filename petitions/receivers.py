"""Petitions' answers to what campaigns announce (campaigns.signals)."""

from django.dispatch import receiver

from campaigns.models import CampaignStatus
from campaigns.services import retarget_campaigns
from campaigns.signals import (
    agreement_changed,
    campaigns_set_up,
    delivery_planned,
    outcome_recorded,
    targets_outdated,
)

from . import updates
from .counting import fresh_tally
from .models import UpdateKind
from .texts import ensure_petition_texts, unsigned_campaigns, update_sample_texts


@receiver(campaigns_set_up, dispatch_uid="petitions.ensure_petition_texts")
def give_new_campaigns_a_petition(sender, **kwargs) -> None:
    ensure_petition_texts()


@receiver(targets_outdated, dispatch_uid="petitions.retarget_unsigned_campaigns")
def retarget_unsigned_campaigns(sender, *, campaign_ids, **kwargs) -> None:
    # Only campaigns nobody signed: a signer's campaign keeps what they signed, target included.
    changed = retarget_campaigns(unsigned_campaigns(campaign_ids))
    update_sample_texts(changed)


# Signers who asked for updates hear what happens to their campaign.


@receiver(delivery_planned, dispatch_uid="petitions.updates.delivery_planned")
def tell_signers_the_delivery_is_planned(sender, *, campaign, planned_on, **kwargs):
    if fresh_tally(campaign).reached_goal:
        updates.notify_signers(
            campaign.pk,
            UpdateKind.DELIVERY_PLANNED,
            {"date": updates.iso(planned_on)},
            event=updates.iso(planned_on),
        )


@receiver(outcome_recorded, dispatch_uid="petitions.updates.outcome_recorded")
def tell_signers_the_outcome(sender, *, campaign, status, note="", **kwargs):
    if status in (CampaignStatus.WON, CampaignStatus.LOST):
        updates.notify_signers(
            campaign.pk,
            UpdateKind.OUTCOME,
            {"won": status == CampaignStatus.WON, "note": note},
            event=status,
        )


@receiver(agreement_changed, dispatch_uid="petitions.updates.agreement_changed")
def tell_signers_of_an_agreement(
    sender, *, campaign, agency, renewed, expires=None, event, change="", listed_on=None, **kwargs
):
    # change: "" (one new or renewed agreement), or from a newer ICE list "new" (in the
    # county) or "unlisted" (the agreement they signed against is no longer on it).
    updates.notify_signers(
        campaign.pk,
        UpdateKind.AGREEMENT,
        {
            "agency": agency,
            "renewed": bool(renewed),
            "expires": updates.iso(expires),
            "change": change,
            "date": updates.iso(listed_on),
        },
        event=event,
    )
