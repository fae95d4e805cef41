"""Rate-limit keys: a keyed hash of the client address that changes every day, never the address.

Limits live in their own cache (the `ratelimit` alias, out of reach of cached pages); the key is
useless to anyone without SECRET_KEY and stops matching at midnight UTC, so no raw or long-lived
address is kept anywhere. The site's own limits
(django-ratelimit) and allauth's (login, sign-up, password reset) both key on `client_hash`.
"""

import hashlib
import hmac
import ipaddress
from datetime import UTC, datetime

from django.conf import settings
from django_ratelimit.core import get_usage

# One IPv6 customer usually holds a whole /64: counting its addresses apart would let one
# connection rotate through billions of keys (allauth groups them the same way).
IPV6_PREFIX = 64


def client_ip(request) -> str:
    """The client address: the one our own proxy wrote in CLIENT_IP_HEADER, else the socket's.

    Each proxy appends the address it saw to X-Forwarded-For, after whatever the client sent: only
    the last TRUSTED_PROXY_HOPS entries were written by us, and the first of those is the client.
    The first entry of the header is the client's own choice (a flood once rotated it to buy a
    fresh limit per request). Any other header a client sends is ignored.
    """
    header = settings.CLIENT_IP_HEADER
    if header:
        entries = [entry.strip() for entry in request.META.get(header, "").split(",")]
        entries = [entry for entry in entries if entry]
        if entries:
            hops = max(1, settings.TRUSTED_PROXY_HOPS)
            # Fewer entries than proxies: every entry was written by one of ours.
            address = entries[-hops] if len(entries) >= hops else entries[0]
            if _is_address(address):
                return address
    return request.META.get("REMOTE_ADDR", "")


def _is_address(value: str) -> bool:
    try:
        ipaddress.ip_address(value)
    except ValueError:
        return False
    return True


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


def retry_after(request, *, group: str, rate, key=client_key) -> int | None:
    """Count one try against a limit: None while under it, else the seconds until it resets."""
    usage = get_usage(request, group=group, key=key, rate=rate, increment=True)
    if usage is None or not usage["should_limit"]:
        return None
    return min(max(1, usage["time_left"]), 3600) if usage["time_left"] > 0 else 60


def use_ratelimit_cache_for_allauth() -> None:
    """allauth keeps its counters in the default cache, where cached pages could evict them.

    It reads the module-level `cache` of its rate-limit module on every call: pointing that at
    the `ratelimit` alias (RATELIMIT_USE_CACHE) keeps login, sign-up and reset limits with ours.
    """
    from allauth.core.internal import ratelimit as allauth_ratelimit
    from django.core.cache import caches
    from django.utils.connection import ConnectionProxy

    allauth_ratelimit.cache = ConnectionProxy(caches, settings.RATELIMIT_USE_CACHE)
