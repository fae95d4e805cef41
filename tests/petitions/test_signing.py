"""Signing: the form on the campaign page, what is stored, duplicates, errors, abuse protection."""

import re

import pytest
from django.core import mail
from django.test import override_settings
from django.utils import translation

from campaigns.models import CampaignStatus
from petitions.forms import SignForm
from petitions.models import Signature, SiteSettings, normalize_email

from .conftest import NEW_YORK_ZIP, form_data, last_mail_to, post, post_sign, sign_url

pytestmark = pytest.mark.django_db


def test_campaign_page_has_the_sign_form_without_a_csrf_token_and_stays_public(client, campaign):
    response = client.get(campaign.get_absolute_url())
    html = response.content.decode()
    assert f'action="{sign_url(campaign)}"' in html
    assert "csrfmiddlewaretoken" not in html
    assert "public" in response["Cache-Control"]
    counted = re.search(r'<input[^>]*id="id_visibility_0"[^>]*>', html).group()
    assert 'value="counted"' in counted and " checked" in counted


def test_share_channel_from_the_link_rides_along_in_the_form(client, campaign):
    html = client.get(campaign.get_absolute_url() + "?src=whatsapp").content.decode()
    assert 'name="src" value="whatsapp"' in html


def test_signing_stores_a_pending_signature_and_sends_the_confirmation(client, campaign):
    response = post_sign(client, campaign, src="whatsapp", keep_updated="on")

    assert response.status_code == 303
    assert response["Location"] == f"{campaign.get_absolute_url()}signed/"
    signature = Signature.objects.get()
    assert signature.status == "pending"
    assert signature.name == "Ana María López"
    assert signature.county_resident is True
    assert signature.visibility == "counted"
    assert signature.keep_updated is True
    assert signature.source == "whatsapp"
    assert signature.petition_text == campaign.petition_texts.get()
    message = last_mail_to("ana@example.org")
    assert "/confirm/" in message.body
    assert "/withdraw/" in message.body
    assert "/unsubscribe/" in message.body


def test_signed_page_says_check_your_email(client, campaign):
    response = client.get(f"{campaign.get_absolute_url()}signed/")
    assert response.status_code == 200
    assert "Check your email" in response.content.decode()


def test_a_zip_outside_the_county_is_a_supporter_elsewhere(client, campaign):
    post_sign(client, campaign, zip_code=NEW_YORK_ZIP)
    assert Signature.objects.get().county_resident is False


def test_visibility_defaults_to_counted_only(client, campaign):
    data = form_data()
    del data["visibility"]
    post(client, sign_url(campaign), data)
    assert Signature.objects.get().visibility == "counted"


def test_duplicate_gets_the_same_response_one_row_and_an_already_signed_email(client, campaign):
    first = post_sign(client, campaign)
    confirm_mail = last_mail_to("ana@example.org")
    # Confirmed, and past the cool-down of the confirmation email.
    Signature.objects.update(
        status="confirmed", confirmed_at="2026-01-01T00:00:00Z", last_emailed_at=None
    )
    mail.outbox.clear()

    second = post_sign(client, campaign, name="Someone Else")

    assert (second.status_code, second["Location"]) == (first.status_code, first["Location"])
    assert client.get(second["Location"]).content == client.get(first["Location"]).content
    assert Signature.objects.count() == 1
    assert Signature.objects.get().name == "Ana María López"
    [message] = mail.outbox
    assert "already signed" in message.body
    # Its link only shows (and lets the owner correct) the details: it confirms nothing new.
    assert "See or correct the details" in message.body
    assert confirm_mail.subject != message.subject


def test_signing_again_while_pending_sends_no_second_email_within_the_cool_down(client, campaign):
    """The first link keeps working and shows the latest details (test_presigning.py)."""
    post_sign(client, campaign)
    post_sign(client, campaign, name="Ana López")
    assert Signature.objects.get().name == "Ana López"
    assert sum("/confirm/" in m.body for m in mail.outbox) == 1


@pytest.mark.parametrize(
    "variant",
    ["A.N.A@gmail.com", "ana+petition@gmail.com", "a.n.a+x@googlemail.com", "ANA@GMAIL.COM"],
)
def test_gmail_dots_and_tags_are_one_signer(client, campaign, variant):
    post_sign(client, campaign, email="ana@gmail.com")
    post_sign(client, campaign, email=variant)
    assert Signature.objects.count() == 1


def test_plus_tags_and_case_are_one_signer_at_any_domain():
    assert normalize_email("Ana+news@Example.ORG") == "ana@example.org"
    # Dots only fold at Gmail: elsewhere they can be different mailboxes.
    assert normalize_email("a.na@example.org") == "a.na@example.org"


def test_the_same_email_signs_different_campaigns(client, campaign):
    from tests.factories import CampaignFactory, CountyFactory

    other = CampaignFactory(county=CountyFactory(fips="48201", name="Harris County"))
    post_sign(client, campaign)
    post_sign(client, other)
    assert Signature.objects.count() == 2


def test_a_withdrawn_signer_who_signs_again_gets_a_fresh_pending_signature(client, campaign):
    post_sign(client, campaign)
    signature = Signature.objects.get()
    old_uid = signature.uid
    Signature.objects.update(status="withdrawn")
    mail.outbox.clear()

    post_sign(client, campaign, visibility="full_name")

    signature.refresh_from_db()
    assert Signature.objects.count() == 1
    assert signature.status == "pending"
    assert signature.uid != old_uid
    assert signature.visibility == "full_name"
    assert "/confirm/" in mail.outbox[0].body


def test_errors_come_back_beside_fields_with_values_kept_and_a_summary(client, campaign):
    response = post_sign(client, campaign, name="", email="not-an-email", zip_code="7755")

    assert response.status_code == 400
    html = response.content.decode()
    assert 'role="alert"' in html
    assert 'href="#id_name"' in html
    assert 'href="#id_email"' in html
    assert 'href="#id_zip_code"' in html
    assert 'value="not-an-email"' in html
    assert 'value="7755"' in html
    email_input = re.search(r"<input[^>]*name=\"email\"[^>]*>", html).group(0)
    assert 'aria-invalid="true"' in email_input
    assert 'aria-describedby="id_email_helptext id_email_error"' in email_input
    assert 'id="id_email_error"' in html
    assert "Enter your 5-digit ZIP code" in html
    assert Signature.objects.count() == 0
    assert len(re.findall(r"<h1[\s>]", html)) == 1


def test_an_unknown_zip_code_is_refused_clearly(client, campaign):
    response = post_sign(client, campaign, zip_code="00000")
    assert response.status_code == 400
    assert "We do not know the ZIP code 00000" in response.content.decode()


@pytest.mark.parametrize("name", ["Ana\x00López", "x" * 101, "Ana\tLópez"])
def test_names_must_be_printable_and_short(client, campaign, name):
    assert post_sign(client, campaign, name=name).status_code == 400
    assert Signature.objects.count() == 0


def test_errors_on_the_spanish_page_are_in_spanish_and_keep_values(client, campaign):
    response = post_sign(client, campaign, prefix="/es", name="", visibility="bogus")

    assert response.status_code == 400
    html = response.content.decode()
    assert '<html lang="es"' in html
    assert "Escoja una opción válida" in html  # Django's own Spanish
    with translation.override("es"):
        expected = str(SignForm.base_fields["name"].error_messages["required"])
    assert expected in html
    assert 'value="ana@example.org"' in html
    assert 'action="/es/campaigns/' in html


def test_signing_from_the_spanish_page_records_spanish_and_mails_spanish_links(client, campaign):
    response = post_sign(client, campaign, prefix="/es")
    assert response["Location"].startswith("/es/")
    assert Signature.objects.get().language == "es"
    assert "http://testserver/es/confirm/" in last_mail_to("ana@example.org").body


def test_honeypot_gets_the_same_answer_and_writes_nothing(client, campaign):
    response = post_sign(client, campaign, website="http://spam.example")
    assert response.status_code == 303
    assert response["Location"] == f"{campaign.get_absolute_url()}signed/"
    assert Signature.objects.count() == 0
    assert mail.outbox == []


@pytest.mark.parametrize(
    "headers",
    [
        {"Origin": "https://evil.example"},
        {"Sec-Fetch-Site": "cross-site"},
        {"Sec-Fetch-Site": "same-site"},
        {"Origin": "null"},
    ],
)
def test_cross_site_posts_are_refused(client, campaign, headers):
    response = post_sign(client, campaign, headers=headers)
    assert response.status_code == 403
    assert Signature.objects.count() == 0


def test_same_origin_posts_are_accepted(client, campaign):
    headers = {"Origin": "http://testserver", "Sec-Fetch-Site": "same-origin"}
    assert post_sign(client, campaign, headers=headers).status_code == 303


@override_settings(SIGN_RATE_PER_MINUTE=10)
def test_a_flood_from_one_connection_is_told_plainly_it_hit_the_limit(client, campaign):
    statuses = [
        post_sign(client, campaign, email=f"p{n}@example.org").status_code for n in range(11)
    ]
    assert statuses[:10] == [303] * 10
    assert statuses[10] == 429
    assert "Your signature was not sent yet" in post_sign(client, campaign).content.decode()
    assert Signature.objects.count() == 10


@override_settings(SIGN_RATE_PER_MINUTE=10)
def test_staff_raise_the_limit_for_an_event(client, campaign):
    campaign.rate_limit_boost = 3
    campaign.save()
    statuses = [
        post_sign(client, campaign, email=f"p{n}@example.org").status_code for n in range(25)
    ]
    assert 429 not in statuses


@override_settings(SIGN_RATE_PER_MINUTE=10)
def test_another_connection_has_its_own_limit(client, campaign):
    for n in range(11):
        post_sign(client, campaign, email=f"p{n}@example.org")
    other = post(
        client, sign_url(campaign), form_data(email="q@example.org"), REMOTE_ADDR="10.1.2.3"
    )
    assert other.status_code == 303


def test_paused_signing_shows_a_message_and_no_form(client, campaign):
    SiteSettings.objects.update_or_create(pk=1, defaults={"signing_paused": True})
    html = client.get(campaign.get_absolute_url()).content.decode()
    assert "Signing is paused" in html
    assert 'name="email"' not in html
    assert post_sign(client, campaign).status_code == 409
    assert Signature.objects.count() == 0


def test_a_pause_written_behind_the_admin_stops_the_next_signature(client, campaign):
    SiteSettings.objects.update_or_create(pk=1, defaults={"signing_paused": False})
    client.get(campaign.get_absolute_url())  # the settings cached, as at a surge
    SiteSettings.objects.filter(pk=1).update(signing_paused=True)  # no save(): no cache cleared
    assert post_sign(client, campaign).status_code == 409
    assert Signature.objects.count() == 0


def test_a_campaign_paused_by_staff_takes_no_signatures(client, campaign):
    campaign.signing_paused = True
    campaign.save()
    assert post_sign(client, campaign).status_code == 409
    assert Signature.objects.count() == 0


@pytest.mark.parametrize("status", [CampaignStatus.WON, CampaignStatus.LOST])
def test_an_ended_campaign_takes_no_signatures(client, campaign, status):
    campaign.status = status
    campaign.save()
    html = client.get(campaign.get_absolute_url()).content.decode()
    assert "no longer takes signatures" in html
    assert 'name="email"' not in html
    assert post_sign(client, campaign).status_code == 409


def test_the_campaign_page_reads_in_few_queries(
    client, campaign, leadership, django_assert_max_num_queries
):
    from petitions.counting import refresh_tallies
    from tests.factories import SignatureFactory

    SignatureFactory.create_batch(3, campaign=campaign)
    refresh_tallies([campaign])
    # Campaign, contracts, targets, petition, leader, site switches, the stored tally, and the
    # delivery on the calendar (led campaigns only): 8, independent of the signatures. (CI once
    # counted 3 more: a transactional test's flush had deleted the site-switches row, so reading it
    # wrote it again; see the test below.)
    with django_assert_max_num_queries(8):
        response = client.get(campaign.get_absolute_url())
    assert response.status_code == 200
    assert "3 of 200" in response.content.decode()


@pytest.mark.django_db(transaction=True)
def test_the_site_switches_row_outlives_a_flush_so_the_campaign_page_never_writes(
    client, django_assert_max_num_queries
):
    """Every browser test ends with a flush, which deletes the rows data migrations made; the
    one SiteSettings row comes back with the flush (post_migrate), so the next reader does not
    write it (SELECT, SAVEPOINT, INSERT, RELEASE: three more queries on the campaign page)."""
    from django.core.management import call_command

    from tests.factories import CampaignFactory

    call_command("flush", interactive=False, verbosity=0)
    assert SiteSettings.objects.filter(pk=1).exists()
    campaign = CampaignFactory()
    with django_assert_max_num_queries(7):
        response = client.get(campaign.get_absolute_url())
    assert response.status_code == 200
