"""The delivery as an event: the leader schedules it, signers who asked for updates are invited,
anyone may RSVP; the reminder, the notice of a move or a cancellation (the emails themselves are
in event_tasks, what is read of an event in event_reads).

The leader sees how many are coming and their first names, never an address. Addresses are kept
until shortly after the event (purge_rsvps), for the emails above, then blanked.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from campaigns.models import Campaign
from campaigns.services import plan_delivery
from config.outbox import enqueue_with_transaction

from .errors import EventInPast, EventNotOpen
from .event_reads import invitation_from_link, is_open, local_zone, rsvp_from_cancel_link
from .event_tasks import (  # noqa: F401 (queued tasks may still name them by this module's path)
    notify_rsvps,
    send_event_change,
    send_event_invitation,
    send_event_invitations,
    send_event_reminder,
    send_rsvp_confirmation,
)
from .models import DeliveryEvent, DeliveryEventStatus, Rsvp, RsvpSource, email_key

# After the event, addresses are kept this long (a late "it moved" reply has nowhere to go).
RSVP_KEEP_AFTER = timedelta(days=2)
REMINDER_WINDOW = timedelta(hours=24)


@dataclass(frozen=True)
class EventDetails:
    starts_at: datetime
    meeting_point: str
    bring: str = ""
    safety_notes: str = ""
    address_private: bool = False


def _locked_campaign(campaign: Campaign) -> Campaign:
    return Campaign.objects.select_for_update().get(pk=campaign.pk)


def _note_plan(campaign: Campaign, user, on) -> None:
    # The dashboard's "Plan the delivery" step is the date of the event on the calendar.
    leadership = campaign.leaderships.of_team(user).first()
    if leadership is not None:
        plan_delivery(leadership, on=on)


def schedule_delivery(campaign: Campaign, *, user, details: EventDetails) -> DeliveryEvent:
    """Put the delivery on the calendar, or change the one there.

    A new event invites the signers who asked for updates; a change tells everyone who RSVPed
    (with the calendar file, SEQUENCE one higher), and a new time earns a new reminder.
    """
    if details.starts_at <= timezone.now():
        raise EventInPast
    with transaction.atomic():
        _locked_campaign(campaign)
        event = campaign.delivery_events.scheduled().select_for_update().first()
        if event is None:
            event = DeliveryEvent.objects.create(
                campaign=campaign, created_by=user, **details.__dict__
            )
            enqueue_with_transaction(send_event_invitations, event.pk)
        else:
            changed = [
                name for name, value in details.__dict__.items() if getattr(event, name) != value
            ]
            if not changed:
                return event
            moved = "starts_at" in changed
            for name in changed:
                setattr(event, name, getattr(details, name))
            event.sequence += 1
            event.save()
            if moved:
                event.rsvps.update(reminded_at=None)
            enqueue_with_transaction(notify_rsvps, event.pk, event.sequence)
        _note_plan(campaign, user, timezone.localtime(event.starts_at, local_zone(campaign)).date())
    return event


def cancel_delivery(campaign: Campaign, *, user) -> DeliveryEvent | None:
    """Cancel the scheduled delivery and tell everyone who RSVPed (METHOD:CANCEL)."""
    with transaction.atomic():
        _locked_campaign(campaign)
        event = campaign.delivery_events.scheduled().select_for_update().first()
        if event is None:
            return None
        event.status = DeliveryEventStatus.CANCELLED
        event.sequence += 1
        event.save(update_fields=["status", "sequence", "updated_at"])
        enqueue_with_transaction(notify_rsvps, event.pk, event.sequence)
        _note_plan(campaign, user, None)
    return event


def _rsvp(event, *, email, first_name, language, source, signature=None) -> tuple[Rsvp, bool]:
    """One RSVP per mailbox per event, counted at once; True when the person is newly coming.

    The event row is locked: two RSVPs of one mailbox at once make one row. An RSVP that
    exists stays as it is (its first name is not someone else's to change).
    """
    with transaction.atomic():
        locked = DeliveryEvent.objects.select_for_update().get(pk=event.pk)
        if not is_open(locked):
            raise EventNotOpen
        key = email_key(email)
        rsvp = Rsvp.objects.filter(event=locked, email_key=key).first()
        if rsvp is not None and rsvp.cancelled_at is None:
            return rsvp, False
        if rsvp is not None:
            rsvp.cancelled_at = None
            rsvp.reminded_at = None
            rsvp.save(update_fields=["cancelled_at", "reminded_at"])
        else:
            rsvp = Rsvp.objects.create(
                event=locked,
                first_name=first_name[:50],
                email=email,
                email_key=key,
                language=language,
                source=source,
                signature=signature,
            )
        enqueue_with_transaction(send_rsvp_confirmation, rsvp.pk)
    return rsvp, True


def rsvp_from_invitation(token: str) -> tuple[Rsvp, bool]:
    """The invited signer is coming: their first name and the address the invitation went to."""
    event, signature = invitation_from_link(token)
    first_name = (signature.name.split() or [""])[0]
    return _rsvp(
        event,
        email=signature.email,
        first_name=first_name,
        language=signature.language,
        source=RsvpSource.INVITATION,
        signature=signature,
    )


def rsvp_by_form(event: DeliveryEvent, *, first_name: str, email: str, language: str):
    """Someone on the event page is coming; the calendar file goes to the address they typed."""
    return _rsvp(
        event, email=email, first_name=first_name, language=language, source=RsvpSource.FORM
    )


def cancel_rsvp(token: str) -> Rsvp:
    rsvp = rsvp_from_cancel_link(token)
    Rsvp.objects.filter(pk=rsvp.pk, cancelled_at__isnull=True).update(cancelled_at=timezone.now())
    rsvp.refresh_from_db()
    return rsvp


def send_delivery_reminders(*, now=None, dry_run: bool = False) -> int:
    """Queue the reminder of each RSVP to a delivery in the next 24 hours, once each.

    Run hourly (cron): a reminder is marked sent in the transaction that queues it, so a second
    run, or two at once, sends nothing more. Returns how many were (or would be) queued.
    """
    now = now or timezone.now()
    events = DeliveryEvent.objects.starting_between(now, now + REMINDER_WINDOW)
    due = Rsvp.objects.reachable().filter(event__in=events, reminded_at__isnull=True)
    if dry_run:
        return due.count()
    with transaction.atomic():
        ids = list(due.select_for_update(skip_locked=True).values_list("pk", flat=True))
        Rsvp.objects.filter(pk__in=ids).update(reminded_at=now)
        for rsvp_id in ids:
            enqueue_with_transaction(send_event_reminder, rsvp_id)
    return len(ids)


def purge_rsvps(*, now=None, dry_run: bool = False) -> int:
    """Blank the addresses of RSVPs RSVP_KEEP_AFTER after their event: the first names and the
    count stay for the leader's record. Returns how many were (or would be) blanked."""
    cutoff = (now or timezone.now()) - RSVP_KEEP_AFTER
    rows = Rsvp.objects.filter(event__starts_at__lt=cutoff).exclude(email="", email_key="")
    if dry_run:
        return rows.count()
    return rows.update(email="", email_key="")
