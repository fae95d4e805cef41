"""Signatures gathered in person: paper sheets a leader types in and signing-table sessions."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from campaigns.models import Campaign

from .signatures import SignatureStatus
from .uploads import private_upload_path


class PaperBatchStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for review")
    ACCEPTED = "accepted", _("Accepted")
    REJECTED = "rejected", _("Rejected")


class PaperBatchQuerySet(models.QuerySet):
    def with_counts(self):
        """Each batch with its lines entered and those counting now (confirmed)."""
        return self.annotate(
            entered=models.Count("signatures"),
            counted=models.Count(
                "signatures", filter=Q(signatures__status=SignatureStatus.CONFIRMED)
            ),
        )


class PaperBatch(models.Model):
    """One paper sign-up sheet a leader typed in, attested as signed in person."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="paper_batches")
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    attested = models.BooleanField(_("each person signed in person"), default=False)
    photo = models.FileField(_("photo of the sheet"), upload_to=private_upload_path, blank=True)
    status = models.CharField(
        max_length=20, choices=PaperBatchStatus.choices, default=PaperBatchStatus.PENDING
    )
    reason = models.TextField(_("reason"), blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    # The invalidation a rejection made: accepting the batch again counts exactly those rows again.
    rejection = models.ForeignKey(
        "Invalidation", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = PaperBatchQuerySet.as_manager()

    class Meta:
        verbose_name = _("paper batch")
        verbose_name_plural = _("paper batches")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=PaperBatchStatus.values), name="paper_batch_status_valid"
            ),
        ]

    def __str__(self):
        return f"{self.campaign} – {self.created_at:%Y-%m-%d}"


class SigningTableQuerySet(models.QuerySet):
    def open(self, now=None):
        return self.filter(ended_at__isnull=True, expires_at__gt=now or timezone.now())


class SigningTable(models.Model):
    """A signing-table session: the leader's own device taking in-person signatures for a while.

    It ends when the leader closes it or at expires_at (SIGNING_TABLE_MINUTES after it opened), so
    a phone forgotten on a table, or a leader who stepped down, takes no more signatures.
    """

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="signing_tables")
    leader = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    started_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)

    objects = SigningTableQuerySet.as_manager()

    class Meta:
        verbose_name = _("signing table")
        verbose_name_plural = _("signing tables")
        ordering = ["-started_at"]
        constraints = [
            # Opening a table ends the campaign's previous one: at most one is not ended.
            models.UniqueConstraint(
                fields=["campaign"],
                condition=Q(ended_at__isnull=True),
                name="one_open_signing_table_per_campaign",
            ),
        ]

    def __str__(self):
        return f"{self.campaign} {self.started_at:%Y-%m-%d %H:%M}"
