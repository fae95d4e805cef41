"""Petition texts, signing (online, on paper, at a signing table), confirming, withdrawing,
invalidating, reviewing paper batches, delivering and purging.

Each use case is one function that owns its transaction and locks; emails and tally refreshes are
enqueued after commit, so a failed send never takes a signature with it.
"""

import logging
from dataclasses import dataclass
from datetime import timedelta
from functools import partial

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, F, Max, OuterRef, Q, Subquery, Value
from django.db.models.functions import Least
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from campaigns import places
from campaigns.geography import county_for_zip
from campaigns.models import Campaign, CampaignStatus, TargetRole
from campaigns.states import state_name
from config.admin_site import acts_as_staff
from config.outbox import enqueue_once_per_window

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
    email_domain,
    name_key,
)
from .models import email_key as mailbox_key

logger = logging.getLogger(__name__)


class PetitionError(Exception):
    message = _("Something went wrong.")

    def __init__(self, message=None):
        if message is not None:
            self.message = message
        super().__init__(str(self.message))


class SigningClosed(PetitionError):
    message = _("This petition is not taking signatures right now.")


class MatchesChanged(PetitionError):
    message = _(
        "The number of matching signatures changed since you counted. Check the new number "
        "and invalidate again."
    )


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
        # A leader's own text waiting for review stays theirs: a newer sample would outrank it.
        .exclude(petition_texts__status=PetitionTextStatus.PROPOSED)
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


def text_goes_live_at_once(campaign: Campaign, user) -> bool:
    """Whether a new text from `user` replaces the campaign's text without staff review.

    Once anyone has signed, never: signers must get delivered the text they signed, so staff
    approve every new version (theirs included). Before that, staff's text goes live at once, and
    so does a leader's once staff have approved a text of theirs; a new leader's first text waits,
    so that a squatter cannot put their words on a campaign page (the sample text stays meanwhile).
    """
    if campaign.signatures.exists():
        return False
    if acts_as_staff(user):
        return True
    return (
        PetitionText.objects.approved()
        .filter(proposed_by=user, reviewed_by__isnull=False)
        .exclude(reviewed_by=user)
        .exists()
    )


@transaction.atomic
def propose_petition_text(campaign: Campaign, *, texts: dict[str, str], user) -> PetitionText:
    """A new version of a campaign's text: live at once or waiting for staff (see above)."""
    Campaign.objects.select_for_update().get(pk=campaign.pk)
    last = campaign.petition_texts.aggregate(v=Max("version"))["v"] or 0
    at_once = text_goes_live_at_once(campaign, user)
    return PetitionText.objects.create(
        campaign=campaign,
        version=last + 1,
        status=PetitionTextStatus.APPROVED if at_once else PetitionTextStatus.PROPOSED,
        proposed_by=user,
        reviewed_by=user if at_once and acts_as_staff(user) else None,
        **texts,
    )


@transaction.atomic
def approve_petition_text(text: PetitionText, *, user) -> bool:
    """Staff approve a proposed version: it becomes the text new signers sign."""
    if not acts_as_staff(user):
        return False
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
) -> None:
    """Record an online signature, pending until its owner confirms from the email.

    Whatever happened, the signer sees the same page and the request does the same work (never
    reveal who has signed): one INSERT … ON CONFLICT DO UPDATE, committed on its own. A new
    mailbox gets its row; one that signed before gets its row marked for a follow-up, and only a
    still-pending online row takes the new details (its owner has not said what they want
    counted yet; the confirmation page shows them and lets them correct). A confirmed row never
    changes here: only its owner, from a link in their email. The worker's sweep, a second
    later, decides what to send (tasks.follow_up_new_signatures), at most one email per
    address per campaign in SIGNING_EMAIL_COOLDOWN_MINUTES.
    """
    reason = signing_closed_reason(campaign)
    if reason:
        raise SigningClosed(reason)
    petition_id = _current_petition_id(campaign)
    if petition_id is None:
        raise SigningClosed
    email_key = mailbox_key(email)
    candidate = Signature(
        campaign=campaign,
        email_key=email_key,
        name_key=name_key(name),
        follow_up_due=True,
        petition_text_id=petition_id,
        language=language,
        name=name,
        email=email.strip(),
        email_domain=email_domain(email),
        zip_code=zip_code,
        county_resident=_county_resident(campaign, zip_code),
        visibility=visibility,
        keep_updated=keep_updated,
        source=source,
        method=SignatureMethod.ONLINE,
    )
    Signature.objects.sign_or_follow_up(candidate)
    _follow_up_soon()


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
        county_resident=_county_resident(campaign, zip_code),
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


@dataclass(frozen=True)
class SignerDetails:
    """What the confirmation page shows and its owner may correct: what is counted and seen."""

    name: str
    zip_code: str
    visibility: str


def _apply_details(signature: Signature, details: SignerDetails) -> bool:
    """Write the owner's details on the (locked) signature; whether anything changed."""
    changed = (signature.name, signature.zip_code, signature.visibility) != (
        details.name,
        details.zip_code,
        details.visibility,
    )
    if changed:
        signature.name = details.name
        signature.name_key = name_key(details.name)
        signature.zip_code = details.zip_code
        signature.visibility = details.visibility
        signature.county_resident = _county_resident(signature.campaign, details.zip_code)
    return changed


DETAIL_FIELDS = ["name", "name_key", "zip_code", "visibility", "county_resident"]


def confirm_signature(
    token: str, *, details: SignerDetails | None = None
) -> tuple[Signature, bool]:
    """Confirm the signature behind a confirmation link, with the details its owner saw (and
    perhaps corrected) on the page; (signature, whether it was new).

    Idempotent: confirming twice (or two tabs at once) confirms once. Only a pending signature
    moves; withdrawn and invalidated ones stay as they are. A confirmed one takes the details:
    the link came from its owner's inbox, the only place its details may change from.
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
        if signature.status not in (SignatureStatus.PENDING, SignatureStatus.CONFIRMED):
            raise SignatureNotActive(signature)
        changed = details is not None and _apply_details(signature, details)
        if signature.status == SignatureStatus.CONFIRMED:
            if changed:
                signature.save(update_fields=DETAIL_FIELDS)
                _counts_changed(signature.campaign_id)  # residents and elsewhere may move
            return signature, False
        signature.status = SignatureStatus.CONFIRMED
        signature.confirmed_at = timezone.now()
        update_fields = ["status", "confirmed_at", *(DETAIL_FIELDS if changed else [])]
        if not signature.keep_updated:
            # No updates asked for, none to send: the address goes; the keyed hash stays, so the
            # mailbox still signs once, and the links keep working (they name the signature).
            signature.email = ""
            update_fields.append("email")
        signature.save(update_fields=update_fields)
        _counts_changed(signature.campaign_id)
    return signature, True


def withdraw_signature(token: str) -> Signature:
    """The signer takes their signature back; it stops counting at once, and the person goes
    with it: name, email, domain and ZIP are blanked. Only the keyed hash of the mailbox stays,
    so signing again reuses this row (counted once) instead of adding a second."""
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
            signature.name = signature.email = signature.email_domain = signature.zip_code = ""
            signature.save(
                update_fields=[
                    "status",
                    "withdrawn_at",
                    "keep_updated",
                    "name",
                    "email",
                    "email_domain",
                    "zip_code",
                ]
            )
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
            update_fields = ["keep_updated", "unsubscribed_at"]
            if signature.status == SignatureStatus.CONFIRMED:
                # Confirmed and no more updates: nothing left to send, so the address goes.
                signature.email = ""
                update_fields.append("email")
            signature.save(update_fields=update_fields)
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
    """Which live signatures staff void: a campaign, an email domain, a time window, or a pick.

    A flood is undone by its campaign and window (`signed_from` inclusive, `signed_until`
    exclusive), even when it came from a catch-all domain that real people use too.
    """

    campaign: Campaign | None = None
    email_domain: str = ""
    signed_from: object = None
    signed_until: object = None
    signature_ids: list | None = None

    def queryset(self):
        qs = Signature.objects.live()
        if self.signature_ids is not None:
            qs = qs.filter(pk__in=self.signature_ids)
        if self.campaign is not None:
            qs = qs.filter(campaign=self.campaign)
        if self.email_domain:
            # The kept domain, not the address: most confirmed signers no longer have one.
            qs = qs.filter(email_domain=email_domain("@" + self.email_domain.strip().lstrip("@")))
        if self.signed_from:
            qs = qs.filter(created_at__gte=self.signed_from)
        if self.signed_until:
            qs = qs.filter(created_at__lt=self.signed_until)
        return qs

    def describe(self) -> str:
        parts = []
        if self.signature_ids is not None:
            parts.append(f"{len(self.signature_ids)} selected signatures")
        if self.campaign is not None:
            parts.append(f"campaign {self.campaign} (#{self.campaign.pk})")
        if self.email_domain:
            parts.append(f"email domain {self.email_domain}")
        if self.signed_from:
            parts.append(f"from {self.signed_from:%Y-%m-%d %H:%M:%S %Z}")
        if self.signed_until:
            parts.append(f"until {self.signed_until:%Y-%m-%d %H:%M:%S %Z}")
        return "; ".join(parts)


def invalidate_signatures(
    criteria: InvalidationCriteria, *, reason: str, user, expected: int | None = None
) -> Invalidation:
    """Void matching signatures in bulk, keeping the reason; the counts follow at once.

    `expected` is the count staff were shown: when more (or fewer) match now, nothing is voided.
    """
    if not reason.strip():
        raise PetitionError(_("A reason is required."))
    with transaction.atomic():
        ids = list(criteria.queryset().select_for_update().values_list("pk", flat=True))
        if expected is not None and len(ids) != expected:
            raise MatchesChanged
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
    """Blank signers' names, emails and domains `days` after their campaign ended (its outcome
    date) or after the delivery that handed them over, and delete the photos of those paper
    sheets (handwritten names).

    Counts, ZIP codes, residence, method and status stay, so the numbers and the ZIP breakdown
    stay right. A delivered campaign still takes signatures: its purged rows keep the keyed hash
    of their mailbox (no second count), and signatures after the delivery wait for the next one.
    An ended campaign takes none, so its rows lose the hash too.
    """
    now = now or timezone.now()
    cutoff = (now - timedelta(days=days)).date()
    last_delivery = (
        Delivery.objects.filter(campaign=OuterRef("campaign"))
        .order_by("-delivered_on")
        .values("delivered_on")[:1]
    )
    ended = Q(campaign__status__in=PURGEABLE_STATUSES, campaign__outcome_date__lt=cutoff)
    delivered = Q(
        campaign__status=CampaignStatus.DELIVERED,
        delivered_through__lt=cutoff,
        created_at__date__lte=F("delivered_through"),
    )
    unpurged = Signature.objects.filter(purged_at__isnull=True).annotate(
        delivered_through=Subquery(last_delivery)
    )
    ended_rows = unpurged.filter(ended)
    delivered_rows = unpurged.filter(delivered)
    campaigns = list(
        Campaign.objects.filter(
            Q(pk__in=ended_rows.values("campaign_id"))
            | Q(pk__in=delivered_rows.values("campaign_id"))
        ).order_by("state", "name")
    )
    if dry_run:
        return PurgeReport(campaigns, ended_rows.count() + delivered_rows.count())
    person = {"name": "", "name_key": "", "email": "", "email_domain": "", "purged_at": now}
    with transaction.atomic():
        count = Signature.objects.filter(pk__in=ended_rows.values("pk")).update(
            email_key="", **person
        )
        # Sheets typed in up to the delivery went with it; later ones wait for the next.
        sheets = Q(campaign__in=[c for c in campaigns if c.status in PURGEABLE_STATUSES])
        for campaign_id, through in (
            delivered_rows.values_list("campaign_id", "delivered_through").distinct().order_by()
        ):
            sheets |= Q(campaign_id=campaign_id, created_at__date__lte=through)
        count += Signature.objects.filter(pk__in=delivered_rows.values("pk")).update(**person)
        photographed = PaperBatch.objects.filter(sheets).exclude(photo="")
        files = [(b.photo.storage, b.photo.name) for b in photographed]
        photographed.update(photo="")
        # The files go once the rows no longer point at them.
        for storage, name in files:
            transaction.on_commit(partial(storage.delete, name))
    return PurgeReport(campaigns, count)
