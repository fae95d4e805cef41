"""Cache-Control for pages: public pages for a few seconds (a CDN absorbs refreshes), the rest never.

A page is only public when nothing on it belongs to one visitor: no session, no messages, no form
with a CSRF token. Anything else is private and not stored.
"""

import hashlib
import time
from functools import wraps
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.utils.cache import patch_cache_control, patch_vary_headers


def is_anonymous_visit(request) -> bool:
    return not request.user.is_authenticated and not request.COOKIES.get(
        settings.SESSION_COOKIE_NAME
    )


def showed_messages(request) -> bool:
    # MessageMiddleware clears the messages cookie only after this decorator has run.
    storage = getattr(request, "_messages", None)
    return bool(storage is not None and storage.used)


# The largest page kept in the shared cache (a search can list many campaigns).
SHARED_PAGE_MAX_BYTES = 512 * 1024
# A longer value of a parameter a page reads is rendered but never stored (a search for a
# paragraph is nobody's shared page).
SHARED_PARAM_MAX_CHARS = 100


def shared_page_key(request, params: tuple[str, ...] = ()) -> str | None:
    """The shared-cache key of a page anyone may get, or None when the request is one visitor's.

    Only a GET with no cookie at all: nothing on such a page can belong to someone (no session, no
    messages, no language choice, no CSRF cookie). The page differs only by its path, language and
    the query parameters its view reads (`params`): any other parameter (utm_*, fbclid, junk) gets
    the same stored page, so made-up parameters cannot fill the cache.
    """
    if not settings.PAGE_CACHE_SECONDS or request.method != "GET" or request.COOKIES:
        return None
    query = [(name, value) for name in params for value in request.GET.getlist(name)]
    if any(len(value) > SHARED_PARAM_MAX_CHARS for _name, value in query):
        return None
    address = f"{request.path}?{urlencode(query)}"
    path = hashlib.sha256(address.encode()).hexdigest()
    language = getattr(request, "LANGUAGE_CODE", "")
    return f"public_page:{request.scheme}:{request.get_host()}:{language}:{path}"


def public_page(view=None, *, params: tuple[str, ...] = ()):
    """Cache a GET for PUBLIC_CACHE_SECONDS with stale-while-revalidate, for anonymous visitors.

    The same page is also kept in the shared cache (CACHE_URL) for PAGE_CACHE_SECONDS: at a
    surge, visitors refreshing a campaign page get it rendered once per few seconds for every
    app server, as a CDN would serve it, and not once per request. A view that reads query
    parameters names them: `@public_page(params=("q",))`; the shared copy keys on those alone.
    """
    if view is None:
        return lambda view: _public_page(view, params)
    return _public_page(view, params)


def _public_page(view, params):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        key = shared_page_key(request, params)
        renewing = None
        if key and (stored := cache.get(key)) is not None:
            fresh_until, status, content, headers = stored
            # Stale: one request renders it again, the others keep getting the stale copy (what
            # stale-while-revalidate lets a CDN do), so an expiry never stampedes the workers.
            if time.time() < fresh_until or not cache.add(key + ":renewing", 1, 30):
                response = HttpResponse(content, status=status)
                for name, value in headers:
                    response[name] = value
                return response
            renewing = key + ":renewing"
        try:
            return _render_public(view, request, key, *args, **kwargs)
        finally:
            if renewing:
                cache.delete(renewing)

    return wrapper


def _render_public(view, request, key, *args, **kwargs):
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
    else:
        patch_cache_control(response, private=True, no_store=True)
    patch_vary_headers(response, ["Cookie", "Accept-Language"])
    small = not response.streaming and len(response.content) <= SHARED_PAGE_MAX_BYTES
    if public and key and small:
        headers = [(k, v) for k, v in response.items() if k.lower() != "set-cookie"]
        fresh_until = time.time() + settings.PAGE_CACHE_SECONDS
        stored = (fresh_until, response.status_code, response.content, headers)
        cache.set(key, stored, settings.PAGE_CACHE_SECONDS * 6)
    elif key:
        cache.delete(key)  # no longer public (moved, closed): never serve the old copy again
    return response
