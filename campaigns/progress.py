"""A campaign's progress toward the goal: the count, the next milestone, the leader's checklist."""

from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from . import asks, places
from .models import Campaign, CampaignStatus, Leadership


def milestones() -> list[int]:
    """The counts a leader is told about and checks off: MILESTONES, always ending at the goal.

    One place for the rule: the milestone emails (petitions.tasks) and the dashboard's checklist
    read it, so a goal changed in settings moves both.
    """
    goal = settings.SIGNATURE_GOAL
    return sorted({*(m for m in settings.MILESTONES if m < goal), goal})


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


def checklist(
    campaign: Campaign, leadership: Leadership | None, count: int, *, shared: bool
) -> list[ChecklistItem]:
    """The leader's checklist; `shared`: the leader said so, or a link brought a signature."""
    delivered = campaign.status in CampaignStatus.DELIVERED_OR_ENDED or campaign.deliveries.exists()
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
        ChecklistItem(
            "delivered",
            places.contract_articles(
                _("Deliver the petition to %(head)s")
                % {"head": asks.target_title(campaign, get_language() or "en")}
            ),
            delivered,
        ),
    ]
    return items
