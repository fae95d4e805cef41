"""Site-wide response policies: the Content-Security-Policy, extra security headers, and a clear
503 when the database is gone."""

import logging
from functools import partial

from django.conf import settings
from django.contrib.messages import middleware as messages
from django.contrib.messages.storage import default_storage
from django.contrib.sessions import middleware as sessions
from django.db import DatabaseError, InterfaceError, OperationalError
from django.middleware import csp
from django.shortcuts import render
from django.utils.csp import CSP, build_policy
from django.utils.functional import SimpleLazyObject, empty

logger = logging.getLogger(__name__)


class ContentSecurityPolicyMiddleware(csp.ContentSecurityPolicyMiddleware):
    """Django's CSP middleware, with each policy built once rather than on every response.

    Our pages hold no inline script, so almost no response reads its nonce; Django still rebuilt
    the same header from SECURE_CSP for each of them. A response whose nonce was read (the
    admin's) or whose view set its own policy goes through Django's own code unchanged.
    """

    def __init__(self, get_response):
        super().__init__(get_response)
        self._built: dict[str, tuple] = {}

    def process_response(self, request, response):
        if (
            csp.get_nonce(request)  # a LazyNonce is true once something has read it
            or hasattr(response, "_csp_config")
            or hasattr(response, "_csp_ro_config")
        ):
            return super().process_response(request, response)
        for header, config in (
            (CSP.HEADER_ENFORCE, settings.SECURE_CSP),
            (CSP.HEADER_REPORT_ONLY, settings.SECURE_CSP_REPORT_ONLY),
        ):
            if config and header not in response:
                response.headers[str(header)] = self._policy(header, config)
        return response

    def _policy(self, header: str, config) -> str:
        # Keyed by the settings object itself: a test's override_settings is a new one.
        built = self._built.get(header)
        if built is None or built[0] is not config:
            built = self._built[header] = (config, build_policy(config))
        return built[1]


class SessionMiddleware(sessions.SessionMiddleware):
    """Django's, idle for a visitor without a session cookie until something uses the session:
    their empty session is built on first use, and if nothing used it there is nothing to save,
    set or delete at the end (Django would find the same after asking the unused session)."""

    def process_request(self, request):
        key = request.COOKIES.get(settings.SESSION_COOKIE_NAME)
        if key is None:
            request.session = SimpleLazyObject(self.SessionStore)
        else:
            request.session = self.SessionStore(key)

    def process_response(self, request, response):
        if _unused(getattr(request, "session", None)):
            return response
        return super().process_response(request, response)


class MessageMiddleware(messages.MessageMiddleware):
    """Django's, with the message storage built only when the request first uses it: most
    requests (a signature, a cached page's render) never show or add a message, and building the
    storage (a cookie and a session store) and saving it back cost each of them for nothing."""

    def process_request(self, request):
        request._messages = SimpleLazyObject(partial(default_storage, request))

    def process_response(self, request, response):
        if _unused(getattr(request, "_messages", None)):
            return response  # nothing read, nothing to store
        return super().process_response(request, response)


def _unused(thing) -> bool:
    """A lazy object of the middleware above that nothing has touched since it was made."""
    return isinstance(thing, SimpleLazyObject) and thing._wrapped is empty


class SecurityHeadersMiddleware:
    """Headers Django does not set itself: deny browser features the site never uses."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        response.setdefault("Cross-Origin-Resource-Policy", "same-origin")
        return response


class DatabaseUnavailableMiddleware:
    """A request whose database connection fails gets a plain "try again" page, never a 500.

    Services run their writes in one transaction, so a failure here means nothing was half-written:
    asking the person to retry is always safe.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, OperationalError | InterfaceError) or (
            isinstance(exception, DatabaseError) and "connection" in str(exception).lower()
        ):
            # Which page and which error class, never the message: a database error's detail can
            # quote the row (an email address), and the path can hold a signer's link token.
            match = request.resolver_match
            logger.warning(
                "Database unavailable during %s %s (%s): answered 503",
                request.method,
                match.view_name if match else "?",
                type(exception).__name__,
            )
            response = render(request, "503.html", status=503)
            response._has_been_logged = True  # by the line above: Django's would add the path
            response["Retry-After"] = "10"
            response["Cache-Control"] = "no-store"
            return response
        return None
