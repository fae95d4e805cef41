"""Confirmation emails at a surge: the worker sends the due emails in batches, each over one
connection to the mail server; what a failure leaves unsent is retried, and only that.

Real pieces: Django's SMTP backend, django-tasks-db's queue and worker loop, and a local SMTP
server (tests/smtp_sink.py) that counts connections, refuses an address or hangs up mid-batch.
"""

from datetime import timedelta
from unittest import mock

import pytest
from django.test import override_settings
from django.utils import timezone
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

from petitions import tasks
from petitions.models import Signature
from tests.factories import CampaignFactory, SignatureFactory
from tests.smtp_sink import SMTPSink

pytestmark = pytest.mark.django_db


def _mail_to(sink):
    return override_settings(
        TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}},
        MAILERS={
            "default": {
                "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
                "OPTIONS": {"host": "127.0.0.1", "port": sink.port, "timeout": 2},
            }
        },
    )


def _run_worker(at=None):
    """One pass of `manage.py db_worker --batch`: every task due (at `at`), then stop."""
    worker = Worker(
        queue_names=["default"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="test-worker",
        excluded_queue_names=[],
    )
    # Inside the test's transaction the worker must not close the test's own connection.
    with (
        mock.patch("django.utils.timezone.now", return_value=at or timezone.now()),
        mock.patch("django_tasks_db.management.commands.db_worker.close_old_connections"),
    ):
        worker.run()


def _recipients(sink):
    return sorted(address for rcpt, _message in sink.messages for address in rcpt)


@pytest.fixture
def sink():
    server = SMTPSink().start()
    yield server
    server.stop()


@pytest.fixture
def pending():
    campaign = CampaignFactory()
    return SignatureFactory.create_batch(6, campaign=campaign, status="pending")


def _emails(signatures):
    return sorted(s.email for s in signatures)


def test_a_surge_of_due_emails_goes_out_in_batches_each_over_one_connection(
    sink, pending, monkeypatch
):
    monkeypatch.setattr(tasks, "EMAIL_BATCH", 4)
    Signature.objects.update(follow_up_due=True)
    with _mail_to(sink):
        tasks.follow_up_new_signatures.call()
        queued = DBTaskResult.objects.filter(task_path="petitions.tasks.send_confirmation")
        assert sorted(len(task.args_kwargs["args"]) for task in queued) == [2, 4]
        _run_worker()
    # Six signers, two batches, two connections (one per batch, not one per email).
    assert _recipients(sink) == _emails(pending)
    assert sink.connections == 2
    assert all("/confirm/" in message.get_content() for _rcpt, message in sink.messages)


def test_one_batch_opens_one_connection(sink, pending):
    with _mail_to(sink):
        sent = tasks.send_confirmation.call(*[s.pk for s in pending])
    assert sent == 6
    assert sink.connections == 1
    assert _recipients(sink) == _emails(pending)


def test_a_server_gone_in_the_middle_of_a_batch_retries_only_the_unsent(pending):
    ids = [s.pk for s in pending]
    broken = SMTPSink(hang_up_after=2).start()
    try:
        with _mail_to(broken):
            tasks.send_confirmation.enqueue(*ids)
            _run_worker()
            first = _recipients(broken)
            [retry] = DBTaskResult.objects.filter(status="READY")
    finally:
        broken.stop()
    assert first == _emails(pending[:2])
    assert retry.args_kwargs["args"] == ids[2:]
    assert retry.args_kwargs["kwargs"] == {"attempt": 2}
    assert retry.run_after > timezone.now()

    back = SMTPSink(broken.port).start()  # the server is back, on the same port
    try:
        with _mail_to(back):
            _run_worker(at=timezone.now() + timedelta(minutes=2))
            _run_worker(at=timezone.now() + timedelta(hours=1))  # nothing goes twice
    finally:
        back.stop()
    # Every signer got exactly one email across the two servers' lives.
    assert sorted(first + _recipients(back)) == _emails(pending)
    assert back.connections == 1


def test_a_refused_address_does_not_hold_up_the_rest_of_the_batch(pending):
    refused = pending[1].email
    server = SMTPSink(refuse=[refused]).start()
    try:
        with _mail_to(server):
            sent = tasks.send_confirmation.call(*[s.pk for s in pending])
            [retry] = DBTaskResult.objects.filter(status="READY")
    finally:
        server.stop()
    assert sent == 5
    assert _recipients(server) == _emails([s for s in pending if s.email != refused])
    assert server.connections == 1
    assert retry.args_kwargs["args"] == [pending[1].pk]


def test_a_worker_dying_after_the_commit_loses_no_email(client, sink):
    """The sweep commits the email task with the signatures it follows up; a worker that dies
    right after (before sending) leaves the task queued, and the next worker sends it."""
    campaign = CampaignFactory()
    with _mail_to(sink):
        for n in range(3):
            response = client.post(
                f"{campaign.get_absolute_url()}sign/",
                {"name": f"Ana {n}", "email": f"ana{n}@example.org", "zip_code": "77550"},
            )
            assert response.status_code == 303
        tasks.follow_up_new_signatures.call()  # committed; then the worker process dies
        assert sink.messages == []
        assert not Signature.objects.filter(follow_up_due=True).exists()
        _run_worker()  # a new worker starts
    assert _recipients(sink) == ["ana0@example.org", "ana1@example.org", "ana2@example.org"]


def test_a_batch_skips_a_signature_confirmed_since_it_was_queued(sink, pending):
    Signature.objects.filter(pk=pending[0].pk).update(
        status="confirmed", confirmed_at=timezone.now()
    )
    with _mail_to(sink):
        sent = tasks.send_confirmation.call(*[s.pk for s in pending])
    assert sent == 5
    assert pending[0].email not in _recipients(sink)
