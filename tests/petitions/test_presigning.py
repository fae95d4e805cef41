"""Security issue 13: a stranger signing with someone else's address decides nothing for them.

The confirmation page shows what will be counted and lets its owner correct it; a later signing
of a pending address replaces its details (every link it received shows the new ones); a
confirmed signature changes only from its owner's inbox; one email per address per cool-down,
never with signer-typed text; new and repeat signings cost the same statements.
"""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.db import connection
from django.test import TestCase, override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from petitions.models import Signature

from .conftest import form_data, last_mail_to, link_from, post, post_sign, sign_url

pytestmark = pytest.mark.django_db

STRANGER = "URGENT ICE notice verify your status at evil.example"


def _confirm_page(client, message):
    response = client.get(link_from(message, "confirm"))
    assert response.status_code == 200
    return response.content.decode()


def test_the_confirm_page_shows_what_will_be_counted(client, campaign):
    post_sign(client, campaign, name="Ana María López", visibility="full_name")
    html = _confirm_page(client, last_mail_to("ana@example.org"))
    assert "Ana María López" in html
    assert "77550" in html
    assert "My full name" in html
    # The form holds the details, so the person can correct them before confirming.
    assert 'name="name" value="Ana María López"' in html
    assert 'name="zip_code" value="77550"' in html
    assert 'value="full_name"' in html and "checked" in html


def test_a_later_signing_replaces_a_strangers_pending_details_and_the_old_link_shows_them(
    client, campaign
):
    post_sign(client, campaign, name="Stranger Name", zip_code="10001", visibility="full_name")
    strangers_mail = last_mail_to("ana@example.org")

    post_sign(client, campaign, name="Ana López", visibility="counted")

    signature = Signature.objects.get()
    assert (signature.name, signature.zip_code, signature.visibility) == (
        "Ana López",
        "77550",
        "counted",
    )
    assert signature.county_resident is True
    html = _confirm_page(client, strangers_mail)  # the link of the first email still works
    assert "Ana López" in html
    assert "Stranger Name" not in html
    post(client, link_from(strangers_mail, "confirm"))
    signature.refresh_from_db()
    assert signature.status == "confirmed"
    assert signature.public_name() == ""


def test_the_owner_corrects_the_details_before_confirming(client, campaign):
    post_sign(client, campaign, name="Stranger Name", visibility="full_name")
    link = link_from(last_mail_to("ana@example.org"), "confirm")

    response = post(
        client, link, {"name": "Ana López", "zip_code": "77551", "visibility": "first_initial"}
    )

    assert response.status_code == 302
    signature = Signature.objects.get()
    assert signature.status == "confirmed"
    assert (signature.name, signature.zip_code, signature.visibility) == (
        "Ana López",
        "77551",
        "first_initial",
    )
    assert signature.public_name() == "Ana L."


def test_a_zip_corrected_on_the_confirmation_page_decides_residence(client, campaign):
    post_sign(client, campaign, zip_code="10001")  # New York: not a resident of Galveston County
    assert Signature.objects.get().county_resident is False
    link = link_from(last_mail_to("ana@example.org"), "confirm")

    post(client, link, {"name": "Ana María López", "zip_code": "77550", "visibility": "counted"})

    signature = Signature.objects.get()
    assert (signature.status, signature.zip_code, signature.county_resident) == (
        "confirmed",
        "77550",
        True,
    )
    assert signature.name_key == "ana maria lopez"


def test_confirming_a_pending_signature_is_one_statement(client, campaign):
    from petitions.confirmation import confirm_signature
    from petitions.tokens import confirm_token

    post_sign(client, campaign)
    pending = Signature.objects.get()
    with CaptureQueriesContext(connection) as queries:
        signature, new = confirm_signature(confirm_token(pending.uid))
    assert new and signature.pk == pending.pk
    assert len(queries) == 1  # UPDATE … WHERE status = 'pending' RETURNING: no BEGIN, no lock
    assert (signature.status, signature.email) == ("confirmed", "")  # no updates wanted
    assert signature.campaign.get_absolute_url() == campaign.get_absolute_url()
    stored = Signature.objects.get()
    assert (stored.status, stored.email, stored.confirmed_at) == (
        "confirmed",
        "",
        signature.confirmed_at,
    )


def test_invalid_corrections_are_refused_and_nothing_is_confirmed(client, campaign):
    post_sign(client, campaign)
    link = link_from(last_mail_to("ana@example.org"), "confirm")
    response = post(client, link, {"name": "", "zip_code": "123", "visibility": "counted"})
    assert response.status_code == 400
    assert "Enter your name." in response.content.decode()
    assert Signature.objects.get().status == "pending"


def test_a_new_signing_never_changes_a_confirmed_signature(client, campaign):
    post_sign(client, campaign, name="Ana López", visibility="counted")
    post(client, link_from(last_mail_to("ana@example.org"), "confirm"))
    mail.outbox.clear()

    post_sign(client, campaign, name="Stranger Name", zip_code="10001", visibility="full_name")

    signature = Signature.objects.get()
    assert signature.status == "confirmed"
    assert (signature.name, signature.zip_code, signature.visibility) == (
        "Ana López",
        "77550",
        "counted",
    )


def test_a_confirmed_signer_corrects_details_from_the_link_in_their_email(client, campaign):
    post_sign(client, campaign, name="Ana López")
    confirmation = last_mail_to("ana@example.org")
    post(client, link_from(confirmation, "confirm"))

    html = _confirm_page(client, confirmation)
    assert "already confirmed" in html
    response = post(
        client,
        link_from(confirmation, "confirm"),
        {"name": "Ana María López", "zip_code": "77550", "visibility": "full_name"},
    )

    assert response.status_code == 302
    signature = Signature.objects.get()
    assert (signature.name, signature.visibility) == ("Ana María López", "full_name")
    assert signature.status == "confirmed"


def test_the_already_signed_email_links_to_the_details(client, campaign):
    post_sign(client, campaign)
    # Confirmed, and past the cool-down of its confirmation email.
    Signature.objects.update(status="confirmed", confirmed_at=timezone.now(), last_emailed_at=None)
    mail.outbox.clear()
    post_sign(client, campaign, name="Someone Else")
    [message] = mail.outbox
    assert "already signed" in message.body
    assert "Ana María López" in _confirm_page(client, message)


# Mail bombing ---------------------------------------------------------------------------------


def test_many_signings_of_one_address_send_one_email_in_the_cool_down(client, campaign):
    for n in range(5):
        post_sign(client, campaign, name=f"Signer {n}")
    assert len(mail.outbox) == 1


@override_settings(SIGNING_EMAIL_COOLDOWN_MINUTES=10)
def test_after_the_cool_down_another_email_goes_out(client, campaign):
    post_sign(client, campaign)
    Signature.objects.update(last_emailed_at=timezone.now() - timedelta(minutes=11))
    post_sign(client, campaign)
    assert len(mail.outbox) == 2


def test_already_signed_emails_have_a_cool_down_too(client, campaign):
    post_sign(client, campaign)
    post(client, link_from(last_mail_to("ana@example.org"), "confirm"))
    assert len(mail.outbox) == 1  # within the cool-down of the confirmation email: nothing more
    post_sign(client, campaign)
    assert len(mail.outbox) == 1
    Signature.objects.update(last_emailed_at=None)  # the cool-down is over
    mail.outbox.clear()
    for _n in range(4):
        post_sign(client, campaign)
    assert len(mail.outbox) == 1
    assert "already signed" in mail.outbox[0].body


def test_the_cool_down_is_per_campaign(client, campaign):
    from tests.factories import CampaignFactory, CountyFactory

    other = CampaignFactory(county=CountyFactory(fips="48201", name="Harris County"))
    post_sign(client, campaign)
    post_sign(client, other)
    assert len(mail.outbox) == 2


@pytest.mark.parametrize("prefix", ["", "/es"])
def test_no_typed_name_in_the_confirmation_email(client, campaign, prefix):
    post_sign(client, campaign, prefix=prefix, name=STRANGER)
    message = last_mail_to("ana@example.org")
    assert "URGENT" not in message.body
    assert "URGENT" not in message.subject
    assert "evil.example" not in message.body


@pytest.mark.parametrize("prefix", ["", "/es"])
def test_no_typed_name_in_the_already_signed_email(client, campaign, prefix):
    post_sign(client, campaign, prefix=prefix, name=STRANGER)
    Signature.objects.update(status="confirmed", confirmed_at=timezone.now(), last_emailed_at=None)
    mail.outbox.clear()
    with translation.override("en"):  # the request left Spanish active in this thread
        post_sign(client, campaign, prefix=prefix, name="Other")
    [message] = mail.outbox
    assert "URGENT" not in message.body
    assert "evil.example" not in message.body


def test_an_invalidated_signature_gets_no_email_and_keeps_its_details(client, campaign):
    post_sign(client, campaign)
    Signature.objects.update(status="invalidated", last_emailed_at=None)
    mail.outbox.clear()
    post_sign(client, campaign, name="Someone Else")
    assert mail.outbox == []
    assert Signature.objects.get().name == "Ana María López"


def test_a_withdrawn_signer_signing_again_within_the_cool_down_gets_a_new_link(client, campaign):
    post_sign(client, campaign)
    Signature.objects.update(status="withdrawn", withdrawn_at=timezone.now())
    mail.outbox.clear()
    post_sign(client, campaign, name="Ana López")
    [message] = mail.outbox
    assert "Ana López" in _confirm_page(client, message)
    assert Signature.objects.get().status == "pending"


# Timing -------------------------------------------------------------------------------------


def _statements(client, campaign, data):
    """The SQL the signing request runs, without its parameters."""
    seen = []

    def record(execute, sql, params, many, context):
        seen.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record), TestCase.captureOnCommitCallbacks(execute=True):
        assert client.post(sign_url(campaign), data).status_code == 303
    return seen


@override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}})
def test_new_and_confirmed_addresses_cost_the_same_statements(client, campaign, monkeypatch):
    moment = 1_800_000_000.2  # every request inside one window of the clock
    monkeypatch.setattr("config.outbox._now", lambda: moment)
    client.get(campaign.get_absolute_url())  # site settings cached, as at a surge
    post_sign(client, campaign, email="first@example.org")  # claims the sweep's window
    post_sign(client, campaign, email="ana@example.org")
    Signature.objects.filter(email="ana@example.org").update(
        status="confirmed", confirmed_at=timezone.now()
    )

    new = _statements(client, campaign, form_data(email="new@example.org", name="New"))
    repeat = _statements(client, campaign, form_data(email="ana@example.org", name="Other"))
    pending = _statements(client, campaign, form_data(email="new@example.org", name="Again"))

    assert new == repeat == pending
    assert len(new) == 2  # the campaign, then one INSERT … ON CONFLICT
    assert re.match(r"INSERT .* ON CONFLICT", new[-1], flags=re.S)


@override_settings(SIGNING_EMAIL_COOLDOWN_MINUTES=10)
def test_the_check_your_email_page_explains_the_cool_down(client, campaign):
    html = client.get(f"{campaign.get_absolute_url()}signed/").content.decode()
    assert "at most one email every 10 minutes" in html
    assert "shows the details you gave last" in html


def test_a_confirmed_signer_whose_address_was_let_go_still_hears_they_already_signed(
    client, campaign
):
    # No updates asked for: confirming lets the address go, only the keyed hash stays.
    post_sign(client, campaign)
    post(client, link_from(last_mail_to("ana@example.org"), "confirm"))
    assert Signature.objects.get().email == ""
    Signature.objects.update(last_emailed_at=None)  # the cool-down is over
    mail.outbox.clear()

    post_sign(client, campaign)

    assert [m.to for m in mail.outbox] == [["ana@example.org"]]
    assert "already signed" in mail.outbox[0].body
    # Taken back only to send that email: the address is gone again, the count unchanged.
    signature = Signature.objects.get()
    assert (signature.email, signature.status) == ("", "confirmed")


def test_within_the_cool_down_an_address_taken_back_is_let_go_at_once(client, campaign):
    post_sign(client, campaign)
    post(client, link_from(last_mail_to("ana@example.org"), "confirm"))
    mail.outbox.clear()

    post_sign(client, campaign)  # within the cool-down of the confirmation: nothing is sent

    assert mail.outbox == []
    assert Signature.objects.get().email == ""


def test_the_signing_statement_stays_short_enough_for_psycopg_to_keep_its_parse():
    from psycopg._queries import MAX_CACHED_STATEMENT_LENGTH

    from petitions.models.signatures import _sign_or_follow_up_sql

    # Longer, and psycopg parses the statement again on every signature (bench/profile_requests.py).
    assert len(_sign_or_follow_up_sql(Signature, "default")) <= MAX_CACHED_STATEMENT_LENGTH
