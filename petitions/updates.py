"""Keeping signers in the loop: a leader's update (staff approve it) and the news the site sends by
itself (delivery planned, delivered, outcome, agreement), to confirmed signers who asked for
updates. The leader sees how many it reached, never who.
"""

from datetime import date, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from campaigns.models import Campaign
from config.outbox import enqueue_with_transaction

from .errors import PetitionError
from .models import CampaignUpdate, Signature, UpdateKind, UpdateStatus

ONE_UPDATE_EVERY = timedelta(days=7)
SUBJECT_MAX = 120
BODY_MAX = 2000


class UpdateRefused(PetitionError):
    """Why a leader's update cannot go out (the message says which rule)."""


NOT_THE_LEADER = _("Only the campaign's leader can write to its signers.")
ONE_A_WEEK = _(
    "This campaign already has an update this week: signers hear from a campaign at most once "
    "a week. You can write the next one from %(date)s."
)
ONE_AT_A_TIME = _("An update is already waiting for staff or being sent.")


def _trusted(leadership, campaign: Campaign) -> bool:
    """A trained leader whose campaign delivered may skip staff review, when staff allow it."""
    return bool(
        settings.UPDATES_TRUSTED_LEADERS_SKIP_APPROVAL
        and leadership.training_completed_at is not None
        and campaign.deliveries.exists()
    )


def next_update_allowed(campaign: Campaign, *, now=None):
    """When the leader may write again (None: now)."""
    now = now or timezone.now()
    last = (
        CampaignUpdate.objects.counting_toward_the_week(campaign.pk, since=now - ONE_UPDATE_EVERY)
        .order_by("-created_at")
        .first()
    )
    return None if last is None else last.created_at + ONE_UPDATE_EVERY


def write_update(campaign: Campaign, *, author, subject: str, body: str) -> CampaignUpdate:
    """The leader's update, waiting for staff (or on its way, for a trusted leader)."""
    now = timezone.now()
    with transaction.atomic():
        locked = Campaign.objects.select_for_update().get(pk=campaign.pk)
        leadership = locked.leaderships.of_team(author).first()
        if leadership is None:
            raise UpdateRefused(NOT_THE_LEADER)
        allowed = next_update_allowed(locked, now=now)
        if allowed is not None:
            when = formats.date_format(timezone.localtime(allowed), "DATE_FORMAT")
            raise UpdateRefused(ONE_A_WEEK % {"date": when})
        try:
            with transaction.atomic():
                update = CampaignUpdate.objects.create(
                    campaign=locked,
                    author=author,
                    subject=subject.strip()[:SUBJECT_MAX],
                    body=body.strip()[:BODY_MAX],
                    status=UpdateStatus.PENDING,
                    created_at=now,
                )
        except IntegrityError as exc:
            raise UpdateRefused(ONE_AT_A_TIME) from exc
        # Trust is the trained lead leader's own: a co-leader's update always waits for staff.
        if leadership.user_id == author.pk and _trusted(leadership, locked):
            _start_sending(update, by=None, now=now)
    return update


def _start_sending(update: CampaignUpdate, *, by, now) -> None:
    update.status = UpdateStatus.SENDING
    update.approved_by = by
    update.approved_at = now
    update.recipients = Signature.objects.wanting_updates(update.campaign_id).count()
    update.save(update_fields=["status", "approved_by", "approved_at", "recipients"])
    from .update_tasks import send_update_batch

    enqueue_with_transaction(send_update_batch, update.pk)


def _move(update_id: int, *, allowed_from, to: str, by=None) -> bool:
    """Lock the update and move it from one of `allowed_from`; False when it was not there."""
    with transaction.atomic():
        update = CampaignUpdate.objects.select_for_update().filter(pk=update_id).first()
        if update is None or update.status not in allowed_from:
            return False
        now = timezone.now()
        if to == UpdateStatus.SENDING:
            _start_sending(update, by=by, now=now)
        else:
            update.status = to
            update.finished_at = now
            update.save(update_fields=["status", "finished_at"])
    return True


def approve_update(update_id: int, *, by) -> bool:
    """Staff approve a leader's update: it starts going out at once, in batches."""
    return _move(update_id, allowed_from=[UpdateStatus.PENDING], to=UpdateStatus.SENDING, by=by)


def reject_update(update_id: int, *, by) -> bool:
    return _move(update_id, allowed_from=[UpdateStatus.PENDING], to=UpdateStatus.REJECTED, by=by)


def stop_update(update_id: int, *, by) -> bool:
    """Staff stop an update: no batch starts after this (one already sending finishes)."""
    return _move(update_id, allowed_from=UpdateStatus.in_progress(), to=UpdateStatus.STOPPED, by=by)


def notify_signers(
    campaign_id: int, kind: str, context: dict, *, event: str = ""
) -> CampaignUpdate | None:
    """News the site sends by itself to the campaign's signers who asked for updates, once per
    (kind, event); None when it was already sent. Call it inside the transaction of the event:
    the first batch is queued through the outbox with it.

    Campaigns' events reach it through campaigns.signals (campaigns imports nothing from
    petitions): a new or renewed agreement is `agreement_changed.send(Campaign, campaign=…,
    agency=name, renewed=bool, expires=date|None, event=f"{contract.pk}:{contract.expires}")`.
    """
    if kind not in UpdateKind.values or kind == UpdateKind.UPDATE:
        raise ValueError(f"not a kind of news: {kind}")
    now = timezone.now()
    with transaction.atomic():
        try:
            with transaction.atomic():
                update = CampaignUpdate.objects.create(
                    campaign_id=campaign_id,
                    kind=kind,
                    context=context,
                    event=event[:100],
                    status=UpdateStatus.APPROVED,
                    created_at=now,
                )
        except IntegrityError:
            return None
        _start_sending(update, by=None, now=now)
    return update


def iso(value) -> str:
    """A date as JSON keeps it (news context), or "" for none."""
    return value.isoformat() if isinstance(value, date) else ""


def delivered(delivery) -> None:
    """The petition was handed over: signers hear it, with the leader's short report."""
    notify_signers(
        delivery.campaign_id,
        UpdateKind.DELIVERED,
        {
            "date": iso(delivery.delivered_on),
            "notes": delivery.notes,
            "signatures": delivery.signatures_delivered,
        },
        event=str(delivery.pk),
    )
