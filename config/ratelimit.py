"""Rate-limit keys: a keyed hash of the client address that changes every day, never the address.

Limits live in the shared cache; the key is useless to anyone without SECRET_KEY and stops
matching at midnight UTC, so no raw or long-lived address is kept anywhere.
"""

import hashlib
import hmac
from datetime import UTC, datetime

from django.conf import settings


def client_ip(request) -> str:
    """The client address: from CLIENT_IP_HEADER behind a proxy (its first address), else the socket."""
    header = settings.CLIENT_IP_HEADER
    if header:
        value = request.META.get(header, "")
        first = value.split(",")[0].strip()
        if first:
            return first
    return request.META.get("REMOTE_ADDR", "")


def client_key(group, request) -> str:
    """django-ratelimit key: HMAC-SHA256(SECRET_KEY + today's UTC date, client address), 32 hex."""
    secret = (settings.SECRET_KEY + datetime.now(UTC).date().isoformat()).encode()
    return hmac.new(secret, client_ip(request).encode(), hashlib.sha256).hexdigest()[:32]
