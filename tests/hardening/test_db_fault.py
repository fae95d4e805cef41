"""The database disappearing mid-request: sign and confirm requests run against a live server from
several threads while another connection keeps killing the server's PostgreSQL connections
(pg_terminate_backend). Every answer is a success or the clear 503 page with Retry-After, never a
500; afterwards nothing is half-written, every success is in the database exactly once, and asking
again (as the 503 page says) completes what was refused.

Tasks go to django-tasks-db's DatabaseBackend, as in production, so "success" also means the
confirmation email is queued.
"""

import http.client
import random
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlencode, urlsplit

import psycopg
import pytest
from django.core.management import call_command
from django.db import connection
from django.test import override_settings
from django_tasks_db.models import DBTaskResult

from petitions import tokens
from petitions.counting import fresh_tally
from petitions.models import CampaignTally, Signature, email_key
from petitions.tasks import follow_up_new_signatures
from tests.conftest import sign_form, sign_path
from tests.factories import CampaignFactory, SignatureFactory

SIGNS = 90
CONFIRMS = 60
CLIENT_THREADS = 6
CSRF = "k" * 32  # any 32-character secret: the cookie and the form field only have to match
RETRY_PAGE = "Please try again in a moment"


class Killer(threading.Thread):
    """Every few tens of milliseconds, terminate one connection to the test database (never the
    test's own): a request that holds it loses its database mid-query or mid-transaction."""

    def __init__(self, spare_pid):
        super().__init__(daemon=True)
        params = connection.get_connection_params()
        params.pop("cursor_factory", None)
        params.pop("context", None)
        params.pop("prepare_threshold", None)
        self.db = psycopg.connect(**params, autocommit=True)
        self.spare_pid = spare_pid
        self.stop = threading.Event()
        self.rounds = 0
        self.killed = 0

    def run(self):
        rng = random.Random(287)
        while not self.stop.wait(rng.uniform(0.01, 0.06)):
            row = self.db.execute(
                "SELECT count(*) FILTER (WHERE pg_terminate_backend(pid)) FROM ("
                "  SELECT pid FROM pg_stat_activity"
                "  WHERE datname = current_database() AND backend_type = 'client backend'"
                "  AND pid <> pg_backend_pid() AND pid <> %s ORDER BY random() LIMIT 1"
                ") AS victim",
                [self.spare_pid],
            ).fetchone()
            self.rounds += 1
            self.killed += row[0]
        self.db.close()


def _request(base, method, path, *, body=None, client_ip, cookie=None):
    host = urlsplit(base)
    conn = http.client.HTTPConnection(host.hostname, host.port, timeout=30)
    headers = {"X-Forwarded-For": client_ip}
    if body is not None:
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    if cookie:
        headers["Cookie"] = cookie
    try:
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        return response.status, dict(response.getheaders()), response.read().decode()
    finally:
        conn.close()


def _sign_on_live_server(base, campaign, n):
    # Raw HTTP to the live server (its own address per signer), with the form the fixtures send.
    email = f"fault{n}@example.org"
    body = urlencode(sign_form(name=f"Signer {n}", email=email))
    status, headers, html = _request(
        base, "POST", sign_path(campaign), body=body, client_ip=f"10.1.0.{n}"
    )
    return ("sign", email, status, headers, html)


def _confirm(base, uid, n):  # n: the client address, one per request as on a real site
    status, headers, html = _request(
        base,
        "POST",
        f"/confirm/{tokens.confirm_token(uid)}/",
        body=urlencode({"csrfmiddlewaretoken": CSRF}),
        client_ip=f"10.2.0.{n}",
        cookie=f"csrftoken={CSRF}",
    )
    return ("confirm", uid, status, headers, html)


def _succeeded(kind, status, headers):
    if kind == "sign":
        return status == 303 and headers["Location"].endswith("/signed/")
    return status == 302 and headers["Location"].endswith("/thanks/")


def _refused_clearly(status, headers, html):
    return status == 503 and headers.get("Retry-After") == "10" and RETRY_PAGE in html


def _confirmation_queued(signature_id):
    return DBTaskResult.objects.filter(
        task_path="petitions.tasks.send_confirmation", args_kwargs__args__contains=[signature_id]
    ).exists()


def _email_on_its_way(signature):
    """Queued, or owed by the row itself to the worker's next sweep (which queues it)."""
    return signature.follow_up_due or _confirmation_queued(signature.pk)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@override_settings(
    CLIENT_IP_HEADER="HTTP_X_FORWARDED_FOR",
    TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}},
)
def test_killing_database_connections_mid_request_loses_and_half_writes_nothing(live_server):
    campaign = CampaignFactory()
    pending = [SignatureFactory(campaign=campaign, status="pending") for _ in range(CONFIRMS)]
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        own_pid = cursor.fetchone()[0]

    jobs = [(_sign_on_live_server, campaign, n) for n in range(SIGNS)]
    jobs += [(_confirm, signature.uid, n) for n, signature in enumerate(pending)]
    random.Random(6).shuffle(jobs)
    killer = Killer(spare_pid=own_pid)
    killer.start()
    started = time.monotonic()
    try:
        with ThreadPoolExecutor(CLIENT_THREADS) as pool:
            results = list(pool.map(lambda job: job[0](live_server.url, *job[1:]), jobs))
    finally:
        killer.stop.set()
        killer.join(timeout=10)
    seconds = time.monotonic() - started

    outcomes = Counter(f"{kind} {status}" for kind, _key, status, _h, _html in results)
    figures = (
        f"{len(results)} requests in {seconds:.1f} s, {killer.rounds} kill rounds terminated "
        f"{killer.killed} connections; outcomes {dict(sorted(outcomes.items()))}"
    )
    print(figures)

    # Never a 500: a success, or the clear page that asks to send again.
    for kind, key, status, headers, html in results:
        assert _succeeded(kind, status, headers) or _refused_clearly(status, headers, html), (
            kind,
            key,
            status,
            html[:300],
            figures,
        )
    assert killer.killed > 0 and sum(r[2] == 503 for r in results) > 0, figures

    # Every success is in the database, once, with its email queued.
    connection.close()  # the killer may have ended this thread's connection too
    for kind, key, status, headers, _html in results:
        if not _succeeded(kind, status, headers):
            continue
        if kind == "sign":
            [signature] = Signature.objects.filter(campaign=campaign, email_key=email_key(key))
            assert signature.status == "pending"
            assert _email_on_its_way(signature), key
        else:
            assert Signature.objects.get(uid=key).status == "confirmed", key

    # Sending again what was refused completes it, with nothing doubled.
    retried = [r for r in results if not _succeeded(r[0], r[2], r[3])]
    committed_anyway = sum(
        Signature.objects.filter(campaign=campaign, email_key=email_key(key)).exists()
        if kind == "sign"
        else Signature.objects.filter(uid=key, status="confirmed").exists()
        for kind, key, *_rest in retried
    )
    for i, (kind, key, *_rest) in enumerate(retried):
        if kind == "sign":
            n = int(key.removeprefix("fault").partition("@")[0])
            again = _sign_on_live_server(live_server.url, campaign, n)
        else:
            again = _confirm(live_server.url, key, 100 + i)
        assert _succeeded(again[0], again[2], again[3]), (kind, key, again[2], again[4][:300])
    signed = Signature.objects.filter(campaign=campaign, email__startswith="fault")
    assert signed.count() == SIGNS
    assert {s.email_key for s in signed} == {
        email_key(f"fault{n}@example.org") for n in range(SIGNS)
    }
    # The worker's sweep turns what the rows owe into email tasks: every signer gets one.
    follow_up_new_signatures.call()
    assert all(_confirmation_queued(s.pk) and not s.follow_up_due for s in signed.all())
    assert all(s.status == "pending" and s.confirmed_at is None for s in signed)
    confirmed = Signature.objects.filter(pk__in=[s.pk for s in pending])
    assert all(s.status == "confirmed" and s.confirmed_at for s in confirmed)
    # What visitors see is counted from the rows; the stored tally (lists, map) may lag after a
    # kill, and the nightly recount puts it right.
    assert fresh_tally(campaign).counted == CONFIRMS
    call_command("recount_signatures", verbosity=0)
    assert CampaignTally.objects.get(campaign=campaign).counted == CONFIRMS
    print(
        f"{len(retried)} refused requests ({committed_anyway} had committed before the kill)"
        " sent again: all succeeded; nothing lost, nothing doubled"
    )
