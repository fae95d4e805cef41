"""The links in signers' emails: signed with the signature's uid, one salt per purpose.

The confirmation link expires (CONFIRMATION_LINK_MAX_AGE); withdraw and unsubscribe links work
for as long as the signature exists, so a signer can always leave.
"""

import uuid

from django.conf import settings
from django.core import signing

CONFIRM_SALT = "petitions.confirm"
WITHDRAW_SALT = "petitions.withdraw"
UNSUBSCRIBE_SALT = "petitions.unsubscribe"


class LinkExpired(Exception):
    pass


class LinkInvalid(Exception):
    pass


def confirm_token(uid: uuid.UUID) -> str:
    return signing.TimestampSigner(salt=CONFIRM_SALT).sign(uid.hex)


def withdraw_token(uid: uuid.UUID) -> str:
    return signing.Signer(salt=WITHDRAW_SALT).sign(uid.hex)


def unsubscribe_token(uid: uuid.UUID) -> str:
    return signing.Signer(salt=UNSUBSCRIBE_SALT).sign(uid.hex)


def _uid(value: str) -> uuid.UUID:
    try:
        return uuid.UUID(hex=value)
    except ValueError as exc:
        raise LinkInvalid from exc


def read_confirm_token(token: str, *, expired_ok: bool = False) -> uuid.UUID:
    """The uid a confirmation link names; `expired_ok` reads an expired one too (to say which
    campaign it was for, never to confirm)."""
    max_age = None if expired_ok else settings.CONFIRMATION_LINK_MAX_AGE
    try:
        value = signing.TimestampSigner(salt=CONFIRM_SALT).unsign(token, max_age=max_age)
    except signing.SignatureExpired as exc:
        raise LinkExpired from exc
    except signing.BadSignature as exc:
        raise LinkInvalid from exc
    return _uid(value)


def read_token(token: str, salt: str) -> uuid.UUID:
    try:
        return _uid(signing.Signer(salt=salt).unsign(token))
    except signing.BadSignature as exc:
        raise LinkInvalid from exc
