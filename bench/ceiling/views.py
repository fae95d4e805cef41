"""The benchmark's ceilings: what the stack serves with no work of the site's.

Served twice by the bench: by the bare project next to them (bench/ceiling/settings.py: Django with
two middleware, no apps) and through the site's own settings and middleware
(bench/project_settings.py) as a diagnostic. The table `bench_ceiling` (a unique index on email, as
a signature has) is created by bench/seed.py with raw SQL: it is no model of the site.
"""

from django.db import connection
from django.http import HttpResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt

# 10 KB: about a real page's head and a few paragraphs, the fixed cost of one request, no templates.
_HEAD = (
    '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Ceiling</title></head>'
    "<body><h1>Ceiling</h1><p>"
)
_TAIL = "</p></body></html>"
_FILLER = "A fixed page for the benchmark. " * 400
FIXED_PAGE = _HEAD + _FILLER[: 10 * 1024 - len(_HEAD) - len(_TAIL)] + _TAIL


def fixed_page(request):
    return HttpResponse(FIXED_PAGE)


@csrf_exempt
def raw_insert(request):
    if request.method != "POST":
        return HttpResponse(status=405)
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO bench_ceiling (email, created_at) VALUES (%s, now())",
            [request.POST.get("email", "")[:254]],
        )
    return HttpResponse(status=303, headers={"Location": "/bench/ceiling/page/"})


urlpatterns = [
    path("bench/ceiling/page/", fixed_page),
    path("bench/ceiling/insert/", raw_insert),
]
