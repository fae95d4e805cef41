"""A campaign's progress toward the goal: the count, the next milestone, the leader's checklist."""

from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from .models import Campaign, CampaignStatus, Leadership

# The share channels a leader's links carry as ?src=, in the order the tools page lists them.
CHANNELS = {
    "whatsapp": "WhatsApp",
    "facebook": "Facebook",
    "x": "X",
    "email": _("Email"),
    "sms": _("Text message"),
    "instagram": "Instagram",
    "flyer": _("Printed flyer (QR code)"),
    "link": _("Campaign link"),
}


def signature_count(campaign: Campaign) -> int:
    """The confirmed signatures that count toward the goal.

    The only place leader pages read the count. Fallback until petitions provides its count
    function: confirmed signature rows, counted directly.
    """
    from petitions.models import Signature

    return Signature.objects.filter(campaign=campaign, status="confirmed").count()


def signatures_by_channel(campaign: Campaign) -> list[tuple[str, int]]:
    """Confirmed signatures per share channel: counts only, never who signed."""
    from petitions.models import Signature

    rows = (
        Signature.objects.filter(campaign=campaign, status="confirmed")
        .values("source")
        .annotate(n=Count("id"))
        .order_by("-n", "source")
    )
    result = []
    for row in rows:
        source = row["source"]
        if source in CHANNELS:
            label = CHANNELS[source]
        elif source:
            label = _("Other links")
        else:
            label = _("Direct visits and search")
        result.append((str(label), row["n"]))
    return result


def next_milestone(count: int) -> int | None:
    goal = settings.SIGNATURE_GOAL
    for milestone in sorted({*settings.MILESTONES, goal}):
        if count < milestone:
            return milestone
    return None


@dataclass
class ChecklistItem:
    key: str
    label: str
    done: bool


def checklist(campaign: Campaign, leadership: Leadership | None, count: int) -> list[ChecklistItem]:
    shared = (
        bool(leadership and leadership.shared_at)
        or campaign.signatures.exclude(source="").filter(status="confirmed").exists()
    )
    delivered = (
        campaign.status
        in (
            CampaignStatus.DELIVERED,
            CampaignStatus.WON,
            CampaignStatus.LOST,
        )
        or campaign.deliveries.exists()
    )
    items = [
        ChecklistItem(
            "training",
            _("Finish the training"),
            bool(leadership and leadership.training_completed_at),
        ),
        ChecklistItem("shared", _("Share the petition"), shared),
    ]
    for milestone in sorted({*settings.MILESTONES, settings.SIGNATURE_GOAL}):
        items.append(
            ChecklistItem(
                f"signatures_{milestone}",
                _("Reach %(count)s signatures") % {"count": milestone},
                count >= milestone,
            )
        )
    items += [
        ChecklistItem(
            "delivery_planned",
            _("Plan the delivery"),
            bool(leadership and leadership.delivery_planned_on) or delivered,
        ),
        ChecklistItem("delivered", _("Deliver the petition to the sheriff's office"), delivered),
    ]
    return items
