"""Fixtures for signatures: a campaign in Galveston County, TX, its leader, and helpers to sign."""

import re

import pytest
from django.core import mail
from django.test import TestCase
from django.utils import translation

from tests.conftest import sign_form, sign_path
from tests.factories import CampaignFactory, LeadershipFactory

GALVESTON_ZIP = "77550"
NEW_YORK_ZIP = "10001"


@pytest.fixture(autouse=True)
def _english():
    # A request to /es/ leaves Spanish active in the test thread; each test starts in English.
    with translation.override("en"):
        yield


@pytest.fixture
def campaign(db):
    return CampaignFactory()


@pytest.fixture
def leadership(campaign):
    return LeadershipFactory(campaign=campaign, public_name="Rosa")


sign_url = sign_path


def form_data(**overrides):
    return sign_form(**{"name": "Ana María López", **overrides})


def committed():
    """Run what services defer to after commit (emails, tally refresh), as a real request would."""
    return TestCase.captureOnCommitCallbacks(execute=True)


def post(client, url, data=None, **kwargs):
    with committed():
        return client.post(url, data or {}, **kwargs)


def post_sign(client, campaign, prefix="", headers=None, **overrides):
    return post(client, sign_url(campaign, prefix), form_data(**overrides), headers=headers or {})


def link_from(message, kind):
    """The absolute link of one kind (confirm, withdraw, unsubscribe) in an email body."""
    found = re.search(rf"http://testserver(/(?:es/)?{kind}/[^\s/]+/)", message.body)
    assert found, message.body
    return found.group(1)


def last_mail_to(address):
    messages = [m for m in mail.outbox if address in m.to]
    assert messages, [m.to for m in mail.outbox]
    return messages[-1]
