"""Language choice: a visitor's explicit choice sticks (cookie); otherwise Accept-Language decides.

Django's i18n_patterns without a prefix for English would always show English at "/" even to a
browser that asks for Spanish; this middleware sends such a first visit to "/es/…" instead.
"""

from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpResponseRedirect
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache

SUPPORTED = {code for code, _name in settings.LANGUAGES}
# Paths outside i18n_patterns: never redirected to a language prefix.
UNPREFIXED = ("/static/", "/healthz", "/i18n/", "/lang/", "/" + settings.ADMIN_URL)


def preferred_language(request) -> str:
    chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
    if chosen in SUPPORTED:
        return chosen
    accept = request.headers.get("Accept-Language", "")
    return translation.get_supported_language_variant(
        translation.trans_real.get_language_from_request(_AcceptOnly(accept))
    )


def requested_language(request) -> str:
    """The language a printable asks for with ?lang= (a site language), else the page's own."""
    code = request.GET.get("lang")
    if code in SUPPORTED:
        return code
    return translation.get_language() or settings.LANGUAGE_CODE


class _AcceptOnly:
    """A stand-in request that carries only the Accept-Language header."""

    def __init__(self, accept):
        self.COOKIES = {}
        self.META = {"HTTP_ACCEPT_LANGUAGE": accept}
        self.headers = {"Accept-Language": accept}
        self.path_info = "/"


def path_in_language(path: str, code: str) -> str:
    """The same page in another language: our URLs differ only by the /es/ prefix."""
    current = translation.get_language_from_path(path)
    if current:
        path = path[len(current) + 1 :] or "/"
    if code == settings.LANGUAGE_CODE:
        return path
    return f"/{code}{path}"


class PreferredLanguageMiddleware:
    """A GET for an address without a language prefix, from a visitor whose choice (cookie) or
    browser (Accept-Language) wants Spanish, is sent to "/es/…"."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method in ("GET", "HEAD") and not request.path.startswith(UNPREFIXED):
            in_path = translation.get_language_from_path(request.path_info)
            if in_path is None:
                wanted = preferred_language(request)
                if wanted != settings.LANGUAGE_CODE:
                    target = path_in_language(request.get_full_path(), wanted)
                    if target != request.get_full_path():
                        response = HttpResponseRedirect(target)
                        response["Vary"] = "Accept-Language, Cookie"
                        response["Cache-Control"] = "private, no-cache"
                        return response
        response = self.get_response(request)
        return response


class PathLanguageMiddleware:
    """Each request in the language of its path, in place of Django's LocaleMiddleware: "/es/…"
    Spanish, anything else English.

    That is all LocaleMiddleware decides with i18n_patterns and no prefix for English, after
    reading the cookie and parsing Accept-Language on every request for nothing (the visitor's
    preference only ever sends them to another address: PreferredLanguageMiddleware). The
    response gets what LocaleMiddleware adds: Content-Language, and "Vary: Accept-Language" on an
    unprefixed address, whose answer (that redirect) depends on it.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        in_path = translation.get_language_from_path(request.path_info)
        request.LANGUAGE_CODE = in_path or settings.LANGUAGE_CODE
        translation.activate(request.LANGUAGE_CODE)
        response = self.get_response(request)
        if in_path is None:
            patch_vary_headers(response, ("Accept-Language",))
        response.headers.setdefault("Content-Language", translation.get_language())
        return response


def _is_site_path(path: str) -> bool:
    """A path on this site and nothing a browser could read as another host.

    Checked again once the language prefix is gone: "/es//evil.example" is harmless, but without
    its "/es" it is "//evil.example". Browsers also read "/\\host" as "//host" and drop tabs and
    newlines, so a path starts with one "/" and holds no space or control character.
    """
    if not path.startswith("/") or path.startswith(("//", "/\\")):
        return False
    if any(ch.isspace() or not ch.isprintable() for ch in path):
        return False
    return url_has_allowed_host_and_scheme(path, allowed_hosts=None)


@never_cache
def choose_language(request, code):
    """GET /lang/es/?next=/campaigns/…: remember the choice and show that page in that language."""
    code = code if code in SUPPORTED else settings.LANGUAGE_CODE
    parts = urlsplit(request.GET.get("next", "/"))
    # The page without its language prefix: the check must see what a browser would be sent to.
    bare = path_in_language(parts.path, settings.LANGUAGE_CODE)
    if parts.scheme or parts.netloc or not (_is_site_path(parts.path) and _is_site_path(bare)):
        bare, query = "/", ""
    else:
        query = f"?{parts.query}" if parts.query else ""
    target = path_in_language(bare, code) + query
    response = HttpResponseRedirect(target)
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        code,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
        httponly=True,
    )
    return response
