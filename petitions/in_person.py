"""Signing in person: paper sheets the leader types in (and staff review), the signing table,
and the repeats the leader checks."""

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Value
from django.db.models.functions import Least
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from campaigns.models import Campaign

from .errors import (
    AlreadyChecked,
    NotAttested,
    OnlyTheLeaderGathers,
    PetitionError,
    ReasonRequired,
    SigningClosed,
    SigningTableClosed,
)
from .models import (
    Invalidation,
    PaperBatch,
    PaperBatchStatus,
    PetitionText,
    Signature,
    SignatureMethod,
    SignatureStatus,
    SigningTable,
    email_domain,
    name_key,
)
from .models import email_key as mailbox_key
from .signing import counts_changed, county_resident, signing_closed_reason
from .texts import current_petition


@dataclass
class PaperRow:
    """One line of a paper sign-up sheet as the leader typed it."""

    name: str
    zip_code: str
    visibility: str


def _lock_campaign_for(campaign: Campaign, user) -> Campaign:
    """The campaign locked for its active leader (anyone else: OnlyTheLeaderGathers).

    The lock keeps two entries from both missing each other's repeat. FOR NO KEY UPDATE: online
    signatures (their foreign key takes FOR KEY SHARE) are not blocked by it.
    """
    campaign = Campaign.objects.select_for_update(no_key=True).get(pk=campaign.pk)
    if user is None or not campaign.leaderships.of_team(user).exists():
        raise OnlyTheLeaderGathers
    return campaign


def _lock_for_leader(campaign: Campaign, user) -> tuple[Campaign, PetitionText]:
    """As above, and the campaign must take signatures: the petition they sign."""
    campaign = _lock_campaign_for(campaign, user)
    reason = signing_closed_reason(campaign)
    if reason:
        raise SigningClosed(reason)
    petition = current_petition(campaign)
    if petition is None:
        raise SigningClosed
    return campaign, petition


def _signed_in_person(
    campaign: Campaign,
    petition: PetitionText,
    *,
    method: str,
    name: str,
    zip_code: str,
    visibility: str,
    language: str,
    email: str = "",
    paper_batch: PaperBatch | None = None,
    signing_table: SigningTable | None = None,
) -> Signature:
    """A signature the leader witnessed: confirmed at once, no email needed.

    One that looks like a repeat of another paper or signing-table entry (same folded name and
    ZIP, or same mailbox) is kept, pending, for the leader to confirm: never dropped, never
    counted twice unseen. It is compared with in-person entries only: one that matches an online
    signature is recorded like any other and flagged for staff (`online_match`), so what a
    leader types never tells them who signed online.
    """
    key = name_key(name)
    email = email.strip()
    in_person = Signature.objects.exclude(method=SignatureMethod.ONLINE)
    twins = Signature.objects.same_name_and_zip(campaign.pk, zip_code, key)
    twin = bool(key) and twins.exclude(method=SignatureMethod.ONLINE).exists()
    online_match = bool(key) and twins.filter(method=SignatureMethod.ONLINE).exists()
    now = timezone.now()
    signature = Signature(
        campaign=campaign,
        petition_text=petition,
        language=language,
        name=name,
        name_key=key,
        email=email,
        email_key=mailbox_key(email),
        email_domain=email_domain(email) if email else "",
        zip_code=zip_code,
        county_resident=county_resident(campaign, zip_code),
        visibility=visibility,
        keep_updated=bool(email),
        method=method,
        paper_batch=paper_batch,
        signing_table=signing_table,
        created_at=now,
    )
    if signature.email_key:
        # ON CONFLICT DO NOTHING: an online signature with this mailbox (even one landing at this
        # very moment) costs no unique violation, whose detail PostgreSQL would log, address too.
        _hold_if_repeat(signature, twin=twin, online_match=online_match, now=now)
        if Signature.objects.insert_if_new(signature):
            return signature
        # One signature per mailbox: this one is kept without the address.
        holder = in_person.filter(campaign=campaign, email_key=signature.email_key).exists()
        twin = twin or holder
        online_match = online_match or not holder
        signature.email = signature.email_key = signature.email_domain = ""
        signature.keep_updated = False
    _hold_if_repeat(signature, twin=twin, online_match=online_match, now=now)
    signature.save()
    return signature


def _hold_if_repeat(signature: Signature, *, twin: bool, online_match: bool, now) -> None:
    """A repeat of an in-person entry waits for the leader; anything else counts at once."""
    signature.possible_duplicate = twin
    signature.online_match = online_match
    signature.status = SignatureStatus.PENDING if twin else SignatureStatus.CONFIRMED
    signature.confirmed_at = None if twin else now


def enter_paper_batch(
    campaign: Campaign,
    *,
    user,
    rows: list[PaperRow],
    attested: bool,
    language: str = "en",
    photo=None,
) -> PaperBatch:
    """The leader types in a paper sheet: its rows count at once as "signed on paper".

    Staff may review the batch later and reject it (its signatures stop counting) or accept it.
    """
    if not attested:
        raise NotAttested
    if not rows:
        raise PetitionError(_("Enter at least one signature from the sheet."))
    with transaction.atomic():
        campaign, petition = _lock_for_leader(campaign, user)
        batch = PaperBatch(campaign=campaign, entered_by=user, attested=True)
        if photo:
            batch.photo = photo
        batch.save()
        for row in rows:
            _signed_in_person(
                campaign,
                petition,
                method=SignatureMethod.PAPER,
                name=row.name,
                zip_code=row.zip_code,
                visibility=row.visibility,
                language=language,
                paper_batch=batch,
            )
        counts_changed(campaign.pk)
    return batch


def _review(batch: PaperBatch, *, status: str, reason: str, user) -> PaperBatch:
    batch.status = status
    batch.reason = reason
    batch.reviewed_by = user
    batch.reviewed_at = timezone.now()
    batch.save(update_fields=["status", "reason", "reviewed_by", "reviewed_at", "rejection"])
    return batch


def reject_paper_batch(batch: PaperBatch, *, reason: str, user) -> bool:
    """Staff reject a sheet: its signatures are invalidated with the reason and stop counting."""
    reason = (reason or "").strip()
    if not reason:
        raise ReasonRequired
    with transaction.atomic():
        batch = PaperBatch.objects.select_for_update().get(pk=batch.pk)
        if batch.status == PaperBatchStatus.REJECTED:
            return False
        live = batch.signatures.select_for_update().filter(
            status__in=[SignatureStatus.PENDING, SignatureStatus.CONFIRMED]
        )
        ids = list(live.values_list("pk", flat=True))
        batch.rejection = Invalidation.objects.create(
            reason=reason,
            criteria=f"paper batch #{batch.pk} rejected",
            signatures_affected=len(ids),
            created_by=user,
        )
        Signature.objects.filter(pk__in=ids).update(
            status=SignatureStatus.INVALIDATED, invalidation=batch.rejection
        )
        _review(batch, status=PaperBatchStatus.REJECTED, reason=reason, user=user)
        counts_changed(batch.campaign_id)
    return True


def accept_paper_batch(batch: PaperBatch, *, reason: str, user) -> bool:
    """Staff accept a sheet. One rejected before counts again: exactly the rows its rejection
    voided, each back to where it was (confirmed, or waiting for the leader's repeat check)."""
    reason = (reason or "").strip()
    if not reason:
        raise ReasonRequired
    with transaction.atomic():
        batch = PaperBatch.objects.select_for_update().get(pk=batch.pk)
        if batch.status == PaperBatchStatus.ACCEPTED:
            return False
        if batch.rejection_id:
            voided = batch.signatures.select_for_update().filter(
                status=SignatureStatus.INVALIDATED, invalidation_id=batch.rejection_id
            )
            voided.filter(confirmed_at__isnull=False).update(
                status=SignatureStatus.CONFIRMED, invalidation=None
            )
            voided.filter(confirmed_at__isnull=True).update(
                status=SignatureStatus.PENDING, invalidation=None
            )
            batch.rejection = None
        _review(batch, status=PaperBatchStatus.ACCEPTED, reason=reason, user=user)
        counts_changed(batch.campaign_id)
    return True


def open_signing_table(campaign: Campaign, *, user) -> SigningTable:
    """The leader's device takes in-person signatures until closed or SIGNING_TABLE_MINUTES pass.

    The leader's table already open is kept (a second tap changes nothing); any other, or one
    past its time, is ended first.
    """
    now = timezone.now()
    with transaction.atomic():
        campaign, _petition = _lock_for_leader(campaign, user)
        current = SigningTable.objects.open(now).filter(campaign=campaign, leader=user).first()
        if current is not None:
            return current
        SigningTable.objects.filter(campaign=campaign, ended_at__isnull=True).update(
            ended_at=Least("expires_at", Value(now))
        )
        return SigningTable.objects.create(
            campaign=campaign,
            leader=user,
            started_at=now,
            expires_at=now + timedelta(minutes=settings.SIGNING_TABLE_MINUTES),
        )


def close_signing_table(table: SigningTable) -> SigningTable:
    """End the table now (or when it ran out, if that came first); closing twice changes nothing."""
    with transaction.atomic():
        table = SigningTable.objects.select_for_update().get(pk=table.pk)
        if table.ended_at is None:
            table.ended_at = min(timezone.now(), table.expires_at)
            table.save(update_fields=["ended_at"])
    return table


def sign_at_table(
    campaign: Campaign,
    *,
    user,
    name: str,
    zip_code: str,
    visibility: str,
    email: str = "",
    language: str = "en",
) -> Signature:
    """One person signs on the leader's device: "signed in person with the leader", counted at once.

    No confirmation email (the leader is there); an email given is only for campaign updates.
    """
    with transaction.atomic():
        campaign, petition = _lock_for_leader(campaign, user)
        table = (
            SigningTable.objects.select_for_update()
            .open()
            .filter(campaign=campaign, leader=user)
            .first()
        )
        if table is None:
            raise SigningTableClosed
        signature = _signed_in_person(
            campaign,
            petition,
            method=SignatureMethod.IN_PERSON,
            name=name,
            zip_code=zip_code,
            visibility=visibility,
            language=language,
            email=email,
            signing_table=table,
        )
        counts_changed(campaign.pk)
    return signature


def _repeat_to_check(campaign: Campaign, signature_id: int, user) -> Signature:
    _lock_campaign_for(campaign, user)
    signature = (
        Signature.objects.select_for_update()
        .filter(pk=signature_id, campaign=campaign)
        .exclude(method=SignatureMethod.ONLINE)
        .first()
    )
    if signature is None or signature.status != SignatureStatus.PENDING:
        raise AlreadyChecked
    return signature


def count_possible_repeat(campaign: Campaign, signature_id: int, *, user) -> Signature:
    """The leader says a flagged entry is a different person: it counts from now."""
    with transaction.atomic():
        signature = _repeat_to_check(campaign, signature_id, user)
        signature.status = SignatureStatus.CONFIRMED
        signature.confirmed_at = timezone.now()
        signature.save(update_fields=["status", "confirmed_at"])
        counts_changed(campaign.pk)
    return signature


def remove_possible_repeat(campaign: Campaign, signature_id: int, *, user) -> Signature:
    """The leader says a flagged entry is someone who had already signed: it never counts."""
    with transaction.atomic():
        signature = _repeat_to_check(campaign, signature_id, user)
        invalidation = Invalidation.objects.create(
            reason="The leader found the same person had already signed.",
            criteria=f"signature #{signature.pk}, checked by the campaign's leader",
            signatures_affected=1,
            created_by=user,
        )
        signature.status = SignatureStatus.INVALIDATED
        signature.invalidation = invalidation
        signature.save(update_fields=["status", "invalidation"])
    return signature
