"""Logs carry no signer's email, name or IP address: a full sign, confirm, withdraw journey (with a
refused form, a mail server that refuses the address, a bad link) is run with every logger at DEBUG,
and everything logged, tracebacks and extra fields included, is searched."""

import logging
import re
import smtplib
from unittest import mock

import pytest
from django.core import mail
from django.db import OperationalError
from django.test import Client

from petitions.models import Signature
from tests.factories import CampaignFactory
from tests.petitions.conftest import committed

pytestmark = pytest.mark.django_db

EMAIL = "Rosalia.Quintanilla+petition@example.org"
NAME = "Rosalía Quintanilla-Ybarra"
IP = "203.0.113.45"
FORWARDED = "198.51.100.77"


class _Everything(logging.Handler):
    def __init__(self):
        super().__init__(level=logging.DEBUG)
        self.records = []
        self.formatter = logging.Formatter("%(levelname)s %(name)s %(message)s")

    def emit(self, record):
        self.records.append(record)

    def text(self) -> str:
        parts = []
        for record in self.records:
            parts.append(self.format(record))  # message and traceback
            parts.extend(repr(value) for value in record.__dict__.values())  # extra= fields
        return "\n".join(parts)


@pytest.fixture
def logs():
    """Every logger at DEBUG and captured, whatever LOGGING says (a worst-case LOG_LEVEL)."""
    handler = _Everything()
    loggers = [logging.getLogger()] + [
        logger
        for logger in logging.Logger.manager.loggerDict.values()
        if isinstance(logger, logging.Logger)
    ]
    saved = [(logger, logger.level, logger.disabled) for logger in loggers]
    for logger in loggers:
        logger.setLevel(logging.DEBUG)
        logger.disabled = False
        if logger is logging.getLogger() or not logger.propagate:
            logger.addHandler(handler)
    yield handler
    for logger, level, disabled in saved:
        logger.setLevel(level)
        logger.disabled = disabled
        logger.removeHandler(handler)


@pytest.fixture
def console():
    """What the site's configured console handler writes (its formatter and filters applied)."""
    import io

    [handler] = [h for h in logging.getLogger().handlers if h.get_name() == "console"]
    stream = io.StringIO()
    previous = handler.setStream(stream)
    yield stream
    handler.setStream(previous)


def _link(kind):
    body = mail.outbox[-1].body
    return re.search(rf"http://testserver(/{kind}/[^\s/]+/)", body).group(1)


def test_a_full_journey_logs_no_email_name_or_address(client, logs, console):
    campaign = CampaignFactory()
    sign = f"{campaign.get_absolute_url()}sign/"
    data = {"name": NAME, "email": EMAIL, "zip_code": "77550", "website": ""}
    env = {"REMOTE_ADDR": IP, "headers": {"X-Forwarded-For": FORWARDED}}

    def post(url, form=None):
        with committed():
            return client.post(url, form or {}, **env)

    assert client.get(campaign.get_absolute_url(), **env).status_code == 200
    assert post(sign, {**data, "zip_code": "00000"}).status_code == 400
    # The mail server refuses the address: the exception itself carries it.
    refused = smtplib.SMTPRecipientsRefused({EMAIL: (550, f"<{EMAIL}> unknown".encode())})
    with mock.patch(
        "django.core.mail.backends.locmem.EmailBackend.send_messages", side_effect=refused
    ):
        assert post(sign, data).status_code == 303
    # The database drops mid-request: a 503, and a log line that says where, never who.
    gone = OperationalError("server closed the connection unexpectedly")
    with mock.patch("petitions.views.signing.sign_petition", side_effect=gone):
        assert post(sign, data).status_code == 503
    Signature.objects.update(last_emailed_at=None)  # past the cool-down of the failed send
    assert post(sign, data).status_code == 303  # mail works again: the link is sent
    confirm = _link("confirm")
    assert client.get(confirm, **env).status_code == 200
    assert post(confirm).status_code == 302
    assert Signature.objects.get().status == "confirmed"
    Signature.objects.update(last_emailed_at=None)  # past the cool-down
    assert post(sign, data).status_code == 303  # signs again: "already signed" email
    withdraw = _link("withdraw")
    assert client.get(withdraw, **env).status_code == 200
    assert post(withdraw).status_code == 200
    assert Signature.objects.get().status == "withdrawn"
    assert client.get("/confirm/not-a-token/", **env).status_code == 404
    # A bug on a link page: Django logs "Internal Server Error: <path>", and the path is the link.
    crashing = Client(raise_request_exception=False)
    with mock.patch("petitions.views.signing.signature_from_link", side_effect=RuntimeError("bug")):
        assert crashing.get(withdraw, **env).status_code == 500

    text = logs.text()
    assert len(logs.records) >= 3, "the journey should have logged something (tasks, warnings)"
    assert "send_confirmation failed" in text  # the refused send was logged, by id only
    assert "Database unavailable during POST petitions:sign (OperationalError)" in text
    local, _, domain = EMAIL.partition("@")
    for secret in (EMAIL, EMAIL.lower(), local, "rosaliaquintanilla", NAME, "Quintanilla", IP):
        assert secret.lower() not in text.lower(), f"{secret!r} leaked into the logs"
    assert FORWARDED not in text
    # Through the site's own handler, the links' tokens are blanked too: whoever holds one can
    # confirm or withdraw in the signer's name.
    written = console.getvalue()
    assert "Internal Server Error: /withdraw/[token]/" in written
    assert "Database unavailable during POST petitions:sign" in written
    assert "Service Unavailable" not in written  # logged once, by the line above
    for link in (confirm, withdraw):
        token = link.strip("/").rsplit("/", 1)[-1]
        assert token not in written, [line for line in written.splitlines() if token in line]
    for secret in (EMAIL, NAME, IP, FORWARDED):
        assert secret not in written


def test_the_gunicorn_access_log_when_turned_on_leaves_out_the_client_address():
    from pathlib import Path

    config = {}
    path = Path(__file__).resolve().parents[2] / "gunicorn.conf.py"
    exec(compile(path.read_text(), str(path), "exec"), config)  # noqa: S102 - our own config file
    assert config["accesslog"] is None  # off by default
    fmt = config["access_log_format"]
    for field in ("%(h)s", "%(a)s", "%(f)s", "%(r)s", "%(q)s", "{x-forwarded-for}i"):
        assert field not in fmt
