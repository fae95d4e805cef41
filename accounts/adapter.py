"""allauth's account adapter: allauth's rate limits key on the site's hashed client address."""

from allauth.account.adapter import DefaultAccountAdapter

from config.ratelimit import client_hash


class AccountAdapter(DefaultAccountAdapter):
    def get_client_ip(self, request) -> str:
        """Not the address: the same daily keyed hash the site's own limits use.

        allauth puts this value in its rate-limit cache keys (login, sign-up, password reset);
        it also reads it only from CLIENT_IP_HEADER, never from a header the client chose.
        """
        return client_hash(request)
