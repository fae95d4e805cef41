"""The mail server down, then up: signing still succeeds, the confirmation is retried later by the
database task worker, and once the server is back it arrives exactly once.

Real pieces: Django's SMTP backend, django-tasks-db's DatabaseBackend and its worker loop, and a
local SMTP server (tests/smtp_sink.py) started on the port that refused connections before.
"""

import re
import socket
from datetime import timedelta
from unittest import mock

import pytest
from django.test import override_settings
from django.utils import timezone
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

from petitions.models import Signature
from tests.factories import CampaignFactory
from tests.petitions.conftest import committed
from tests.smtp_sink import SMTPSink

pytestmark = pytest.mark.django_db

SIGNER = "ana@example.org"


def _free_port() -> int:
    """A loopback port where nothing listens (yet)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _settings(port):
    return override_settings(
        TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}},
        MAILERS={
            "default": {
                "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
                "OPTIONS": {"host": "127.0.0.1", "port": port, "timeout": 2},
            }
        },
    )


def _run_worker(at):
    """One pass of `manage.py db_worker --batch` as the clock reads `at`: every task due, then stop."""
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
    # The worker closes "old" connections between tasks; inside the test's transaction that would
    # close the test's own connection, so that housekeeping is left out here.
    with (
        mock.patch("django.utils.timezone.now", return_value=at),
        mock.patch("django_tasks_db.management.commands.db_worker.close_old_connections"),
    ):
        worker.run()


def _confirmations():
    return DBTaskResult.objects.filter(task_path="petitions.tasks.send_confirmation")


def test_signing_survives_a_mail_outage_and_the_link_arrives_once_when_mail_is_back(client):
    campaign = CampaignFactory()
    port = _free_port()
    with _settings(port):
        with committed():
            response = client.post(
                f"{campaign.get_absolute_url()}sign/",
                {"name": "Ana López", "email": SIGNER, "zip_code": "77550", "website": ""},
            )
        assert response.status_code == 303
        assert response["Location"] == f"{campaign.get_absolute_url()}signed/"
        signature = Signature.objects.get()
        assert signature.status == "pending"
        # Nothing is sent inside the request: the signature waits for the next sweep, which
        # queues its confirmation a second or so later.
        assert signature.follow_up_due
        assert _confirmations().count() == 0
        sweep = DBTaskResult.objects.get(task_path="petitions.tasks.follow_up_new_signatures")
        assert sweep.run_after <= timezone.now() + timedelta(seconds=2)

        # Down: the worker sweeps, tries to send, fails, and schedules the next try a minute later.
        first_try = sweep.run_after + timedelta(seconds=1)
        _run_worker(at=first_try)
        assert not Signature.objects.get().follow_up_due
        retry = _confirmations().get(status="READY")
        assert retry.args_kwargs["kwargs"]["attempt"] == 2
        assert retry.run_after >= first_try + timedelta(minutes=1)
        _run_worker(at=first_try + timedelta(seconds=30))  # not due yet: nothing is tried
        assert _confirmations().get(status="READY").pk == retry.pk

        # Still down at the second try: the third waits two minutes more.
        _run_worker(at=first_try + timedelta(minutes=1, seconds=1))
        third = _confirmations().get(status="READY")
        assert third.args_kwargs["kwargs"]["attempt"] == 3
        assert third.run_after >= first_try + timedelta(minutes=3)

        sink = SMTPSink(port).start()
        try:
            _run_worker(at=first_try + timedelta(minutes=3, seconds=2))
            _run_worker(at=first_try + timedelta(minutes=30))  # later passes send nothing again
            messages = list(sink.messages)
        finally:
            sink.stop()

    assert not _confirmations().filter(status="READY").exists()
    assert _confirmations().count() == 3  # three tries, all finished
    assert len(messages) == 1
    recipients, message = messages[0]
    assert recipients == [SIGNER]
    body = message.get_content()
    link = re.search(r"http://testserver(/confirm/[^\s/]+/)", body).group(1)
    # The link that finally arrived works.
    assert client.post(link).status_code == 302
    assert Signature.objects.get().status == "confirmed"
