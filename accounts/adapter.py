"""allauth's account adapter: hashed client addresses for rate limits, failed logins counted per
account and connection, the sign-up's language."""

from allauth.account.adapter import DefaultAccountAdapter
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

    def _get_login_attempts_cache_key(self, request, **credentials) -> str:
        """The key of the "failed logins" limit (ACCOUNT_RATE_LIMITS["login_failed"], "/key"):
        the email AND the connection. Keyed on the email alone, five wrong passwords typed from
        anywhere locked the real leader out; now they lock out only the connection that typed
        them, and that connection's own limit ("/ip") still stops it trying many accounts.
        """
        email_key = super()._get_login_attempts_cache_key(request, **credentials)
        return f"{email_key}:{self.get_client_ip(request)}"

    def save_user(self, request, user, form, commit=True):
        """A new account keeps the language it signed up in, for the emails it will get."""
        user.language = site_language()
        return super().save_user(request, user, form, commit=commit)


def site_language() -> str:
    """The active language as one of settings.LANGUAGES ("es-mx" -> "es"), else the default."""
    code = (get_language() or "").split("-")[0]
    return code if code in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
