"""Pages that belong to the site as a whole: health check, rate-limit and error pages."""

from django.db import connection
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache


@never_cache
def healthz(request):
    """200 when the database answers, 503 otherwise; the body never says why (no details leak)."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:
        return HttpResponse("unavailable\n", status=503, content_type="text/plain")
    return HttpResponse("ok\n", content_type="text/plain")


def rate_limited(request, exception=None, *, seconds=60):
    """Shown when a visitor hits a rate limit: say so plainly, never drop the request silently."""
    response = render(request, "429.html", {"retry_in": retry_in_words(seconds)}, status=429)
    response["Retry-After"] = str(seconds)
    response["Cache-Control"] = "no-store"
    return response


def retry_in_words(seconds: int) -> str:
    """ "in 40 seconds", "in 2 minutes": when a limited visitor may try again."""
    if seconds < 60:
        return ngettext("in %(count)d second", "in %(count)d seconds", seconds) % {"count": seconds}
    minutes = -(-seconds // 60)
    return ngettext("in %(count)d minute", "in %(count)d minutes", minutes) % {"count": minutes}


def not_found(request, exception=None):
    return render(request, "404.html", status=404)


def server_error(request):
    # No template context processors that touch the database: the error may be the database.
    return render(request, "500.html", status=500)
