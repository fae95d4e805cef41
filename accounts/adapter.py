"""allauth's adapters: hashed client addresses for rate limits, failed logins counted per account
and connection, the sign-up's language, the way back to the page a person signed up from (their
county's claim), and staff's second-factor secrets encrypted at rest."""

import base64
import hashlib

from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.utils import get_next_redirect_url
from allauth.mfa.adapter import DefaultMFAAdapter
from cryptography.fernet import Fernet
from django.conf import settings
from django.shortcuts import resolve_url
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import get_language

from config.ratelimit import client_hash


class AccountAdapter(DefaultAccountAdapter):
    def get_client_ip(self, request) -> str:
        """Not the address: the same daily keyed hash the site's own limits use.

        allauth puts this value in its rate-limit cache keys (login, sign-up, password reset);
        it also reads it only from CLIENT_IP_HEADER, never from a header the client chose.
        """
        return client_hash(request)

    def _get_login_attempts_cache_key(self, request, **credentials) -> str:
        """The key of the "failed logins" limit (ACCOUNT_RATE_LIMITS["login_failed"], "/key"):
        the email AND the connection. Keyed on the email alone, five wrong passwords typed from
        anywhere locked the real leader out; now they lock out only the connection that typed
        them, and that connection's own limit ("/ip") still stops it trying many accounts.
        """
        email_key = super()._get_login_attempts_cache_key(request, **credentials)
        return f"{email_key}:{self.get_client_ip(request)}"

    def save_user(self, request, user, form, commit=True):
        """A new account keeps the language it signed up in, for the emails it will get, and the
        page it signed up from (?next=, a county's claim), to come back to after confirming."""
        user.language = site_language()
        user.return_to = local_path(get_next_redirect_url(request))
        return super().save_user(request, user, form, commit=commit)

    def get_email_verification_redirect_url(self, email_address):
        """A link opened in another browser (a phone's mail app) confirms without logging in:
        send the person to log in, and from there back to the page they signed up from."""
        return_to = email_address.user.return_to
        if return_to and not self.request.user.is_authenticated:
            return f"{resolve_url(settings.LOGIN_URL)}?{urlencode({'next': return_to})}"
        return super().get_email_verification_redirect_url(email_address)

    def get_login_redirect_url(self, request):
        """Without a ?next=, the first log-in after sign-up goes back to where they signed up."""
        return request.user.return_to or super().get_login_redirect_url(request)

    def post_login(self, request, user, **kwargs):
        """Once logged in, they are on their way: the page is not kept any longer than that."""
        response = super().post_login(request, user, **kwargs)
        if user.return_to:
            user.return_to = ""
            user.save(update_fields=["return_to"])
        return response


def local_path(url: str | None) -> str:
    """`url` if it is a path on this site (short enough to keep), else ""."""
    if not url or not url.startswith("/") or len(url) > 300:
        return ""
    return url if url_has_allowed_host_and_scheme(url, allowed_hosts=None) else ""


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
