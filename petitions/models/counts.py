"""What is counted for a campaign: its stored tally and the milestones its leader was told of."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from campaigns.models import Campaign


class CampaignTally(models.Model):
    """The last counted numbers of a campaign: what visitors, lists and the map read.

    Not written per signature (that hot row took the UK petitions site down): refreshed from the
    signature rows by one task per few seconds after confirmations, and by the nightly recount
    that fixes drift. It keeps the raw numbers too (residents by method), so the rules of what
    counts apply at read time and a visitor's count is one row, not an aggregate over a million.
    """

    campaign = models.OneToOneField(Campaign, on_delete=models.CASCADE, related_name="tally")
    counted = models.PositiveIntegerField(default=0)
    confirmed = models.PositiveIntegerField(default=0)
    residents = models.PositiveIntegerField(default=0)
    online = models.PositiveIntegerField(default=0)
    paper = models.PositiveIntegerField(default=0)
    in_person = models.PositiveIntegerField(default=0)
    online_residents = models.PositiveIntegerField(default=0)
    offline_residents = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("tally")
        verbose_name_plural = _("tallies")

    def __str__(self):
        return f"{self.campaign}: {self.counted}"


class MilestoneNotice(models.Model):
    """A milestone email sent to a campaign's leader (once each: the row is the guarantee)."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="milestones")
    threshold = models.PositiveIntegerField()
    reached_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["campaign", "threshold"], name="milestone_once"),
        ]

    def __str__(self):
        return f"{self.campaign}: {self.threshold}"
