"""How a mailbox and a name are compared: one signature per mailbox, repeats by name and ZIP."""

import hashlib
import hmac

from django.conf import settings

from campaigns.text import fold

GMAIL_DOMAINS = {"gmail.com", "googlemail.com"}


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


def hashed_email_key(normalized: str) -> str:
    """HMAC-SHA256 of a normalized address, keyed by SIGNATURE_KEY_SECRET (never in the database)."""
    secret = settings.SIGNATURE_KEY_SECRET.encode()
    return hmac.new(secret, normalized.encode(), hashlib.sha256).hexdigest()


def email_key(email: str) -> str:
    """What the database keeps to hold one signature per mailbox per campaign ('' for no email).

    The one place the key is computed (online, in person, the data migration, admin search). A
    keyed hash: with the database alone, nobody can check whether an address signed, nor read
    one back; the key is kept outside it.
    """
    normalized = normalize_email(email) if email and email.strip() else ""
    return hashed_email_key(normalized) if normalized else ""


def email_domain(email: str) -> str:
    """The part after @, lower case: kept (not the address) for staff's invalidation by domain
    and the monitor's spikes, after the address itself is deleted."""
    domain = email.strip().lower().rpartition("@")[2] if email and "@" in email else ""
    return "gmail.com" if domain in GMAIL_DOMAINS else domain


def name_key(name: str) -> str:
    """A name as repeats are compared: "José  LÓPEZ" and "jose lopez" are the same."""
    return fold(name)[:200]
