"""Site-wide response policies: extra security headers, and a clear 503 when the database is gone."""

import logging

from django.conf import settings
from django.db import DatabaseError, InterfaceError, OperationalError
from django.shortcuts import render

logger = logging.getLogger(__name__)


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
