"""Handing the petition to the sheriff's office: the record of it, the event and its RSVPs."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from campaigns.models import Campaign

from .signatures import Signature
from .uploads import private_upload_path


class Delivery(models.Model):
    """The leader's record of handing the petition to the sheriff's office."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="deliveries")
    delivered_on = models.DateField(_("delivered on"))
    received_by = models.CharField(_("who received it"), max_length=200)
    notes = models.TextField(_("notes"), blank=True)
    photo = models.FileField(_("photo"), upload_to=private_upload_path, blank=True)
    signatures_delivered = models.PositiveIntegerField(default=0)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        ordering = ["-delivered_on"]

    def __str__(self):
        return f"{self.campaign} {self.delivered_on}"


class DeliveryEventStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("Scheduled")
    CANCELLED = "cancelled", _("Cancelled")


class DeliveryEventQuerySet(models.QuerySet):
    def scheduled(self):
        return self.filter(status=DeliveryEventStatus.SCHEDULED)

    def starting_between(self, start, end):
        """Scheduled events that start in [start, end): the reminders' window."""
        return self.scheduled().filter(starts_at__gte=start, starts_at__lt=end)


class DeliveryEvent(models.Model):
    """The leader's delivery of the petition to the sheriff's office, as an event people join.

    `uid` names it in calendars (the .ics UID) for as long as it exists; `sequence` goes up each
    time it moves or is cancelled, so calendars replace the copy they hold (RFC 5545).
    """

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="delivery_events")
    starts_at = models.DateTimeField(_("starts at"))
    meeting_point = models.CharField(_("meeting point"), max_length=300)
    bring = models.TextField(_("what to bring"), blank=True)
    safety_notes = models.TextField(_("safety notes"), blank=True)
    # The leader's choice, for safety: the meeting point goes only to people who RSVPed.
    address_private = models.BooleanField(
        _("send the meeting point only to people who RSVP"), default=False
    )
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=DeliveryEventStatus.choices,
        default=DeliveryEventStatus.SCHEDULED,
    )
    sequence = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    objects = DeliveryEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("delivery event")
        verbose_name_plural = _("delivery events")
        ordering = ["-starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=DeliveryEventStatus.values),
                name="delivery_event_status_valid",
            ),
            # One delivery on the calendar at a time: a new one waits for the last to be cancelled.
            models.UniqueConstraint(
                fields=["campaign"],
                condition=Q(status="scheduled"),
                name="one_scheduled_delivery_event_per_campaign",
            ),
        ]

    def __str__(self):
        return f"{self.campaign} {self.starts_at:%Y-%m-%d %H:%M}"

    def get_absolute_url(self):
        from django.urls import reverse

        kwargs = {"state": self.campaign.state.lower(), "slug": self.campaign.slug}
        return reverse("petitions:event", kwargs=kwargs)


class RsvpSource(models.TextChoices):
    INVITATION = "invitation", _("From the email invitation")
    FORM = "form", _("From the event page")


class RsvpQuerySet(models.QuerySet):
    def active(self):
        return self.filter(cancelled_at__isnull=True)

    def reachable(self):
        """Active RSVPs that still have an address to write to."""
        return self.active().exclude(email="")


class Rsvp(models.Model):
    """One person coming to a delivery event. The leader sees the first name, never the email.

    The email is kept until shortly after the event (petitions.events.purge_rsvps), for the
    calendar file, the reminder and any change; the keyed hash keeps one RSVP per mailbox.
    """

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    event = models.ForeignKey(DeliveryEvent, on_delete=models.CASCADE, related_name="rsvps")
    first_name = models.CharField(_("first name"), max_length=50)
    email = models.EmailField(_("email"), max_length=254, blank=True)
    email_key = models.CharField(max_length=254, blank=True, editable=False)
    language = models.CharField(_("language"), max_length=5, default="en")
    source = models.CharField(max_length=20, choices=RsvpSource.choices)
    # The signature whose invitation it came from: that signer's unsubscribe or withdrawal
    # stops these emails too.
    signature = models.ForeignKey(
        Signature, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)

    objects = RsvpQuerySet.as_manager()

    class Meta:
        verbose_name = _("RSVP")
        verbose_name_plural = _("RSVPs")
        ordering = ["created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "email_key"],
                condition=~Q(email_key=""),
                name="one_rsvp_per_email_per_event",
            ),
            models.CheckConstraint(
                condition=Q(source__in=RsvpSource.values), name="rsvp_source_valid"
            ),
        ]

    def __str__(self):
        return f"#{self.pk} {self.event_id}"
