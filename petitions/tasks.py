"""Background work for signatures: the signer's emails, tally refreshes and leaders' milestones.

Tasks take ids, never objects. A send that fails (mail server down) is retried later with a
growing delay; the signature is already committed, so nothing is lost. Logs carry ids only:
never a signer's name, email or address.
"""

from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.db.models import Case, F, Value, When
from django.tasks import task
from django.urls import reverse
from django.utils import timezone, translation

from campaigns.models import Campaign
from campaigns.sharing import share_links
from config.mail import render_email, with_unsubscribe
from config.mail import send_batch_or_retry as _send_batch
from config.mail import send_or_retry as _send
from config.outbox import enqueue_with_transaction

from . import tokens
from .counting import refresh_tallies, tally_for
from .models import MilestoneNotice, Signature, SignatureMethod, SignatureStatus


def _absolute(name: str, *args) -> str:
    return settings.SITE_URL + reverse(name, args=args)


def _signer_links(signature: Signature) -> dict:
    # Called inside translation.override: the links keep the signer's language (/es/...).
    campaign = signature.campaign
    return {
        "signature": signature,
        "campaign": campaign,
        "petition_title": signature.petition_text.title(signature.language),
        "campaign_url": settings.SITE_URL + campaign.get_absolute_url(),
        "confirm_url": _absolute("petitions:confirm", tokens.confirm_token(signature.uid)),
        "withdraw_url": _absolute("petitions:withdraw", tokens.withdraw_token(signature.uid)),
        "unsubscribe_url": _absolute(
            "petitions:unsubscribe", tokens.unsubscribe_token(signature.uid)
        ),
        "link_days": settings.CONFIRMATION_LINK_MAX_AGE.days,
        "share": share_links(campaign, translation.get_language()),
    }


def _signer_email(signature: Signature, template: str, extra: dict | None = None) -> EmailMessage:
    language = signature.language if signature.language in dict(settings.LANGUAGES) else "en"
    with translation.override(language):
        context = {**_signer_links(signature), **(extra or {})}
    subject, body = render_email(template, language, context)
    return with_unsubscribe(
        subject, body, to=signature.email, unsubscribe_url=context["unsubscribe_url"]
    )


def _signatures(signature_ids, status) -> dict[int, Signature]:
    """The signatures still in `status` with an address, by id, in one query."""
    rows = (
        Signature.objects.select_related("campaign", "petition_text")
        .filter(pk__in=signature_ids, status=status)
        .exclude(email="")
        .order_by("pk")
    )
    return {signature.pk: signature for signature in rows}


# Emails per task, all over one connection: at 100 ms a message a batch takes a few seconds, so
# a worker stopped (deploy) finishes it within its grace period; a surge's sweep queues enough
# batches that every worker has one.
EMAIL_BATCH = 25


@task
def send_confirmation(*signature_ids: int, attempt: int = 1) -> int:
    """The emails with the "Confirm my signature" link (new or still-pending signatures), over one
    connection to the mail server. Returns how many were sent."""
    signatures = _signatures(signature_ids, SignatureStatus.PENDING)
    messages = {
        pk: _signer_email(signature, "petitions/email/confirmation")
        for pk, signature in signatures.items()
    }
    return len(_send_batch(messages, send_confirmation, attempt))


FOLLOW_UP_BATCH = 500


@task
def follow_up_new_signatures() -> int:
    """Online signings: flag the possible repeats and queue the one email each one calls for.

    Signing writes only the signature row (`follow_up_due`), the same for a new address and one
    that signed before; this sweep, queued once a second while people sign, decides per row in
    batches: pending → the confirmation email; confirmed → "already signed"; invalidated →
    nothing (a withdrawn row was started over as pending by the signing). At most one email per
    row (one address, one campaign) in SIGNING_EMAIL_COOLDOWN_MINUTES: the links it received
    before keep working and show the current details. The email tasks are written in the
    batch's transaction (EMAIL_BATCH signers to a task, sent over one connection), so a
    signature is never left with neither. Returns how many it followed up.
    """
    done = 0
    cooldown = timedelta(minutes=settings.SIGNING_EMAIL_COOLDOWN_MINUTES)
    while True:
        with transaction.atomic():
            # Not SKIP LOCKED: a row a signer's request holds now would wait for a sweep that
            # only the next signature would queue. Two sweeps at once take turns instead.
            due = Signature.objects.filter(follow_up_due=True).select_for_update()
            batch = list(
                due.order_by("pk").values_list(
                    "pk", "status", "method", "last_emailed_at", named=True
                )[:FOLLOW_UP_BATCH]
            )
            if not batch:
                return done
            now = timezone.now()
            rows = Signature.objects.filter(pk__in=[row.pk for row in batch])
            repeats = rows.filter(status=SignatureStatus.PENDING).possible_repeats()
            Signature.objects.filter(pk__in=repeats).update(possible_duplicate=True)
            emails = []
            for row in batch:
                if row.last_emailed_at is not None and now - row.last_emailed_at < cooldown:
                    continue
                if row.status == SignatureStatus.PENDING and row.method == SignatureMethod.ONLINE:
                    emails.append((send_confirmation, row.pk))
                elif row.status == SignatureStatus.CONFIRMED:
                    emails.append((send_already_signed, row.pk))
            emailed = [pk for _task, pk in emails]
            # One new version of each row, not two: at a surge every row version is written to
            # each of the table's indexes (the flag is in one's condition, so no HOT update).
            rows.update(
                follow_up_due=False,
                last_emailed_at=Case(
                    When(pk__in=emailed, then=Value(now)), default=F("last_emailed_at")
                ),
            )
            # Within the cool-down nothing goes out: an address taken back for it goes again.
            rows.exclude(pk__in=emailed).let_addresses_go()
            for email_task in (send_confirmation, send_already_signed):
                ids = [pk for queued_task, pk in emails if queued_task is email_task]
                for start in range(0, len(ids), EMAIL_BATCH):
                    enqueue_with_transaction(email_task, *ids[start : start + EMAIL_BATCH])
        done += len(batch)


@task
def send_already_signed(*signature_ids: int, attempt: int = 1) -> int:
    """Someone signed again with a confirmed address: tell its owner, confirm nothing. Returns
    how many were sent."""
    signatures = _signatures(signature_ids, SignatureStatus.CONFIRMED)
    messages = {
        pk: _signer_email(signature, "petitions/email/already_signed")
        for pk, signature in signatures.items()
    }
    sent = _send_batch(messages, send_already_signed, attempt)
    Signature.objects.filter(pk__in=sent).let_addresses_go()
    return len(sent)


@task
def recount_every_campaign() -> int:
    """Refresh every stored tally: staff changed what counts toward the goal. Returns the drift."""
    from .counting import refresh_tallies

    return len(refresh_tallies(Campaign.objects.all()))


@task
def after_count_change(campaign_id: int) -> list[int]:
    """Refresh the campaign's tally (written only if it changed) and note milestones reached.

    Each milestone is recorded once by its unique MilestoneNotice row; the leader gets one email
    for the highest milestone newly reached.
    """
    from campaigns.progress import milestones

    campaign = Campaign.objects.filter(pk=campaign_id).first()
    if campaign is None:
        return []
    refresh_tallies([campaign])
    counted = tally_for(campaign).counted
    reached = []
    for threshold in milestones():
        if counted < threshold:
            break
        try:
            with transaction.atomic():
                MilestoneNotice.objects.create(campaign=campaign, threshold=threshold)
        except IntegrityError:
            continue
        reached.append(threshold)
    if reached:
        send_milestone.enqueue(campaign_id=campaign_id, threshold=reached[-1])
    return reached


@task
def send_milestone(campaign_id: int, threshold: int, attempt: int = 1) -> bool:
    """Tell the campaign's active leader a milestone was reached (counts only, never who)."""
    campaign = Campaign.objects.filter(pk=campaign_id).first()
    leadership = campaign.leaderships.active().select_related("user").first() if campaign else None
    if leadership is None:
        return False
    language = leadership.user.language or settings.LANGUAGE_CODE
    kwargs = campaign.url_kwargs
    with translation.override(language):  # links in the leader's language too (/es/…)
        context = {
            "campaign": campaign,
            "leadership": leadership,
            "threshold": threshold,
            "goal": settings.SIGNATURE_GOAL,
            "reached_goal": threshold >= settings.SIGNATURE_GOAL,
            "campaign_url": settings.SITE_URL + campaign.get_absolute_url(),
            "dashboard_url": settings.SITE_URL + reverse("campaigns:dashboard", kwargs=kwargs),
            "delivery_url": settings.SITE_URL + reverse("petitions:delivery", kwargs=kwargs),
        }
    subject, body = render_email("petitions/email/milestone", language, context)
    message = EmailMessage(subject, body, to=[leadership.user.email])
    return _send(message, send_milestone, attempt, campaign_id=campaign_id, threshold=threshold)


@task
def tell_staff_of_drift(drift: list[str], attempt: int = 1) -> bool:
    """Tell staff the nightly recount fixed drift (one line per campaign), retried when mail is down."""
    if not settings.STAFF_NOTIFY_EMAILS:
        return False
    subject, body = render_email(
        "petitions/email/recount_drift", settings.LANGUAGE_CODE, {"drift": drift}
    )
    message = EmailMessage(subject, body, to=settings.STAFF_NOTIFY_EMAILS)
    return _send(message, tell_staff_of_drift, attempt, drift=drift)
