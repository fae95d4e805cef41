"""The bench's ceilings live in bench/, never in the site: a bare Django project, and the same views
added to the site's URLs only by the bench's own settings module. Its database comes from DATABASE_URL."""

import importlib

from django.urls import Resolver404, resolve

from bench import stack
from bench.ceiling import views


def test_the_site_does_not_serve_the_ceiling_views():
    try:
        resolve("/bench/ceiling/page/")
    except Resolver404:
        return
    raise AssertionError("the site serves the bench's ceiling page")


def test_the_bench_settings_add_the_ceiling_views_to_the_sites_urls():
    urls = importlib.import_module("bench.project_urls")

    assert resolve("/bench/ceiling/page/", urlconf=urls).func is views.fixed_page
    assert resolve("/bench/ceiling/insert/", urlconf=urls).func is views.raw_insert
    assert resolve("/healthz", urlconf=urls).func.__module__ == "config.views"


def test_the_bare_project_has_only_two_middleware_and_no_apps(monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "x" * 50)
    monkeypatch.setenv("DATABASE_URL", "postgres://u:p@db.example:5433/bench")
    bare = importlib.reload(importlib.import_module("bench.ceiling.settings"))

    assert bare.MIDDLEWARE == [
        "django.middleware.security.SecurityMiddleware",
        "django.middleware.common.CommonMiddleware",
    ]
    assert bare.INSTALLED_APPS == []
    assert bare.DATABASES["default"]["HOST"] == "db.example"


def test_the_fixed_page_weighs_10_kb():
    assert 10 * 1024 - 200 <= len(views.FIXED_PAGE.encode()) <= 10 * 1024


def test_the_bench_database_server_comes_from_database_url():
    server = stack._server("postgres://ci%40role:s%3Acret@db.example:5433/end287g")

    assert server == {"host": "db.example", "port": 5433, "user": "ci@role", "password": "s:cret"}


def test_the_default_is_the_database_ci_creates():
    assert stack._server(stack.DEFAULT_DATABASE_URL) == {
        "host": "127.0.0.1",
        "port": 5432,
        "user": "end287g",
        "password": "end287g",
    }
