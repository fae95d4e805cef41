"""Sending updates and news to signers: one task per batch of BATCH_SIZE, chained through the
outbox, each checking first that staff have not stopped the sending. Logs carry ids only."""

from datetime import date

from django.db import transaction
from django.db.models import F
from django.tasks import task
from django.utils import timezone

from config.mail import send_or_retry
from config.outbox import enqueue_with_transaction

from .models import CampaignUpdate, Signature, UpdateStatus
from .tasks import _signer_email

BATCH_SIZE = 200
TEMPLATES = "petitions/email/update_"


def _context(update: CampaignUpdate) -> dict:
    context = dict(update.context)
    if context.get("date"):
        context["date"] = date.fromisoformat(context["date"])
    if context.get("expires"):
        context["expires"] = date.fromisoformat(context["expires"])
    return {"update": update, "news": context}


def _email(update: CampaignUpdate, signature: Signature):
    # Greeting and footer in the signer's language; a leader's words as they wrote them.
    return _signer_email(signature, TEMPLATES + update.kind, _context(update))


@task
def send_update_batch(update_id: int) -> int:
    """Send the next batch of an update; queue the batch after it first. Returns how many sent."""
    with transaction.atomic():
        update = (
            CampaignUpdate.objects.select_for_update()
            .select_related("campaign")
            .filter(pk=update_id)
            .first()
        )
        if update is None or update.status != UpdateStatus.SENDING:
            return 0
        batch = list(
            Signature.objects.wanting_updates(update.campaign_id)
            .filter(pk__gt=update.last_signature_id)
            .select_related("campaign", "petition_text")
            .order_by("pk")[:BATCH_SIZE]
        )
        if len(batch) == BATCH_SIZE:
            update.last_signature_id = batch[-1].pk
            update.save(update_fields=["last_signature_id"])
            enqueue_with_transaction(send_update_batch, update_id)
        else:
            update.status = UpdateStatus.SENT
            update.finished_at = timezone.now()
            if batch:
                update.last_signature_id = batch[-1].pk
            update.save(update_fields=["status", "finished_at", "last_signature_id"])
    sent = 0
    for signature in batch:
        message = _email(update, signature)
        sent += send_or_retry(
            message, send_update_to, 1, update_id=update_id, signature_id=signature.pk
        )
    if sent:
        CampaignUpdate.objects.filter(pk=update_id).update(sent=F("sent") + sent)
    return sent


@task
def send_update_to(update_id: int, signature_id: int, attempt: int = 1) -> bool:
    """One signer's copy, tried again after a mail server failure (if still wanted)."""
    update = CampaignUpdate.objects.filter(pk=update_id).first()
    if update is None or update.status not in (UpdateStatus.SENDING, UpdateStatus.SENT):
        return False
    signature = (
        Signature.objects.wanting_updates(update.campaign_id)
        .select_related("campaign", "petition_text")
        .filter(pk=signature_id)
        .first()
    )
    if signature is None:
        return False
    message = _email(update, signature)
    sent = send_or_retry(
        message, send_update_to, attempt, update_id=update_id, signature_id=signature_id
    )
    if sent:
        CampaignUpdate.objects.filter(pk=update_id).update(sent=F("sent") + 1)
    return sent
