"""Test set-up shared by every test: settings for tests, the PostgreSQL marker, common fixtures."""

import os

import pytest

_postgres_report = {"ran": 0, "skipped": []}


def _is_postgres() -> bool:
    from django.db import connection

    return connection.vendor == "postgresql"


def pytest_runtest_setup(item):
    if item.get_closest_marker("postgres") and not _is_postgres():
        pytest.skip("needs PostgreSQL (set DATABASE_URL=postgres://...)")


def pytest_runtest_logreport(report):
    if "postgres" not in report.keywords:
        return
    if report.when == "call" and report.outcome in ("passed", "failed"):
        _postgres_report["ran"] += 1
    elif report.skipped:
        _postgres_report["skipped"].append(report.nodeid)


def pytest_sessionfinish(session, exitstatus):
    """With REQUIRE_POSTGRES=1 (CI), a skipped or missing PostgreSQL-only test fails the run."""
    if os.environ.get("REQUIRE_POSTGRES") != "1":
        return
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    problem = None
    if _postgres_report["skipped"]:
        problem = f"{len(_postgres_report['skipped'])} PostgreSQL-only tests were skipped"
    elif _postgres_report["ran"] == 0 and session.testscollected:
        problem = "no PostgreSQL-only test ran"
    if reporter:
        reporter.write_line(f"PostgreSQL-only tests run: {_postgres_report['ran']}")
    if problem:
        if reporter:
            reporter.write_line(f"REQUIRE_POSTGRES: {problem}", red=True)
        session.exitstatus = 1


@pytest.fixture(autouse=True)
def _fresh_cache():
    from django.core.cache import caches

    from config.outbox import forget_claimed_windows

    for cache in caches.all():
        cache.clear()
    forget_claimed_windows()
    yield
    for cache in caches.all():
        cache.clear()


@pytest.fixture(autouse=True)
def _english_after_each_test():
    """A Spanish request or translation.activate("es") must not leak into the next test."""
    from django.utils import translation

    yield
    # Without an active translation Django uses LANGUAGE_CODE: English, as at the start of a test.
    translation.deactivate()


# The signer both signing fixtures use unless a test says otherwise: a Galveston County, TX ZIP.
SIGNER = {
    "name": "Ana López",
    "email": "ana@example.org",
    "zip_code": "77550",
    "visibility": "counted",
}


def sign_form(**fields) -> dict:
    """The sign form as a visitor fills it in (the honeypot and share channel left empty)."""
    return {**SIGNER, "website": "", "src": "", **fields}


def sign_path(campaign, prefix: str = "") -> str:
    """The address the campaign's sign form posts to (prefix "/es" for the Spanish page)."""
    from django.utils import translation

    # Unprefixed whatever the test thread's language (a Spanish request leaves Spanish active).
    with translation.override("en"):
        return f"{prefix}{campaign.get_absolute_url()}sign/"


@pytest.fixture
def sign():
    """Sign a campaign's petition online through the service the form calls:
    `sign(campaign, **overrides)` (name, email, zip_code, visibility, language, keep_updated…)."""
    from petitions.signing import sign_petition

    def _sign(campaign, **overrides):
        return sign_petition(campaign, **{**SIGNER, "language": "en", **overrides})

    return _sign


@pytest.fixture
def sign_over_http(client, django_capture_on_commit_callbacks):
    """Sign as a visitor does, over HTTP: POST the campaign's sign form and return the response.

    `sign_over_http(campaign, prefix="/es", visitor=other_client, headers={...}, **fields)`;
    the form is sign_form(**fields), the visitor the test's `client` unless given. What the
    request queued for after its commit (the outbox: emails, the tally) runs, as it would.
    """

    def _sign(campaign, *, prefix="", visitor=None, headers=None, **fields):
        with django_capture_on_commit_callbacks(execute=True):
            return (visitor or client).post(
                sign_path(campaign, prefix), sign_form(**fields), headers=headers or {}
            )

    return _sign
