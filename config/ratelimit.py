"""Rate-limit keys: a keyed hash of the client address that changes every day, never the address.

Limits live in the shared cache; the key is useless to anyone without SECRET_KEY and stops
matching at midnight UTC, so no raw or long-lived address is kept anywhere. The site's own limits
(django-ratelimit) and allauth's (login, sign-up, password reset) both key on `client_hash`.
"""

import hashlib
import hmac
import ipaddress
from datetime import UTC, datetime

from django.conf import settings

# One IPv6 customer usually holds a whole /64: counting its addresses apart would let one
# connection rotate through billions of keys (allauth groups them the same way).
IPV6_PREFIX = 64


def client_ip(request) -> str:
    """The client address: from CLIENT_IP_HEADER behind a proxy (its first address), else the socket.

    Any other header a client sends (X-Forwarded-For, X-Real-IP...) is ignored unless it is the
    one configured, so a client cannot choose its own rate-limit bucket.
    """
    header = settings.CLIENT_IP_HEADER
    if header:
        value = request.META.get(header, "")
        first = value.split(",")[0].strip()
        if first:
            return first
    return request.META.get("REMOTE_ADDR", "")


def _grouped(address: str) -> str:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped:
            return str(ip.ipv4_mapped)
        return str(ipaddress.IPv6Network(f"{ip}/{IPV6_PREFIX}", strict=False).network_address)
    return address


def client_hash(request) -> str:
    """HMAC-SHA256(SECRET_KEY + today's UTC date, client address), 32 hex characters."""
    secret = (settings.SECRET_KEY + datetime.now(UTC).date().isoformat()).encode()
    address = _grouped(client_ip(request))
    return hmac.new(secret, address.encode(), hashlib.sha256).hexdigest()[:32]


def client_key(group, request) -> str:
    """django-ratelimit's key function."""
    return client_hash(request)
