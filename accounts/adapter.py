"""allauth's adapters: hashed client addresses for rate limits, the sign-up's language, and staff's
second-factor secrets encrypted at rest."""

import base64
import hashlib

from allauth.account.adapter import DefaultAccountAdapter
from allauth.mfa.adapter import DefaultMFAAdapter
from cryptography.fernet import Fernet
from django.conf import settings
from django.utils.translation import get_language

from config.ratelimit import client_hash


class AccountAdapter(DefaultAccountAdapter):
    def get_client_ip(self, request) -> str:
        """Not the address: the same daily keyed hash the site's own limits use.

        allauth puts this value in its rate-limit cache keys (login, sign-up, password reset);
        it also reads it only from CLIENT_IP_HEADER, never from a header the client chose.
        """
        return client_hash(request)

    def save_user(self, request, user, form, commit=True):
        """A new account keeps the language it signed up in, for the emails it will get."""
        user.language = site_language()
        return super().save_user(request, user, form, commit=commit)


def site_language() -> str:
    """The active language as one of settings.LANGUAGES ("es-mx" -> "es"), else the default."""
    code = (get_language() or "").split("-")[0]
    return code if code in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


class MFAAdapter(DefaultMFAAdapter):
    """Staff's TOTP secrets and recovery-code seeds are stored encrypted (Fernet: AES with an
    authentication tag), with a key derived from MFA_ENCRYPTION_KEY, which never enters the
    database: a stolen dump holds no usable second factor."""

    def encrypt(self, text: str) -> str:
        return mfa_fernet().encrypt(text.encode()).decode()

    def decrypt(self, encrypted_text: str) -> str:
        return mfa_fernet().decrypt(encrypted_text.encode()).decode()


def mfa_fernet() -> Fernet:
    """Fernet wants 32 random bytes: SHA-256 of the configured key (any length) gives them."""
    digest = hashlib.sha256(settings.MFA_ENCRYPTION_KEY.encode()).digest()
    return Fernet(base64.urlsafe_b64encode(digest))
