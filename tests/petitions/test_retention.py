"""What the database keeps of a signer, and for how long: a stolen dump should give little.

The mailbox key is a keyed hash (the key lives outside the database); withdrawing blanks the
person at once; a confirmed signer who asked for no updates loses their email; delivered and
closed campaigns are purged after PURGE_AFTER_DAYS.
"""

import io
from datetime import date, timedelta
from unittest import mock

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone

from campaigns.models import CampaignStatus
from petitions.counting import fresh_tally
from petitions.invalidation import InvalidationCriteria, invalidate_signatures
from petitions.models import Delivery, Signature, email_key
from tests.factories import SignatureFactory, UserFactory

from .conftest import last_mail_to, link_from, post, post_sign

pytestmark = pytest.mark.django_db


# The mailbox key --------------------------------------------------------------------------------


def test_the_database_holds_a_keyed_hash_not_the_address(client, campaign):
    post_sign(client, campaign, email="Ana.Maria+news@Gmail.com")

    signature = Signature.objects.get()
    assert "ana" not in signature.email_key
    assert "gmail" not in signature.email_key
    assert len(signature.email_key) == 64
    assert signature.email_domain == "gmail.com"
    # The same mailbox written another way is the same key: still one signature per mailbox.
    assert signature.email_key == email_key("anamaria@gmail.com")


def test_the_key_depends_on_a_secret_kept_outside_the_database():
    with override_settings(SIGNATURE_KEY_SECRET="one"):
        first = email_key("ana@example.org")
    with override_settings(SIGNATURE_KEY_SECRET="two"):
        second = email_key("ana@example.org")
    assert first != second
    assert email_key("") == ""


def test_signing_twice_with_the_same_mailbox_is_still_one_signature(client, campaign):
    post_sign(client, campaign, email="ana@example.org")
    post_sign(client, campaign, email="ANA+x@example.org")
    assert Signature.objects.count() == 1


def test_invalidating_by_domain_finds_confirmed_signers_whose_email_is_gone(client, campaign):
    post_sign(client, campaign, email="bot1@spam.example")
    post(client, link_from(last_mail_to("bot1@spam.example"), "confirm"))
    SignatureFactory(campaign=campaign, email="real@example.org")
    assert Signature.objects.get(email_domain="spam.example").email == ""

    invalidation = invalidate_signatures(
        InvalidationCriteria(email_domain="@Spam.Example"), reason="bots", user=None
    )

    assert invalidation.signatures_affected == 1
    assert Signature.objects.get(email_domain="spam.example").status == "invalidated"
    assert Signature.objects.get(email_domain="example.org").status == "confirmed"


def test_existing_keys_are_hashed_by_the_migration():
    from importlib import import_module

    from django.apps import apps

    migration = import_module("petitions.migrations.0005_signature_keyed_email_hash")
    signature = SignatureFactory(email="ana@example.org")
    Signature.objects.filter(pk=signature.pk).update(email_key="ana@example.org", email_domain="")

    migration.hash_email_keys(apps, None)

    signature.refresh_from_db()
    assert signature.email_key == email_key("ana@example.org")
    assert signature.email_domain == "example.org"


# Confirming ------------------------------------------------------------------------------------


def test_confirming_deletes_the_email_of_a_signer_who_wants_no_updates(client, campaign):
    post_sign(client, campaign)
    message = last_mail_to("ana@example.org")
    post(client, link_from(message, "confirm"))

    signature = Signature.objects.get()
    assert signature.status == "confirmed"
    assert signature.email == ""
    assert signature.email_key == email_key("ana@example.org")  # still one per mailbox
    # The links in the email still work: they name the signature, not the address.
    assert (
        "Your signature is withdrawn"
        in post(client, link_from(message, "withdraw")).content.decode()
    )
    assert Signature.objects.get().status == "withdrawn"


def test_confirming_keeps_the_email_of_a_signer_who_asked_for_updates(client, campaign):
    post_sign(client, campaign, keep_updated="on")
    post(client, link_from(last_mail_to("ana@example.org"), "confirm"))
    assert Signature.objects.get().email == "ana@example.org"


def test_a_confirmed_signer_signing_again_is_not_counted_twice(client, campaign):
    post_sign(client, campaign)
    post(client, link_from(last_mail_to("ana@example.org"), "confirm"))
    post_sign(client, campaign, email="ana@example.org")
    assert Signature.objects.count() == 1
    assert fresh_tally(campaign).counted == 1


# Withdrawing -----------------------------------------------------------------------------------


def test_withdrawing_blanks_the_person_and_keeps_only_the_key(client, campaign):
    post_sign(client, campaign, keep_updated="on")
    message = last_mail_to("ana@example.org")
    post(client, link_from(message, "confirm"))

    post(client, link_from(message, "withdraw"))

    signature = Signature.objects.get()
    assert signature.status == "withdrawn"
    assert (signature.name, signature.name_key, signature.email, signature.zip_code) == (
        "",
        "",
        "",
        "",
    )
    assert signature.email_domain == ""
    assert signature.email_key == email_key("ana@example.org")
    assert fresh_tally(campaign).counted == 0


def test_a_withdrawn_signer_can_sign_again_and_counts_once(client, campaign):
    post_sign(client, campaign)
    post(client, link_from(last_mail_to("ana@example.org"), "withdraw"))
    post_sign(client, campaign, name="Ana López", zip_code="77551")
    post(client, link_from(last_mail_to("ana@example.org"), "confirm"))

    signature = Signature.objects.get()
    assert (signature.status, signature.name, signature.zip_code) == (
        "confirmed",
        "Ana López",
        "77551",
    )
    assert fresh_tally(campaign).counted == 1


def test_a_withdrawn_signature_is_nobodys_repeat(client, campaign):
    post_sign(client, campaign, email="first@example.org")
    post(client, link_from(last_mail_to("first@example.org"), "withdraw"))
    post_sign(client, campaign, email="second@example.org")
    assert not Signature.objects.get(status="pending").possible_duplicate


# The purge -------------------------------------------------------------------------------------


def _delivered(campaign, *, days_ago):
    campaign.status = CampaignStatus.DELIVERED
    campaign.save()
    Delivery.objects.create(
        campaign=campaign,
        delivered_on=timezone.localdate() - timedelta(days=days_ago),
        received_by="Front desk",
        recorded_by=UserFactory(),
    )


def test_a_delivered_campaign_is_purged_after_the_retention_period(campaign):
    before = SignatureFactory(campaign=campaign, created_at=timezone.now() - timedelta(days=120))
    _delivered(campaign, days_ago=100)
    after = SignatureFactory(campaign=campaign, name="Late Signer", email="late@example.org")

    call_command("purge_signatures", "--days", "90", stdout=io.StringIO())

    before.refresh_from_db()
    after.refresh_from_db()
    assert (before.name, before.email, before.email_domain) == ("", "", "")
    assert before.purged_at is not None
    assert before.email_key != ""  # the campaign still takes signatures: no second count
    assert before.status == "confirmed"
    # Signed after the delivery: handed over with the next one, kept until then.
    assert (after.name, after.email) == ("Late Signer", "late@example.org")
    assert fresh_tally(campaign).counted == 2


def test_a_recent_delivery_is_not_purged_yet(campaign):
    SignatureFactory(campaign=campaign, created_at=timezone.now() - timedelta(days=40))
    _delivered(campaign, days_ago=30)
    call_command("purge_signatures", "--days", "90", stdout=io.StringIO())
    assert Signature.objects.get().name != ""


def test_a_closed_campaign_loses_even_the_key(campaign):
    SignatureFactory(campaign=campaign)
    campaign.status = CampaignStatus.CLOSED
    campaign.outcome_date = date.today() - timedelta(days=100)
    campaign.save()
    with mock.patch("django.utils.timezone.now", return_value=timezone.now()):
        call_command("purge_signatures", "--days", "90", stdout=io.StringIO())
    signature = Signature.objects.get()
    assert (signature.name, signature.email, signature.email_key, signature.email_domain) == (
        "",
        "",
        "",
        "",
    )


def test_staff_find_a_signer_by_address_after_it_was_deleted(client, campaign):
    post_sign(client, campaign)
    post(client, link_from(last_mail_to("ana@example.org"), "confirm"))
    SignatureFactory(campaign=campaign, email="other@example.org")
    client.force_login(UserFactory(is_staff=True, is_superuser=True))

    response = client.get(f"/{settings.ADMIN_URL}petitions/signature/", {"q": "Ana@Example.org"})

    assert [s.email for s in response.context["cl"].result_list] == [""]


def test_stopping_updates_after_confirming_deletes_the_address(client, campaign):
    post_sign(client, campaign, keep_updated="on")
    message = last_mail_to("ana@example.org")
    post(client, link_from(message, "confirm"))

    post(client, link_from(message, "unsubscribe"))

    signature = Signature.objects.get()
    assert (signature.status, signature.email, signature.keep_updated) == ("confirmed", "", False)
    assert signature.email_key == email_key("ana@example.org")


def test_stopping_updates_before_confirming_keeps_the_address_for_the_confirmation(
    client, campaign
):
    post_sign(client, campaign, keep_updated="on")
    post(client, link_from(last_mail_to("ana@example.org"), "unsubscribe"))
    assert Signature.objects.get().email == "ana@example.org"


def test_a_delivered_sheets_photo_goes_with_the_delivery_purge(campaign, settings, tmp_path):
    from django.core.files.base import ContentFile

    from petitions.models import PaperBatch

    from .conftest import committed

    settings.MEDIA_ROOT = tmp_path / "media"
    old = timezone.now() - timedelta(days=120)
    delivered = PaperBatch(campaign=campaign, attested=True, created_at=old)
    delivered.photo.save("photo.png", ContentFile(b"old"), save=True)
    _delivered(campaign, days_ago=100)
    later = PaperBatch(campaign=campaign, attested=True)
    later.photo.save("photo.png", ContentFile(b"new"), save=True)
    storage, name = delivered.photo.storage, delivered.photo.name
    SignatureFactory(campaign=campaign, paper_batch=delivered, method="paper", created_at=old)

    with committed():
        call_command("purge_signatures", "--days", "90", stdout=io.StringIO())

    delivered.refresh_from_db()
    later.refresh_from_db()
    assert not delivered.photo and not storage.exists(name)
    assert later.photo  # typed in after the delivery: goes with the next one
