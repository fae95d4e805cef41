"""The benchmark's ceilings: what this stack serves with no work of ours (served only with BENCH_CEILING=1).

The benchmark reports each page as a ratio to these, measured in the same run on the same gunicorn,
middleware and database, so its figures hold on any machine. The table `bench_ceiling` is created by
the benchmark with raw SQL: it is no model of the site and has no migration.
"""

from django.db import connection
from django.http import HttpResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt

# About the size of a real page's head and a paragraph: the fixed cost of one request, no templates.
FIXED_PAGE = (
    '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Ceiling</title></head>'
    "<body><h1>Ceiling</h1><p>" + "A fixed page for the benchmark. " * 40 + "</p></body></html>"
)


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
