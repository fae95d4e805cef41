"""Emails to a campaign's signers: leaders' updates and the news the site sends itself."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from campaigns.models import Campaign


class UpdateKind(models.TextChoices):
    """A leader's own words, or news the site writes itself when something happens."""

    UPDATE = "update", _("Leader's update")
    DELIVERY_PLANNED = "delivery_planned", _("Goal reached, delivery planned")
    DELIVERED = "delivered", _("Petition delivered")
    OUTCOME = "outcome", _("Outcome")
    AGREEMENT = "agreement", _("Agreement in the county")


class UpdateStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PENDING = "pending", _("Waiting for staff")
    APPROVED = "approved", _("Approved")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    STOPPED = "stopped", _("Stopped by staff")
    REJECTED = "rejected", _("Rejected")

    @classmethod
    def in_progress(cls) -> list[str]:
        return [cls.PENDING, cls.APPROVED, cls.SENDING]


class CampaignUpdateQuerySet(models.QuerySet):
    def by_leaders(self):
        return self.filter(kind=UpdateKind.UPDATE)

    def counting_toward_the_week(self, campaign_id: int, *, since):
        """A leader's updates that use up the campaign's one update a week (not rejected)."""
        return self.by_leaders().filter(
            campaign_id=campaign_id,
            created_at__gte=since,
            status__in=[*UpdateStatus.in_progress(), UpdateStatus.SENT, UpdateStatus.STOPPED],
        )


class CampaignUpdate(models.Model):
    """One email to a campaign's signers who asked for updates: a leader's, approved by staff,
    or news the site sends itself (delivery, outcome, agreement). Sent in batches; the row keeps
    counts only, never who received it."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="updates")
    kind = models.CharField(
        _("kind"), max_length=20, choices=UpdateKind.choices, default=UpdateKind.UPDATE
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("written by"),
    )
    subject = models.CharField(_("subject"), max_length=120, blank=True)
    body = models.TextField(_("message"), max_length=2000, blank=True)
    # Automatic news: what the email says (dates, the delivery notes), rendered in each
    # signer's language; `event` makes each piece of news go out once.
    context = models.JSONField(default=dict, blank=True)
    event = models.CharField(max_length=100, blank=True, editable=False)
    status = models.CharField(
        _("status"), max_length=20, choices=UpdateStatus.choices, default=UpdateStatus.PENDING
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("approved by"),
    )
    approved_at = models.DateTimeField(_("approved"), null=True, blank=True)
    recipients = models.PositiveIntegerField(_("recipients when sending began"), default=0)
    sent = models.PositiveIntegerField(_("emails sent"), default=0)
    # The batches' cursor: the last signature id a batch reached.
    last_signature_id = models.BigIntegerField(default=0, editable=False)
    created_at = models.DateTimeField(_("written"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    objects = CampaignUpdateQuerySet.as_manager()

    class Meta:
        verbose_name = _("update to signers")
        verbose_name_plural = _("updates to signers")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=UpdateStatus.values), name="campaign_update_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(kind__in=UpdateKind.values), name="campaign_update_kind_valid"
            ),
            # A leader's update waits or goes out one at a time per campaign.
            models.UniqueConstraint(
                fields=["campaign"],
                condition=Q(kind=UpdateKind.UPDATE, status__in=UpdateStatus.in_progress()),
                name="one_leader_update_in_progress",
            ),
            models.UniqueConstraint(
                fields=["campaign", "kind", "event"],
                condition=~Q(kind=UpdateKind.UPDATE),
                name="each_news_once",
            ),
        ]

    def __str__(self):
        return f"{self.campaign}: {self.subject or self.get_kind_display()}"
