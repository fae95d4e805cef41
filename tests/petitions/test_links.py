"""The links in signers' emails: confirm by POST only, expiry, withdraw, stop emails, failed sends."""

import logging
from datetime import timedelta
from unittest import mock

import pytest
from django.core import mail
from django.test import override_settings

from config.mail import MAX_ATTEMPTS
from petitions import tasks
from petitions.models import Signature

from .conftest import last_mail_to, link_from, post, post_sign

pytestmark = pytest.mark.django_db


@pytest.fixture
def signed(client, campaign):
    post_sign(client, campaign)
    return last_mail_to("ana@example.org")


def test_opening_the_confirmation_link_changes_nothing(client, campaign, signed):
    response = client.get(link_from(signed, "confirm"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Confirm my signature" in html
    assert 'method="post"' in html
    assert "no-store" in response["Cache-Control"]
    assert Signature.objects.get().status == "pending"
    assert client.head(link_from(signed, "confirm")).status_code == 200
    assert Signature.objects.get().status == "pending"


def test_pressing_the_button_confirms_and_the_count_shows_it_at_once(client, campaign, signed):
    assert "0 of 200" in client.get(campaign.get_absolute_url()).content.decode()  # now cached

    response = post(client, link_from(signed, "confirm"))

    assert response.status_code == 302
    assert response["Location"].startswith(campaign.get_absolute_url())
    signature = Signature.objects.get()
    assert signature.status == "confirmed"
    assert signature.confirmed_at is not None
    assert response["Location"] == f"{campaign.get_absolute_url()}thanks/"
    assert (
        "Thank you: your signature is counted" in client.get(response["Location"]).content.decode()
    )
    # The campaign page cached a moment ago already shows the new count.
    assert "1 of 200" in client.get(campaign.get_absolute_url()).content.decode()
    assert campaign.tally.counted == 1


def test_confirming_twice_is_harmless(client, campaign, signed):
    link = link_from(signed, "confirm")
    post(client, link)
    confirmed_at = Signature.objects.get().confirmed_at
    assert post(client, link).status_code == 302
    assert Signature.objects.get().confirmed_at == confirmed_at


def test_an_expired_link_explains_and_offers_to_sign_again(client, campaign, signed):
    link = link_from(signed, "confirm")
    with override_settings(CONFIRMATION_LINK_MAX_AGE=timedelta(seconds=-1)):
        get = client.get(link)
        response = post(client, link)
    assert get.status_code == 410
    assert response.status_code == 410
    html = response.content.decode()
    assert "expired" in html
    assert f'href="{campaign.get_absolute_url()}#sign"' in html
    assert Signature.objects.get().status == "pending"


def test_a_tampered_link_is_refused(client, campaign, signed):
    link = link_from(signed, "confirm")
    assert client.get(link.replace("/confirm/", "/confirm/x")).status_code == 404
    withdraw = link_from(signed, "withdraw")
    assert client.get(withdraw[:-3] + "AA/").status_code == 404


def test_one_links_token_does_not_open_another_door(client, campaign, signed):
    token = link_from(signed, "withdraw").split("/")[-2]
    assert client.get(f"/confirm/{token}/").status_code == 404
    assert client.get(f"/unsubscribe/{token}/").status_code == 404


def test_withdraw_shows_a_button_and_the_post_withdraws(client, campaign, signed):
    post(client, link_from(signed, "confirm"))
    link = link_from(signed, "withdraw")

    assert "Withdraw my signature" in client.get(link).content.decode()
    assert Signature.objects.get().status == "confirmed"

    response = post(client, link)
    assert response.status_code == 200
    assert "Your signature is withdrawn" in response.content.decode()
    assert Signature.objects.get().status == "withdrawn"
    assert "0 of 200" in client.get(campaign.get_absolute_url()).content.decode()
    campaign.tally.refresh_from_db()
    assert campaign.tally.counted == 0


def test_a_withdrawn_signature_cannot_be_confirmed(client, campaign, signed):
    post(client, link_from(signed, "withdraw"))
    response = post(client, link_from(signed, "confirm"))
    assert response.status_code == 409
    assert Signature.objects.get().status == "withdrawn"


def test_unsubscribe_stops_emails_and_keeps_the_signature(client, campaign):
    post_sign(client, campaign, keep_updated="on")
    message = last_mail_to("ana@example.org")
    post(client, link_from(message, "confirm"))
    link = link_from(message, "unsubscribe")

    client.get(link)
    assert Signature.objects.get().unsubscribed_at is None
    post(client, link)

    signature = Signature.objects.get()
    assert signature.unsubscribed_at is not None
    assert signature.keep_updated is False
    assert signature.status == "confirmed"
    assert message.extra_headers["List-Unsubscribe"] == f"<http://testserver{link}>"


def test_mail_scanner_one_click_unsubscribe_needs_no_csrf_token(campaign, client, signed):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    assert strict.post(link_from(signed, "unsubscribe")).status_code == 200
    assert strict.post(link_from(signed, "withdraw")).status_code == 403


def test_confirm_posts_are_rate_limited(client, campaign, signed):
    link = link_from(signed, "confirm")
    # django-ratelimit's windows follow the clock's minutes: held inside one, so 31 posts on a
    # slow machine never straddle two windows (which let the 31st through).
    one_minute = mock.Mock(time=lambda: 1_800_000_030.0)
    with mock.patch("django_ratelimit.core.time", one_minute):
        statuses = [post(client, link).status_code for _ in range(31)]
    assert statuses[-1] == 429


def test_the_email_is_in_the_signers_language(client, campaign):
    post_sign(client, campaign, prefix="/es")
    message = last_mail_to("ana@example.org")
    assert "/es/withdraw/" in message.body
    assert "/es/unsubscribe/" in message.body


def test_a_mail_server_failure_does_not_lose_the_signature(client, campaign, caplog):
    boom = mock.patch(
        "django.core.mail.backends.locmem.EmailBackend.send_messages",
        side_effect=ConnectionRefusedError("mail server down"),
    )
    with boom, caplog.at_level(logging.WARNING, logger="config.mail"):
        response = post_sign(client, campaign)
    assert response.status_code == 303
    assert Signature.objects.get().status == "pending"
    assert "send_confirmation failed" in caplog.text
    assert "ana@example.org" not in caplog.text
    assert "Ana" not in caplog.text
    # Signing again once mail works (and the cool-down is over) sends a fresh link. With the
    # database queue, production's, the failed send is retried by itself (next test).
    Signature.objects.update(last_emailed_at=None)
    post_sign(client, campaign)
    assert "/confirm/" in last_mail_to("ana@example.org").body


def test_a_failed_send_is_retried_later_when_the_backend_can_defer(campaign):
    from tests.factories import SignatureFactory

    signature = SignatureFactory(campaign=campaign, status="pending")
    backend = tasks.send_confirmation.get_backend()
    with (
        mock.patch(
            "django.core.mail.backends.locmem.EmailBackend.send_messages",
            side_effect=OSError("down"),
        ),
        mock.patch.object(type(backend), "supports_defer", True, create=True),
        mock.patch("django.tasks.base.Task.enqueue") as enqueue,
        mock.patch("django.tasks.base.Task.get_backend", return_value=backend),
    ):
        sent = tasks.send_confirmation.call(signature.pk, attempt=3)
    assert sent == 0
    enqueue.assert_called_once_with(signature.pk, attempt=4)


def test_a_send_gives_up_after_the_last_attempt(campaign, caplog):
    from tests.factories import SignatureFactory

    signature = SignatureFactory(campaign=campaign, status="pending")
    with (
        mock.patch(
            "django.core.mail.backends.locmem.EmailBackend.send_messages",
            side_effect=OSError("down"),
        ),
        mock.patch("django.tasks.base.Task.enqueue") as enqueue,
        caplog.at_level(logging.ERROR, logger="config.mail"),
    ):
        tasks.send_confirmation.call(signature.pk, attempt=MAX_ATTEMPTS)
    enqueue.assert_not_called()
    assert "gave up" in caplog.text
    assert mail.outbox == []
