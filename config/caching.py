"""Public pages: Cache-Control for pages anyone may get, and the shared copy served before the
heavy middleware.

A page is only public when nothing on it belongs to one visitor: no session, no messages, no form
with a CSRF token, no CSP nonce. Anything else is private and not stored.

`public_page` marks a view's page as anyone's; `SharedPageCacheMiddleware`, placed above the
session, auth, locale, messages and account middleware, stores such a page in the shared cache
(CACHE_URL) and answers a cookieless GET for it from there: at a surge a hit costs one cache call
and the few headers of the middleware above it, not the whole stack.
"""

import hashlib
import logging
import random
import time
from functools import lru_cache, wraps
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.middleware.csp import get_nonce
from django.urls import Resolver404, get_urlconf, resolve
from django.utils import translation
from django.utils.cache import patch_cache_control, patch_vary_headers

logger = logging.getLogger(__name__)

# The largest page kept in the shared cache (a search can list many campaigns).
SHARED_PAGE_MAX_BYTES = 512 * 1024
# A longer value of a parameter a page reads is rendered but never stored (a search for a
# paragraph is nobody's shared page).
SHARED_PARAM_MAX_CHARS = 100
# How long one worker may hold the right to render a stale page again. A render takes well under
# a second; if that worker dies (or its render hangs), the lock lapses and the next request
# renders instead. Longer only made visitors see the stale copy for longer.
RENEW_LOCK_SECONDS = 5
# A stored page stays this many times its freshness, served stale while one worker renders it.
KEEP_STALE_FACTOR = 6


def is_anonymous_visit(request) -> bool:
    return not request.user.is_authenticated and not request.COOKIES.get(
        settings.SESSION_COOKIE_NAME
    )


def showed_messages(request) -> bool:
    # MessageMiddleware clears the messages cookie only after this decorator has run.
    storage = getattr(request, "_messages", None)
    return bool(storage is not None and storage.used)


@lru_cache(maxsize=1024)
def _page_params(path: str, language: str, urlconf: str) -> tuple[str, ...] | None:
    """The query parameters the page at `path` reads, or None when it is not a public page.

    Resolved once per path and process: the middleware runs before the URL is resolved.
    i18n_patterns matches "/es/" only while Spanish is active, hence the override.
    """
    with translation.override(language):
        try:
            match = resolve(path, urlconf)
        except Resolver404:
            return None
    return getattr(match.func, "shared_page_params", None)


def shared_page_key(request) -> str | None:
    """The shared-cache key of a page anyone may get, or None when the request is one visitor's.

    Only a GET with no cookie at all: nothing on such a page can belong to someone (no session, no
    messages, no language choice, no CSRF cookie). The page differs only by its path (which holds
    its language: "/es/…" or none), host (one of ALLOWED_HOSTS) and scheme, and the query
    parameters its view reads: any other parameter (utm_*, fbclid, lang, junk) and any other
    header (Accept-Language, X-Forwarded-*) gets the same stored page, so none can fill or
    poison the cache.
    """
    if not settings.PAGE_CACHE_SECONDS or request.method != "GET" or request.COOKIES:
        return None
    # As PathLanguageMiddleware decides (config/language.py): the path alone.
    path = request.path_info
    language = translation.get_language_from_path(path) or settings.LANGUAGE_CODE
    params = _page_params(path, language, get_urlconf() or settings.ROOT_URLCONF)
    if params is None:
        return None
    query = [(name, value) for name in params for value in request.GET.getlist(name)]
    if any(len(value) > SHARED_PARAM_MAX_CHARS for _name, value in query):
        return None
    address = f"{request.path}?{urlencode(query)}"
    digest = hashlib.sha256(address.encode()).hexdigest()
    # "v2": a copy stored by the release before (another shape) is never read as this one's.
    return f"public_page:v2:{request.scheme}:{request.get_host()}:{language}:{digest}"


def public_page(view=None, *, params: tuple[str, ...] = ()):
    """Mark a view's page as anyone's: Cache-Control public with stale-while-revalidate for an
    anonymous visitor, and kept in the shared cache by SharedPageCacheMiddleware.

    A view that reads query parameters names them: `@public_page(params=("q",))`; the shared
    copy keys on those alone.
    """
    if view is None:
        return lambda view: _public_page(view, params)
    return _public_page(view, params)


def _public_page(view, params):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        public = (
            request.method in ("GET", "HEAD")
            and response.status_code == 200
            and is_anonymous_visit(request)
            and not showed_messages(request)
            and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
            and not response.cookies
        )
        if public:
            seconds = settings.PUBLIC_CACHE_SECONDS
            patch_cache_control(
                response, public=True, max_age=seconds, stale_while_revalidate=seconds * 6
            )
            response.shared_page = True
        else:
            patch_cache_control(response, private=True, no_store=True)
        patch_vary_headers(response, ["Cookie", "Accept-Language"])
        return response

    wrapper.shared_page_params = tuple(params)
    return wrapper


class SharedPageCacheMiddleware:
    """Answers an anonymous GET for a public page from the shared cache, before the session, auth,
    locale, messages and account middleware below it run; stores such pages on their way out.

    Stale-while-revalidate across every worker: when a stored page is past its freshness, the one
    request that takes a short lock renders it again while all others get the stale copy, so an
    expiry never sends every worker to the database at once. Each page's freshness is drawn
    between 80% and 100% of PAGE_CACHE_SECONDS, so pages stored together (after a deploy or a
    flush) do not all come due in the same second.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        key = shared_page_key(request)
        if key is None:
            return self.get_response(request)
        stored = _cache_call(cache.get, key)
        lock = None
        if stored is not None:
            fresh_until, stored_at, status, content, headers = stored
            now = time.time()
            if now < fresh_until or not _cache_call(
                cache.add, key + ":renewing", 1, RENEW_LOCK_SECONDS
            ):
                response = HttpResponse(content, status=status, headers=headers)
                response["Age"] = str(max(0, int(now - stored_at)))
                return response
            lock = key + ":renewing"
        try:
            response = self.get_response(request)
            if _shareable(request, response):
                _store(key, response)
            elif stored is not None:
                _cache_call(cache.delete, key)  # no longer public (moved, closed): never again
        finally:
            if lock:
                _cache_call(cache.delete, lock)
        return response


def _shareable(request, response) -> bool:
    return (
        getattr(response, "shared_page", False)
        and response.status_code == 200
        and not response.streaming
        and not response.cookies  # set below this middleware: session, CSRF, messages, language
        and not get_nonce(request)  # a nonce used once must never be served twice
        and len(response.content) <= SHARED_PAGE_MAX_BYTES
    )


def _store(key: str, response) -> None:
    now = time.time()
    # Not for secrets: only spreads the moments pages come due.
    freshness = settings.PAGE_CACHE_SECONDS * random.uniform(0.8, 1.0)  # noqa: S311
    headers = {k: v for k, v in response.items() if k.lower() not in ("set-cookie", "age")}
    stored = (now + freshness, now, response.status_code, response.content, headers)
    _cache_call(cache.set, key, stored, settings.PAGE_CACHE_SECONDS * KEEP_STALE_FACTOR)


def _cache_call(method, *args):
    """A cache call that never fails the page: without the cache, every request renders."""
    try:
        return method(*args)
    except Exception as exc:  # the backend's own error class (redis.ConnectionError, …)
        logger.warning("Shared page cache unavailable (%s): rendering", type(exc).__name__)
        return None
