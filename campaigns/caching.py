"""Cache-Control for pages: public pages for a few seconds (a CDN absorbs refreshes), the rest never.

A page is only public when nothing on it belongs to one visitor: no session, no messages, no form
with a CSRF token. Anything else is private and not stored.
"""

from functools import wraps

from django.conf import settings
from django.utils.cache import patch_cache_control, patch_vary_headers


def is_anonymous_visit(request) -> bool:
    return not request.user.is_authenticated and not request.COOKIES.get(
        settings.SESSION_COOKIE_NAME
    )


def showed_messages(request) -> bool:
    # MessageMiddleware clears the messages cookie only after this decorator has run.
    storage = getattr(request, "_messages", None)
    return bool(storage is not None and storage.used)


def public_page(view):
    """Cache a GET for PUBLIC_CACHE_SECONDS with stale-while-revalidate, for anonymous visitors."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        if (
            request.method in ("GET", "HEAD")
            and response.status_code == 200
            and is_anonymous_visit(request)
            and not showed_messages(request)
            and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
            and not response.cookies
        ):
            seconds = settings.PUBLIC_CACHE_SECONDS
            patch_cache_control(
                response, public=True, max_age=seconds, stale_while_revalidate=seconds * 6
            )
        else:
            patch_cache_control(response, private=True, no_store=True)
        patch_vary_headers(response, ["Cookie", "Accept-Language"])
        return response

    return wrapper
