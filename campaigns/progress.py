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
    "sheet": _("Paper sign-up sheet (QR code)"),
    "link": _("Campaign link"),
}


def milestones() -> list[int]:
    """The counts a leader is told about and checks off: MILESTONES, always ending at the goal.

    One place for the rule: the milestone emails (petitions.tasks) and the dashboard's checklist
    read it, so a goal changed in settings moves both.
    """
    goal = settings.SIGNATURE_GOAL
    return sorted({*(m for m in settings.MILESTONES if m < goal), goal})


# A channel shows on the dashboard once it has this many signatures; fewer are grouped as "other".
# A link tagged for one person must not tell the leader that this person signed (the same rule as
# the delivery's MIN_ZIP_GROUP for ZIP codes).
MIN_CHANNEL_GROUP = 5


def signatures_by_channel(campaign: Campaign) -> list[tuple[str, int]]:
    """Confirmed online signatures per share channel: counts only, never who signed.

    Channels with fewer than MIN_CHANNEL_GROUP signatures are added up into one "other" row.
    Paper and signing-table signatures came through no link; the dashboard counts them apart.
    """
    from petitions.models import Signature, SignatureMethod, SignatureStatus

    rows = (
        Signature.objects.filter(
            campaign=campaign, status=SignatureStatus.CONFIRMED, method=SignatureMethod.ONLINE
        )
        .values("source")
        .annotate(n=Count("id"))
        .order_by()
    )
    counts: dict[str, int] = {}
    for row in rows:
        source = row["source"]
        if source in CHANNELS:
            label = CHANNELS[source]
        elif source:
            label = _("Other links")
        else:
            label = _("Direct visits and search")
        counts[str(label)] = counts.get(str(label), 0) + row["n"]
    shown = sorted(
        ((label, n) for label, n in counts.items() if n >= MIN_CHANNEL_GROUP),
        key=lambda item: (-item[1], item[0]),
    )
    grouped = sum(n for n in counts.values() if n < MIN_CHANNEL_GROUP)
    if grouped:
        label = _("Other channels (fewer than %(n)s each)") % {"n": MIN_CHANNEL_GROUP}
        shown.append((str(label), grouped))
    return shown


def next_milestone(count: int) -> int | None:
    for milestone in milestones():
        if count < milestone:
            return milestone
    return None


@dataclass
class ChecklistItem:
    key: str
    label: str
    done: bool


def checklist(campaign: Campaign, leadership: Leadership | None, count: int) -> list[ChecklistItem]:
    from petitions.models import SignatureStatus

    shared = (
        bool(leadership and leadership.shared_at)
        or campaign.signatures.exclude(source="").filter(status=SignatureStatus.CONFIRMED).exists()
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
    for milestone in milestones():
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
