"""The links in the signer's emails: reading one, confirming, withdrawing, unsubscribing."""

import functools
import uuid
from dataclasses import dataclass

from django.db import connection, connections, transaction
from django.utils import timezone

from campaigns.geography import county_for_zip
from campaigns.models import Campaign
from config.compiled import Compiled, save_fields

from . import tokens
from .errors import SignatureNotActive
from .models import Signature, SignatureStatus, name_key
from .signing import counts_changed, county_resident
from .tokens import LinkInvalid


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


def campaign_of_expired_link(token: str) -> Campaign | None:
    """The campaign an expired confirmation link was for, so its page can offer to sign again."""
    try:
        uid = tokens.read_confirm_token(token, expired_ok=True)
    except LinkInvalid:
        return None
    return Campaign.objects.filter(signatures__uid=uid).only("state", "slug", "name").first()


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
        signature.county_resident = county_resident(signature.campaign, details.zip_code)
    return changed


DETAIL_FIELDS = ["name", "name_key", "zip_code", "visibility", "county_resident"]

# The signature behind a link, locked, with its campaign: SQL compiled once per process (the
# ORM took longer to build it than PostgreSQL to run it). A placeholder uid no link can name.
_LOCKED_WITH_CAMPAIGN = Compiled(
    lambda uid: (
        Signature.objects.select_for_update(of=("self",))
        .select_related("campaign")
        .filter(uid=uid)
        .order_by()[:1]
    ),
    uid=uuid.UUID(int=0),
)


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
    signature = _confirm_if_pending(uid, details)
    if signature is not None:
        counts_changed(signature.campaign_id)
        return signature, True
    # Not pending (confirmed, withdrawn, invalidated) or no such signature: look, locked.
    with transaction.atomic():
        signature = _LOCKED_WITH_CAMPAIGN.first(uid=uid)
        if signature is None:
            raise LinkInvalid
        if signature.status not in (SignatureStatus.PENDING, SignatureStatus.CONFIRMED):
            raise SignatureNotActive(signature)
        changed = details is not None and _apply_details(signature, details)
        if signature.status == SignatureStatus.CONFIRMED:
            if changed:
                save_fields(signature, DETAIL_FIELDS)
                counts_changed(signature.campaign_id)  # residents and elsewhere may move
            return signature, False
        signature.status = SignatureStatus.CONFIRMED
        signature.confirmed_at = timezone.now()
        update_fields = ["status", "confirmed_at", *(DETAIL_FIELDS if changed else [])]
        if not signature.keep_updated:
            # No updates asked for, none to send: the address goes; the keyed hash stays, so the
            # mailbox still signs once, and the links keep working (they name the signature).
            signature.email = ""
            update_fields.append("email")
        save_fields(signature, update_fields)  # name_key is among DETAIL_FIELDS
        counts_changed(signature.campaign_id)
    return signature, True


def _confirm_if_pending(uid: uuid.UUID, details: SignerDetails | None) -> Signature | None:
    """The usual confirmation, a pending signature, in one statement and no transaction: the
    signature confirmed (with its campaign's address), or None when it was not pending.

    UPDATE … WHERE status = 'pending' RETURNING: the row lock is the UPDATE's own, so of two
    confirmations at once one moves the row and the other finds it confirmed. What it writes is
    what the locked path writes for a pending signature: confirmed now, the owner's details
    (residence recomputed only when they changed), the address let go unless they want updates.
    Four round trips (BEGIN, the locked read, the UPDATE, COMMIT) become one.
    """
    sql, returned = _confirm_sql(details is not None, connection.alias)
    params = [SignatureStatus.CONFIRMED.value, timezone.now()]
    if details is not None:
        place = county_for_zip(details.zip_code)
        detail_values = [details.name, details.zip_code, details.visibility]
        params += [*detail_values, place[0] if place else None]
        params += [details.name, name_key(details.name), details.zip_code, details.visibility]
    params += [uid, SignatureStatus.PENDING.value]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    if row is None:
        return None
    signature = Signature.from_db(connection.alias, returned, row[: len(returned)])
    campaign = Campaign.from_db(connection.alias, CAMPAIGN_ADDRESS, row[len(returned) :])
    Signature.campaign.field.set_cached_value(signature, campaign)
    return signature


# What the confirmation's one statement returns of the campaign: its address (the redirect).
CAMPAIGN_ADDRESS = ["id", "state", "slug", "county_id"]


@functools.cache
def _confirm_sql(with_details: bool, alias: str) -> tuple[str, list[str]]:
    """_confirm_if_pending's statement and the signature's attnames it returns, built once per
    process. Every value is a parameter; names come from the models, quoted."""
    quote = connections[alias].ops.quote_name
    meta, campaign_meta = Signature._meta, Campaign._meta

    def column(name):
        return quote(meta.get_field(name).column)

    assignments = [
        f"{column('status')} = %s",
        f"{column('confirmed_at')} = %s",
        f"{column('email')} = CASE WHEN s.{column('keep_updated')} THEN s.{column('email')} "
        "ELSE '' END",
    ]
    if with_details:
        changed = (
            f"(s.{column('name')}, s.{column('zip_code')}, s.{column('visibility')}) "
            "IS DISTINCT FROM (%s, %s, %s)"
        )
        county = quote(campaign_meta.get_field("county").column)
        assignments.append(
            f"{column('county_resident')} = CASE WHEN {changed} "
            f"THEN COALESCE(c.{county} = %s, false) ELSE s.{column('county_resident')} END"
        )
        assignments += [f"{column(n)} = %s" for n in ("name", "name_key", "zip_code", "visibility")]
    fields = meta.concrete_fields
    returning = [f"s.{quote(f.column)}" for f in fields]
    returning += [f"c.{quote(campaign_meta.get_field(n).column)}" for n in ("id", "state", "slug")]
    returning.append(f"c.{quote(campaign_meta.get_field('county').column)}")
    sql = (
        f"UPDATE {quote(meta.db_table)} AS s SET {', '.join(assignments)} "  # noqa: S608
        f"FROM {quote(campaign_meta.db_table)} AS c "
        f"WHERE s.{column('uid')} = %s AND s.{column('status')} = %s "
        f"AND c.{quote(campaign_meta.pk.column)} = s.{column('campaign')} "
        f"RETURNING {', '.join(returning)}"
    )
    return sql, [f.attname for f in fields]


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
                counts_changed(signature.campaign_id)
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
