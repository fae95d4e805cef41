"""The delivery as an event: the leader schedules it, signers who asked for updates are invited,
anyone may RSVP; the calendar file, the reminder, the notice of a move or a cancellation.

The leader sees how many are coming and their first names, never an address. Addresses are kept
until shortly after the event (purge_rsvps), for the emails above, then blanked.
"""

import uuid
import zoneinfo
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMessage
from django.db import transaction
from django.tasks import task
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext_lazy as _

from campaigns.models import Campaign
from campaigns.services import plan_delivery
from config.mail import render_email, send_or_retry
from config.outbox import enqueue_with_transaction

from . import tokens
from .errors import PetitionError
from .ics import calendar_attachment, event_ics
from .models import DeliveryEvent, DeliveryEventStatus, Rsvp, RsvpSource, Signature, email_key

# After the event, addresses are kept this long (a late "it moved" reply has nowhere to go).
RSVP_KEEP_AFTER = timedelta(days=2)
REMINDER_WINDOW = timedelta(hours=24)
INVITATION_BATCH = 500
RSVP_SALT = "petitions.event_rsvp"
RSVP_CANCEL_SALT = "petitions.event_rsvp_cancel"

# The local time of a campaign is its state's main time zone (a few states span two: the
# leader's page shows the zone, so a county on the other side can still read it right).
_ZONES = {
    "America/New_York": "CT DE DC FL GA IN KY ME MD MA MI NH NJ NY NC OH PA RI SC VT VA WV",
    "America/Chicago": "AL AR IL IA KS LA MN MS MO NE ND OK SD TN TX WI",
    "America/Denver": "CO ID MT NM UT WY",
    "America/Phoenix": "AZ",
    "America/Los_Angeles": "CA NV OR WA",
    "America/Anchorage": "AK",
    "Pacific/Honolulu": "HI",
    "America/Puerto_Rico": "PR",
    "America/St_Thomas": "VI",
    "Pacific/Guam": "GU",
    "Pacific/Saipan": "MP",
    "Pacific/Pago_Pago": "AS",
}
STATE_ZONES = {state: zone for zone, states in _ZONES.items() for state in states.split()}


class EventError(PetitionError):
    """A refusal about a delivery event (a petitions refusal like the others)."""


class EventInPast(EventError):
    message = _("Choose a date and time that has not passed yet.")


class EventNotOpen(EventError):
    message = _("This delivery is cancelled or already happened, so it takes no more RSVPs.")


class InvitationInvalid(EventError):
    message = _("This invitation link does not work (anymore).")


@dataclass(frozen=True)
class EventDetails:
    starts_at: datetime
    meeting_point: str
    bring: str = ""
    safety_notes: str = ""
    address_private: bool = False


def local_zone(campaign: Campaign) -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(STATE_ZONES.get(campaign.state, settings.TIME_ZONE))


# The day written out with its weekday; the time in the language's TIME_FORMAT (US Spanish
# "10:30 a. m.", see config/formats).
DAY_FORMATS = {"en": "l, F j, Y", "es": r"l j \d\e F \d\e Y"}


def when_text(event: DeliveryEvent) -> str:
    """'Thursday, December 10, 2026, 10:30 a.m. CST' in the active language and the campaign's
    zone ('jueves 10 de diciembre de 2026, 10:30 a. m. CST')."""
    local = timezone.localtime(event.starts_at, local_zone(event.campaign))
    language = (translation.get_language() or settings.LANGUAGE_CODE)[:2]
    day = formats.date_format(local, DAY_FORMATS.get(language, DAY_FORMATS["en"]))
    return f"{day}, {formats.time_format(local, 'TIME_FORMAT')} {local.tzname()}"


# Reads.


def current_event(campaign: Campaign) -> DeliveryEvent | None:
    """The scheduled delivery, else the latest cancelled one still ahead (to say so)."""
    events = campaign.delivery_events.select_related("campaign")
    scheduled = events.scheduled().first()
    if scheduled is not None:
        return scheduled
    return (
        events.filter(status=DeliveryEventStatus.CANCELLED, starts_at__gt=timezone.now())
        .order_by("-updated_at")
        .first()
    )


def is_open(event: DeliveryEvent, now=None) -> bool:
    return event.status == DeliveryEventStatus.SCHEDULED and event.starts_at > (
        now or timezone.now()
    )


def coming(event: DeliveryEvent) -> list[str]:
    """The first names of the people coming: all the leader ever sees of them."""
    return list(event.rsvps.active().order_by("created_at").values_list("first_name", flat=True))


# Links: signed, one salt per purpose, naming the invited signature or the RSVP.


def invitation_token(event: DeliveryEvent, signature: Signature) -> str:
    return signing.Signer(salt=RSVP_SALT).sign(f"{event.uid.hex}.{signature.uid.hex}")


def cancel_token(rsvp: Rsvp) -> str:
    return signing.Signer(salt=RSVP_CANCEL_SALT).sign(rsvp.uid.hex)


def _uuids(token: str, salt: str) -> list[uuid.UUID]:
    try:
        return [uuid.UUID(hex=part) for part in signing.Signer(salt=salt).unsign(token).split(".")]
    except (signing.BadSignature, ValueError) as exc:
        raise InvitationInvalid from exc


def invitation_from_link(token: str) -> tuple[DeliveryEvent, Signature]:
    """The event and the invited signature a link names, if the signer may still be written to."""
    parts = _uuids(token, RSVP_SALT)
    if len(parts) != 2:
        raise InvitationInvalid
    event = DeliveryEvent.objects.select_related("campaign").filter(uid=parts[0]).first()
    signature = Signature.objects.invitable().filter(uid=parts[1]).first() if event else None
    if signature is None or signature.campaign_id != event.campaign_id:
        raise InvitationInvalid
    return event, signature


def rsvp_from_cancel_link(token: str) -> Rsvp:
    parts = _uuids(token, RSVP_CANCEL_SALT)
    rsvp = Rsvp.objects.select_related("event__campaign").filter(uid=parts[0]).first()
    if rsvp is None or len(parts) != 1:
        raise InvitationInvalid
    return rsvp


# Services.


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


# Emails (tasks take ids; each checks again that the person may still be written to).


def _language(code: str) -> str:
    return code if code in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


def _event_context(event: DeliveryEvent) -> dict:
    # Called inside translation.override: dates and links in the reader's language.
    kwargs = {"state": event.campaign.state.lower(), "slug": event.campaign.slug}
    return {
        "event": event,
        "campaign": event.campaign,
        "when": when_text(event),
        "event_url": settings.SITE_URL + reverse("petitions:event", kwargs=kwargs),
    }


@task
def send_event_invitations(event_id: int) -> int:
    """Invite each confirmed signer who asked for updates, one task each, in batches."""
    event = DeliveryEvent.objects.filter(pk=event_id).first()
    if event is None or not is_open(event):
        return 0
    ids = list(
        Signature.objects.invitable()
        .filter(campaign_id=event.campaign_id)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    for start in range(0, len(ids), INVITATION_BATCH):
        with transaction.atomic():
            for signature_id in ids[start : start + INVITATION_BATCH]:
                enqueue_with_transaction(send_event_invitation, event_id, signature_id)
    return len(ids)


@task
def send_event_invitation(event_id: int, signature_id: int, attempt: int = 1) -> bool:
    event = DeliveryEvent.objects.select_related("campaign").filter(pk=event_id).first()
    signature = Signature.objects.invitable().filter(pk=signature_id).first()
    if event is None or signature is None or not is_open(event):
        return False
    language = _language(signature.language)
    with translation.override(language):
        context = _event_context(event)
        unsubscribe_url = settings.SITE_URL + reverse(
            "petitions:unsubscribe", args=[tokens.unsubscribe_token(signature.uid)]
        )
        context.update(
            rsvp_url=settings.SITE_URL
            + reverse("petitions:event_rsvp", args=[invitation_token(event, signature)]),
            unsubscribe_url=unsubscribe_url,
            show_address=not event.address_private,
        )
    subject, body = render_email("petitions/email/event_invitation", language, context)
    message = EmailMessage(
        subject,
        body,
        to=[signature.email],
        headers={
            "List-Unsubscribe": f"<{unsubscribe_url}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )
    return send_or_retry(
        message, send_event_invitation, attempt, event_id=event_id, signature_id=signature_id
    )


def _reachable_rsvp(rsvp_id: int) -> Rsvp | None:
    rsvp = Rsvp.objects.reachable().select_related("event__campaign").filter(pk=rsvp_id).first()
    if rsvp is None:
        return None
    # Invited from a signature: that signer's unsubscribe or withdrawal stops these too.
    if rsvp.signature_id and not Signature.objects.invitable().filter(pk=rsvp.signature_id):
        return None
    return rsvp


def _rsvp_email(rsvp: Rsvp, template: str) -> EmailMessage:
    event = rsvp.event
    language = _language(rsvp.language)
    with translation.override(language):
        context = _event_context(event)
        cancel_url = settings.SITE_URL + reverse(
            "petitions:event_rsvp_cancel", args=[cancel_token(rsvp)]
        )
        context.update(rsvp=rsvp, cancel_url=cancel_url)
    subject, body = render_email(template, language, context)
    message = EmailMessage(
        subject,
        body,
        to=[rsvp.email],
        headers={
            "List-Unsubscribe": f"<{cancel_url}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )
    calendar = event_ics(event, language=language, event_url=context["event_url"])
    message.attach(calendar_attachment(calendar))
    return message


@task
def send_rsvp_confirmation(rsvp_id: int, attempt: int = 1) -> bool:
    """'See you there', with the meeting point and the calendar file."""
    rsvp = _reachable_rsvp(rsvp_id)
    if rsvp is None or not is_open(rsvp.event):
        return False
    message = _rsvp_email(rsvp, "petitions/email/event_rsvp")
    return send_or_retry(message, send_rsvp_confirmation, attempt, rsvp_id=rsvp_id)


@task
def send_event_reminder(rsvp_id: int, attempt: int = 1) -> bool:
    rsvp = _reachable_rsvp(rsvp_id)
    if rsvp is None or not is_open(rsvp.event):
        return False
    message = _rsvp_email(rsvp, "petitions/email/event_reminder")
    return send_or_retry(message, send_event_reminder, attempt, rsvp_id=rsvp_id)


@task
def notify_rsvps(event_id: int, sequence: int) -> int:
    """The event moved or was cancelled: one notice to each person coming."""
    ids = list(
        Rsvp.objects.reachable()
        .filter(event_id=event_id)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    with transaction.atomic():
        for rsvp_id in ids:
            enqueue_with_transaction(send_event_change, rsvp_id, sequence)
    return len(ids)


@task
def send_event_change(rsvp_id: int, sequence: int, attempt: int = 1) -> bool:
    """The new time and place (or the cancellation) with the calendar file that replaces the
    last; a notice made stale by a later change is not sent (the later one is)."""
    rsvp = _reachable_rsvp(rsvp_id)
    if rsvp is None or rsvp.event.sequence != sequence:
        return False
    cancelled = rsvp.event.status == DeliveryEventStatus.CANCELLED
    template = "petitions/email/event_cancelled" if cancelled else "petitions/email/event_changed"
    message = _rsvp_email(rsvp, template)
    return send_or_retry(message, send_event_change, attempt, rsvp_id=rsvp_id, sequence=sequence)
