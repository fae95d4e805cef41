"""allauth's account adapter: hashed client addresses for rate limits, the sign-up's language."""

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

    def save_user(self, request, user, form, commit=True):
        """A new account keeps the language it signed up in, for the emails it will get."""
        user.language = site_language()
        return super().save_user(request, user, form, commit=commit)


def site_language() -> str:
    """The active language as one of settings.LANGUAGES ("es-mx" -> "es"), else the default."""
    code = (get_language() or "").split("-")[0]
    return code if code in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
