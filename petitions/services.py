"""Petition texts, signing (online, on paper, at a signing table), confirming, withdrawing,
invalidating, reviewing paper batches, delivering and purging.

Each use case is one function that owns its transaction and locks; emails and tally refreshes are
enqueued after commit, so a failed send never takes a signature with it.
"""

import logging
import uuid
from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum
from functools import partial

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Exists, Max, OuterRef, Q, Value
from django.db.models.functions import Least
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from campaigns import places
from campaigns.geography import county_for_zip
from campaigns.models import Campaign, CampaignStatus, TargetRole
from campaigns.states import state_name
from config.outbox import enqueue_once_per_window, enqueue_with_transaction

from . import defaults, tasks, tokens
from .counting import forget_tally
from .models import (
    Delivery,
    Invalidation,
    PaperBatch,
    PaperBatchStatus,
    PetitionTemplate,
    PetitionText,
    PetitionTextStatus,
    Signature,
    SignatureMethod,
    SignatureStatus,
    SigningTable,
    SiteSettings,
    name_key,
)

logger = logging.getLogger(__name__)


class PetitionError(Exception):
    message = _("Something went wrong.")

    def __init__(self, message=None):
        if message is not None:
            self.message = message
        super().__init__(str(self.message))


class SigningClosed(PetitionError):
    message = _("This petition is not taking signatures right now.")


class SignatureNotActive(PetitionError):
    message = _("This signature was withdrawn or is no longer valid, so it cannot be confirmed.")

    def __init__(self, signature=None):
        super().__init__()
        self.signature = signature


class DeliveryNotReady(PetitionError):
    message = _("The delivery kit opens when the petition reaches its goal.")


class NotTheLeader(PetitionError):
    message = _("Only the campaign's leader can gather signatures for it.")


class NotAttested(PetitionError):
    message = _("Confirm that each person on the sheet signed it in person.")


class SigningTableClosed(PetitionError):
    message = _("The signing table is closed. Open it again from your dashboard to keep going.")


class AlreadyChecked(PetitionError):
    message = _("This signature was already checked.")


class ReasonRequired(PetitionError):
    message = _("A reason is required.")


LinkExpired = tokens.LinkExpired
LinkInvalid = tokens.LinkInvalid

# Campaigns that ended (or were folded into another) take no new signatures.
CLOSED_STATUSES = {CampaignStatus.WON, CampaignStatus.LOST, CampaignStatus.CLOSED}
PURGEABLE_STATUSES = CLOSED_STATUSES
GMAIL_DOMAINS = {"gmail.com", "googlemail.com"}


class _Blank(dict):
    def __missing__(self, key):
        return "{" + key + "}"


def petition_placeholders(campaign: Campaign, language: str) -> dict[str, str]:
    """What {county}, {state}, {sheriff} and {agency} become in `language`: in Spanish, places
    and agencies with their article ("el condado de Etowah"), see campaigns.places."""
    targets = list(campaign.targets.all())
    head = next(
        (t for t in targets if t.role in (TargetRole.SHERIFF, TargetRole.AGENCY_HEAD)), None
    )
    agencies = sorted({t.office for t in targets if t.role != TargetRole.OFFICIAL and t.office})
    if language == "es":
        sheriff_default = "el sheriff" if campaign.county_id else "la dirección de la agencia"
        joiner = " y "
        agencies = [places.agency_name(a, language) for a in agencies]
        sheriff = head.name if head and head.name else ""
        if sheriff.startswith("Sheriff "):  # a title, lowercase in Spanish: "el sheriff Pat Doe"
            sheriff = "el sheriff " + sheriff.removeprefix("Sheriff ")
    else:
        sheriff_default = "the Sheriff" if campaign.county_id else "the head of the agency"
        joiner = " and "
        sheriff = head.name if head and head.name else ""
    county = places.campaign_place(campaign, language)
    return _Blank(
        county=county,
        state=state_name(campaign.state, language=language),
        sheriff=sheriff or sheriff_default,
        agency=joiner.join(agencies) or county,
    )


def petition_template() -> PetitionTemplate:
    """The national sample petition staff edited last, or the built-in one (unsaved) before any."""
    return PetitionTemplate.objects.order_by("-updated_at").first() or PetitionTemplate(
        title_en=defaults.TITLE_EN,
        title_es=defaults.TITLE_ES,
        body_en=defaults.BODY_EN,
        body_es=defaults.BODY_ES,
    )


def render_petition(campaign: Campaign, template: PetitionTemplate | None = None) -> dict[str, str]:
    """The four texts of a campaign's petition, from the national template (or the built-in one)."""
    t = template or petition_template()
    sources = {
        "title_en": t.title_en,
        "title_es": t.title_es,
        "body_en": t.body_en,
        "body_es": t.body_es,
    }
    texts = {
        key: text.format_map(petition_placeholders(campaign, key[-2:]))
        for key, text in sources.items()
    }
    for key in ("title_es", "body_es"):
        texts[key] = places.contract_articles(texts[key])
    return texts


def ensure_petition_texts() -> int:
    """Give every campaign without a petition its version 1, rendered from the template."""
    missing = (
        Campaign.objects.filter(petition_texts__isnull=True)
        .select_related("county", "agency")
        .prefetch_related("targets")
    )
    # One template for all: fetched per campaign, it was 1,400 of the 2026 import's queries.
    template = petition_template()
    texts = [PetitionText(campaign=c, version=1, **render_petition(c, template)) for c in missing]
    PetitionText.objects.bulk_create(texts, ignore_conflicts=True)
    return len(texts)


def _petition_fields(text: PetitionText) -> dict[str, str]:
    return {
        "title_en": text.title_en,
        "title_es": text.title_es,
        "body_en": text.body_en,
        "body_es": text.body_es,
    }


@transaction.atomic
def apply_petition_template(
    template: PetitionTemplate, *, previous: PetitionTemplate, user=None
) -> int:
    """Staff edited the sample petition: every campaign still showing what the previous template
    rendered, and not signed yet, gets a new approved version rendered from the new one.

    A text someone signed never changes under them (each signature records its version), and a
    text a leader or staff wrote for their campaign stays theirs. Returns how many changed.
    """
    unsigned = (
        Campaign.objects.select_for_update(no_key=True, of=("self",))
        .filter(~Exists(Signature.objects.filter(campaign=OuterRef("pk"))))
        .select_related("county", "agency")
        .prefetch_related("targets")
    )
    campaigns = list(unsigned)
    current, last = {}, {}
    texts = PetitionText.objects.filter(campaign_id__in=[c.pk for c in campaigns])
    for text in texts.order_by("version"):
        last[text.campaign_id] = text.version
        if text.status == PetitionTextStatus.APPROVED:
            current[text.campaign_id] = text
    now = timezone.now()
    new = []
    for campaign in campaigns:
        text = current.get(campaign.pk)
        if text is None or _petition_fields(text) != render_petition(campaign, previous):
            continue
        fields = render_petition(campaign, template)
        if fields != _petition_fields(text):
            new.append(
                PetitionText(
                    campaign=campaign,
                    version=last[campaign.pk] + 1,
                    reviewed_by=user,
                    reviewed_at=now,
                    **fields,
                )
            )
    PetitionText.objects.bulk_create(new)
    return len(new)


def current_petition(campaign: Campaign) -> PetitionText | None:
    return campaign.petition_texts.current_first().first()


def _current_petition_id(campaign: Campaign) -> int | None:
    if hasattr(campaign, "current_petition_id"):  # Campaign.objects.with_current_petition()
        return campaign.current_petition_id
    petition = current_petition(campaign)
    return petition.pk if petition else None


@transaction.atomic
def propose_petition_text(campaign: Campaign, *, texts: dict[str, str], user) -> PetitionText:
    """A new version of a campaign's text. Before the first signature it takes effect at once;
    after it, it waits for staff approval (people must get the text they signed delivered)."""
    Campaign.objects.select_for_update().get(pk=campaign.pk)
    last = campaign.petition_texts.aggregate(v=Max("version"))["v"] or 0
    has_signatures = campaign.signatures.exists()
    status = (
        PetitionTextStatus.PROPOSED
        if has_signatures and not user.is_staff
        else PetitionTextStatus.APPROVED
    )
    return PetitionText.objects.create(
        campaign=campaign,
        version=last + 1,
        status=status,
        proposed_by=user,
        reviewed_by=user if status == PetitionTextStatus.APPROVED and user.is_staff else None,
        **texts,
    )


@transaction.atomic
def approve_petition_text(text: PetitionText, *, user) -> bool:
    """Staff approve a proposed version: it becomes the text new signers sign."""
    text = PetitionText.objects.select_for_update().get(pk=text.pk)
    if text.status != PetitionTextStatus.PROPOSED:
        return False
    text.status = PetitionTextStatus.APPROVED
    text.reviewed_by = user
    text.reviewed_at = timezone.now()
    text.save(update_fields=["status", "reviewed_by", "reviewed_at"])
    return True


@transaction.atomic
def reject_petition_text(text: PetitionText, *, user) -> bool:
    text = PetitionText.objects.select_for_update().get(pk=text.pk)
    if text.status != PetitionTextStatus.PROPOSED:
        return False
    text.status = PetitionTextStatus.REJECTED
    text.reviewed_by = user
    text.reviewed_at = timezone.now()
    text.save(update_fields=["status", "reviewed_by", "reviewed_at"])
    return True


# Signing ------------------------------------------------------------------------------------


def normalize_email(email: str) -> str:
    """One key per mailbox: lower case, no +tag, and for Gmail no dots (they all reach one inbox)."""
    email = email.strip().lower()
    local, _at, domain = email.rpartition("@")
    if not local:
        return email
    base = local.split("+", 1)[0] or local
    if domain in GMAIL_DOMAINS:
        base = base.replace(".", "") or base
        domain = "gmail.com"
    return f"{base}@{domain}"


def _county_resident(campaign: Campaign, zip_code: str) -> bool:
    place = county_for_zip(zip_code)
    return bool(place and campaign.county_id and place[0] == campaign.county_id)


def signing_closed_reason(campaign: Campaign, site: SiteSettings | None = None):
    """Why this campaign takes no signatures now, or None when it does."""
    site = site or SiteSettings.load()
    if campaign.merged_into_id or campaign.status in CLOSED_STATUSES:
        return _("This campaign has ended, so it no longer takes signatures.")
    if site.signing_paused or campaign.signing_paused:
        return _(
            "Signing is paused for a short while. Your signature matters: please come back "
            "later today."
        )
    return None


class SignOutcome(StrEnum):
    NEW = "new"  # a confirmation email goes out
    RESENT = "resent"  # still pending: the confirmation goes out again
    ALREADY = "already"  # confirmed before: an "already signed" email goes out
    IGNORED = "ignored"  # invalidated by staff: nothing is sent


def sign_petition(
    campaign: Campaign,
    *,
    name: str,
    email: str,
    zip_code: str,
    visibility: str,
    keep_updated: bool = False,
    language: str = "en",
    source: str = "",
) -> SignOutcome:
    """Record an online signature, pending until its owner confirms from the email.

    Whatever happened, the signer sees the same page (never reveal who has signed); the outcome
    only decides which email goes out. One signature per mailbox per campaign is held by the
    database: two identical requests racing both try to insert, one wins, the other lands on it.
    """
    reason = signing_closed_reason(campaign)
    if reason:
        raise SigningClosed(reason)
    petition_id = _current_petition_id(campaign)
    if petition_id is None:
        raise SigningClosed
    email_key = normalize_email(email)
    fields = {
        "petition_text_id": petition_id,
        "language": language,
        "name": name,
        "email": email.strip(),
        "zip_code": zip_code,
        "county_resident": _county_resident(campaign, zip_code),
        "visibility": visibility,
        "keep_updated": keep_updated,
        "source": source,
        "method": SignatureMethod.ONLINE,
    }
    candidate = Signature(
        campaign=campaign,
        email_key=email_key,
        name_key=name_key(name),
        follow_up_due=True,
        **fields,
    )
    # A new mailbox (nearly every signer at a surge) costs this one statement, committed on its
    # own: the row carries its follow-up (repeat check, confirmation email), which the worker
    # sweeps up a second later. Two identical requests racing both try; one inserts, the other
    # finds its row below.
    if Signature.objects.insert_if_new(candidate):
        _follow_up_soon()
        return SignOutcome.NEW
    with transaction.atomic():
        signature = _signature_row(campaign, email_key)
        outcome = _outcome_for(signature) if signature else SignOutcome.IGNORED
        if outcome == SignOutcome.NEW:  # withdrawn before: signing again starts it over
            _restart(signature, fields)
            _follow_up_soon()
        elif outcome == SignOutcome.RESENT:
            enqueue_with_transaction(tasks.send_confirmation, signature.pk)
        elif outcome == SignOutcome.ALREADY:
            enqueue_with_transaction(tasks.send_already_signed, signature.pk)
    return outcome


FOLLOW_UP_SECONDS = 1


def _follow_up_soon() -> None:
    """Once committed: one sweep of new signatures in the next second, whoever signed in it."""
    transaction.on_commit(
        partial(
            enqueue_once_per_window,
            tasks.follow_up_new_signatures,
            "petitions:follow-up",
            FOLLOW_UP_SECONDS,
        )
    )


def _signature_row(campaign, email_key) -> Signature | None:
    return (
        Signature.objects.select_for_update().filter(campaign=campaign, email_key=email_key).first()
    )


def _outcome_for(signature: Signature) -> SignOutcome:
    return {
        SignatureStatus.PENDING: SignOutcome.RESENT,
        SignatureStatus.CONFIRMED: SignOutcome.ALREADY,
        SignatureStatus.WITHDRAWN: SignOutcome.NEW,
    }.get(signature.status, SignOutcome.IGNORED)


def _restart(signature: Signature, fields: dict) -> None:
    """A withdrawn signer signs again: the same row, pending again, with new links (old ones die)."""
    for key, value in fields.items():
        setattr(signature, key, value)
    signature.uid = uuid.uuid4()
    signature.status = SignatureStatus.PENDING
    signature.created_at = timezone.now()
    signature.confirmed_at = None
    signature.withdrawn_at = None
    signature.unsubscribed_at = None
    signature.possible_duplicate = False
    signature.follow_up_due = True
    signature.save()


def _has_twin(campaign_id: int, zip_code: str, key: str) -> bool:
    """Another live signature in this campaign with the same folded name and ZIP."""
    return bool(key) and Signature.objects.same_name_and_zip(campaign_id, zip_code, key).exists()


# In person: paper sheets and the signing table ------------------------------------------------


@dataclass
class PaperRow:
    """One line of a paper sign-up sheet as the leader typed it."""

    name: str
    zip_code: str
    visibility: str


def _lock_campaign_for(campaign: Campaign, user) -> Campaign:
    """The campaign locked for its active leader (anyone else: NotTheLeader).

    The lock keeps two entries from both missing each other's repeat. FOR NO KEY UPDATE: online
    signatures (their foreign key takes FOR KEY SHARE) are not blocked by it.
    """
    campaign = Campaign.objects.select_for_update(no_key=True).get(pk=campaign.pk)
    if user is None or not campaign.leaderships.active().filter(user=user).exists():
        raise NotTheLeader
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

    One that looks like a repeat (same folded name and ZIP, or a mailbox that already signed) is
    kept, pending, for the leader to confirm: never dropped, never counted twice unseen.
    """
    key = name_key(name)
    email = email.strip()
    email_key = normalize_email(email) if email else ""
    twin = _has_twin(campaign.pk, zip_code, key)
    if email_key and Signature.objects.filter(campaign=campaign, email_key=email_key).exists():
        # One signature per mailbox: keep this one without the address, for the leader to check.
        email = email_key = ""
        twin = True
    now = timezone.now()
    signature = Signature(
        campaign=campaign,
        petition_text=petition,
        language=language,
        name=name,
        email=email,
        email_key=email_key,
        zip_code=zip_code,
        county_resident=_county_resident(campaign, zip_code),
        visibility=visibility,
        keep_updated=bool(email),
        method=method,
        paper_batch=paper_batch,
        signing_table=signing_table,
        possible_duplicate=twin,
        status=SignatureStatus.PENDING if twin else SignatureStatus.CONFIRMED,
        confirmed_at=None if twin else now,
        created_at=now,
    )
    try:
        with transaction.atomic():
            signature.save()
    except IntegrityError:
        # The same mailbox signed online at this very moment: as above, keep it without the address.
        signature.pk = None
        signature.email = signature.email_key = ""
        signature.keep_updated = False
        signature.possible_duplicate = True
        signature.status = SignatureStatus.PENDING
        signature.confirmed_at = None
        signature.save()
    return signature


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
        _counts_changed(campaign.pk)
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
        _counts_changed(batch.campaign_id)
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
        _counts_changed(batch.campaign_id)
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
        _counts_changed(campaign.pk)
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
        _counts_changed(campaign.pk)
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


# The links in the emails --------------------------------------------------------------------


def signature_from_link(token: str, *, purpose: str) -> Signature:
    """The signature a link points at, for the page that shows its button (changes nothing)."""
    if purpose == "confirm":
        uid = tokens.read_confirm_token(token)
    else:
        salt = tokens.WITHDRAW_SALT if purpose == "withdraw" else tokens.UNSUBSCRIBE_SALT
        uid = tokens.read_token(token, salt)
    signature = Signature.objects.select_related("campaign").filter(uid=uid).first()
    if signature is None:
        raise LinkInvalid
    return signature


def confirm_signature(token: str) -> tuple[Signature, bool]:
    """Confirm the signature behind a confirmation link; (signature, whether it was new).

    Idempotent: confirming twice (or two tabs at once) confirms once. Only a pending signature
    moves; withdrawn and invalidated ones stay as they are.
    """
    uid = tokens.read_confirm_token(token)
    with transaction.atomic():
        signature = (
            Signature.objects.select_for_update(of=("self",))
            .select_related("campaign")
            .filter(uid=uid)
            .first()
        )
        if signature is None:
            raise LinkInvalid
        if signature.status == SignatureStatus.CONFIRMED:
            return signature, False
        if signature.status != SignatureStatus.PENDING:
            raise SignatureNotActive(signature)
        signature.status = SignatureStatus.CONFIRMED
        signature.confirmed_at = timezone.now()
        signature.save(update_fields=["status", "confirmed_at"])
        _counts_changed(signature.campaign_id)
    return signature, True


def withdraw_signature(token: str) -> Signature:
    """The signer takes their signature back; it stops counting at once."""
    uid = tokens.read_token(token, tokens.WITHDRAW_SALT)
    with transaction.atomic():
        signature = Signature.objects.select_for_update().filter(uid=uid).first()
        if signature is None:
            raise LinkInvalid
        if signature.status in (SignatureStatus.PENDING, SignatureStatus.CONFIRMED):
            was_counted = signature.status == SignatureStatus.CONFIRMED
            signature.status = SignatureStatus.WITHDRAWN
            signature.withdrawn_at = timezone.now()
            signature.keep_updated = False
            signature.save(update_fields=["status", "withdrawn_at", "keep_updated"])
            if was_counted:
                _counts_changed(signature.campaign_id)
    return signature


def unsubscribe(token: str) -> Signature:
    """No more emails about this campaign; the signature still counts."""
    uid = tokens.read_token(token, tokens.UNSUBSCRIBE_SALT)
    with transaction.atomic():
        signature = Signature.objects.select_for_update().filter(uid=uid).first()
        if signature is None:
            raise LinkInvalid
        if signature.unsubscribed_at is None:
            signature.keep_updated = False
            signature.unsubscribed_at = timezone.now()
            signature.save(update_fields=["keep_updated", "unsubscribed_at"])
    return signature


# At a surge, one refresh of a campaign's tally and milestones per this many seconds, not one
# per confirmation (each refresh aggregates every signature of the campaign).
TALLY_REFRESH_SECONDS = 5


def _counts_changed(*campaign_ids: int) -> None:
    """After commit: the visitor's count is recomputed, and a task refreshes tallies and milestones."""
    for campaign_id in campaign_ids:
        transaction.on_commit(partial(forget_tally, campaign_id))
        _refresh_tally_soon(campaign_id)


def _refresh_tally_soon(campaign_id: int) -> None:
    """One refresh per campaign in the next few seconds (the nightly recount repairs a refresh
    lost with a rolled-back request)."""
    enqueue_once_per_window(
        tasks.after_count_change,
        f"petitions:tally-refresh:{campaign_id}",
        TALLY_REFRESH_SECONDS,
        campaign_id,
    )


# Staff: invalidation ------------------------------------------------------------------------


@dataclass
class InvalidationCriteria:
    campaign: Campaign | None = None
    email_domain: str = ""
    since: object = None
    until: object = None
    signature_ids: list | None = None

    def queryset(self):
        qs = Signature.objects.live()
        if self.signature_ids is not None:
            qs = qs.filter(pk__in=self.signature_ids)
        if self.campaign is not None:
            qs = qs.filter(campaign=self.campaign)
        if self.email_domain:
            domain = self.email_domain.strip().lstrip("@").lower()
            qs = qs.filter(Q(email__iendswith="@" + domain) | Q(email_key__endswith="@" + domain))
        if self.since:
            qs = qs.filter(created_at__gte=self.since)
        if self.until:
            qs = qs.filter(created_at__lt=self.until)
        return qs

    def describe(self) -> str:
        parts = []
        if self.signature_ids is not None:
            parts.append(f"{len(self.signature_ids)} selected signatures")
        if self.campaign is not None:
            parts.append(f"campaign {self.campaign} (#{self.campaign.pk})")
        if self.email_domain:
            parts.append(f"email domain {self.email_domain}")
        if self.since:
            parts.append(f"from {self.since:%Y-%m-%d %H:%M}")
        if self.until:
            parts.append(f"until {self.until:%Y-%m-%d %H:%M}")
        return "; ".join(parts)


def invalidate_signatures(criteria: InvalidationCriteria, *, reason: str, user) -> Invalidation:
    """Void matching signatures in bulk, keeping the reason; the counts follow at once."""
    if not reason.strip():
        raise PetitionError(_("A reason is required."))
    with transaction.atomic():
        ids = list(criteria.queryset().select_for_update().values_list("pk", flat=True))
        campaign_ids = sorted(
            set(Signature.objects.filter(pk__in=ids).values_list("campaign_id", flat=True))
        )
        invalidation = Invalidation.objects.create(
            reason=reason.strip(),
            criteria=criteria.describe(),
            signatures_affected=len(ids),
            created_by=user,
        )
        Signature.objects.filter(pk__in=ids).update(
            status=SignatureStatus.INVALIDATED, invalidation=invalidation
        )
        _counts_changed(*campaign_ids)
    return invalidation


# Delivery -----------------------------------------------------------------------------------


def record_delivery(campaign: Campaign, *, user, delivered_on, received_by, notes="", photo=None):
    """The leader handed the petition over: keep the record and mark the campaign delivered."""
    from .counting import fresh_tally

    with transaction.atomic():
        campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
        tally = fresh_tally(campaign)
        if not tally.reached_goal:
            raise DeliveryNotReady
        delivery = Delivery(
            campaign=campaign,
            delivered_on=delivered_on,
            received_by=received_by,
            notes=notes,
            signatures_delivered=tally.counted,
            recorded_by=user,
        )
        if photo:
            delivery.photo = photo
        delivery.save()
        if campaign.status in (CampaignStatus.OPEN, CampaignStatus.LED):
            campaign.status = CampaignStatus.DELIVERED
            campaign.save(update_fields=["status"])
    return delivery


# Purge --------------------------------------------------------------------------------------


@dataclass
class PurgeReport:
    campaigns: list
    signatures: int


def purge_signatures(*, days: int, dry_run: bool = False, now=None) -> PurgeReport:
    """Blank signers' names and emails on campaigns that ended more than `days` ago, and delete
    the photos of their paper sheets (handwritten names).

    Counts, ZIP codes, residence, method and status stay, so the numbers and the ZIP breakdown
    stay right; email_key is blanked too (the campaign takes no more signatures).
    """
    now = now or timezone.now()
    cutoff = (now - timedelta(days=days)).date()
    unpurged = Signature.objects.filter(campaign=OuterRef("pk"), purged_at__isnull=True)
    campaigns = list(
        Campaign.objects.filter(status__in=PURGEABLE_STATUSES, outcome_date__lt=cutoff)
        .filter(Exists(unpurged))
        .order_by("state", "name")
    )
    targets = Signature.objects.filter(campaign__in=campaigns, purged_at__isnull=True)
    if dry_run:
        return PurgeReport(campaigns, targets.count())
    with transaction.atomic():
        count = targets.update(name="", name_key="", email="", email_key="", purged_at=now)
        photographed = PaperBatch.objects.filter(campaign__in=campaigns).exclude(photo="")
        files = [(b.photo.storage, b.photo.name) for b in photographed]
        photographed.update(photo="")
        # The files go once the rows no longer point at them.
        for storage, name in files:
            transaction.on_commit(partial(storage.delete, name))
    return PurgeReport(campaigns, count)
