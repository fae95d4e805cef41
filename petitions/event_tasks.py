"""The delivery event's emails: invitations, the RSVP's calendar file, the reminder, the notice of
a move or a cancellation. Tasks take ids; each checks again that the person may still be written to.
"""

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.tasks import task
from django.urls import reverse
from django.utils import translation

from config.mail import render_email, send_or_retry, with_unsubscribe
from config.outbox import enqueue_with_transaction

from . import tokens
from .event_reads import cancel_token, invitation_token, is_open, when_text
from .ics import calendar_attachment, event_ics
from .models import DeliveryEvent, DeliveryEventStatus, Rsvp, Signature

INVITATION_BATCH = 500


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
    message = with_unsubscribe(subject, body, to=signature.email, unsubscribe_url=unsubscribe_url)
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
    message = with_unsubscribe(subject, body, to=rsvp.email, unsubscribe_url=cancel_url)
    calendar = event_ics(event, language=language, event_url=context["event_url"])
    message.attach(calendar_attachment(calendar))
    return message


def _send_before_the_event(task_obj, rsvp_id: int, attempt: int, template: str) -> bool:
    """An RSVP's email while the event still stands (none once it is cancelled or past)."""
    rsvp = _reachable_rsvp(rsvp_id)
    if rsvp is None or not is_open(rsvp.event):
        return False
    message = _rsvp_email(rsvp, template)
    return send_or_retry(message, task_obj, attempt, rsvp_id=rsvp_id)


@task
def send_rsvp_confirmation(rsvp_id: int, attempt: int = 1) -> bool:
    """'See you there', with the meeting point and the calendar file."""
    template = "petitions/email/event_rsvp"
    return _send_before_the_event(send_rsvp_confirmation, rsvp_id, attempt, template)


@task
def send_event_reminder(rsvp_id: int, attempt: int = 1) -> bool:
    template = "petitions/email/event_reminder"
    return _send_before_the_event(send_event_reminder, rsvp_id, attempt, template)


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
