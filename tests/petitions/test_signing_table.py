"""The signing table: only the campaign's active leader opens it; each entry counts at once as
"signed in person"; the screen is empty after each signature; the time limit (or the leader)
ends it; rate limits do not block it; repeats are held for the leader; staff see it per hour."""

import re
from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import Client, override_settings
from django.utils import timezone, translation

from campaigns.models import Campaign
from petitions.in_person import sign_at_table
from petitions.models import Signature, SigningTable, email_key
from tests.factories import (
    CampaignFactory,
    CountyFactory,
    LeadershipFactory,
    SignatureFactory,
    UserFactory,
)
from tests.races import race

from .conftest import post

pytestmark = pytest.mark.django_db


def _url(campaign, tail="", prefix=""):
    with translation.override("en"):  # a request to /es/ leaves Spanish active in this thread
        return f"{prefix}{campaign.get_absolute_url()}{tail}"


@pytest.fixture
def leader(client, leadership):
    client.force_login(leadership.user)
    return leadership.user


@pytest.fixture
def table(client, campaign, leader):
    response = client.post(_url(campaign, "table/open/"))
    assert response.status_code == 302
    assert response["Location"] == _url(campaign, "table/")
    return SigningTable.objects.get()


def entry(**overrides):
    data = {"name": "Guadalupe Treviño", "zip_code": "77550", "visibility": "counted", "email": ""}
    data.update(overrides)
    return data


def unlock(client, campaign):
    """The leader's password ends the table's locked-down mode (and closes the table)."""
    return post(client, _url(campaign, "table/close/"), {"password": "a-long-test-password-1"})


def sign(client, campaign, prefix="", **overrides):
    return post(client, _url(campaign, "table/", prefix), entry(**overrides))


# Who may open it ----------------------------------------------------------------------------


def test_an_anonymous_visitor_is_sent_to_log_in(client, campaign, leadership):
    for response in (
        client.get(_url(campaign, "table/")),
        client.post(_url(campaign, "table/open/")),
        client.post(_url(campaign, "table/"), entry()),
    ):
        assert response.status_code == 302
        assert "/accounts/login/" in response["Location"]
    assert not SigningTable.objects.exists()
    assert not Signature.objects.exists()


def test_another_person_or_staff_is_refused(client, campaign, leadership):
    for user in (UserFactory(), UserFactory(is_staff=True, is_superuser=True)):
        client.force_login(user)
        assert client.post(_url(campaign, "table/open/")).status_code == 404
        assert client.get(_url(campaign, "table/")).status_code == 404
    assert not SigningTable.objects.exists()


def test_the_leader_of_another_campaign_is_refused(client, campaign, table):
    other = LeadershipFactory(
        campaign=CampaignFactory(county=CountyFactory(fips="48201", name="Harris County"))
    )
    client.force_login(other.user)
    assert client.get(_url(campaign, "table/")).status_code == 404
    assert client.post(_url(campaign, "table/"), entry()).status_code == 404
    assert not Signature.objects.exists()


def test_a_former_leader_is_refused_even_with_a_table_still_open(
    client, campaign, leadership, table
):
    leadership.ended_at = timezone.now()
    leadership.save()
    assert client.get(_url(campaign, "table/")).status_code == 404
    assert client.post(_url(campaign, "table/"), entry()).status_code == 404
    assert not Signature.objects.exists()


def test_opening_twice_keeps_one_table(client, campaign, table):
    client.post(_url(campaign, "table/open/"))
    assert SigningTable.objects.get() == table
    assert table.expires_at - table.started_at == timedelta(minutes=settings.SIGNING_TABLE_MINUTES)


# Signing at the table -------------------------------------------------------------------------


def test_an_entry_counts_at_once_as_signed_in_person_without_email(client, campaign, table):
    SignatureFactory(campaign=campaign)
    assert Client().get(_url(campaign, "count/")).json()["counted"] == 1  # now in the cache

    response = sign(client, campaign)

    assert response.status_code == 303
    signature = Signature.objects.get(method="in_person")
    assert (signature.status, signature.signing_table) == ("confirmed", table)
    assert signature.confirmed_at is not None
    assert (signature.email, signature.keep_updated, signature.county_resident) == ("", False, True)
    assert mail.outbox == []
    assert Client().get(_url(campaign, "count/")).json()["counted"] == 2
    client.logout()
    assert (
        "1 online · 0 on paper · 1 in person"
        in client.get(campaign.get_absolute_url()).content.decode()
    )


def test_the_screen_is_empty_after_each_signature(client, campaign, table):
    response = sign(client, campaign, name="Guadalupe Treviño", zip_code="77551")
    assert response["Location"] == _url(campaign, "table/")

    page = client.get(response["Location"])

    assert page.status_code == 200
    html = page.content.decode()
    assert "Signed. Thank you!" in html
    assert "Guadalupe" not in html and "Treviño" not in html
    assert "77551" not in html
    name_input = re.search(r'<input[^>]*name="name"[^>]*>', html).group(0)
    assert "value=" not in name_input
    assert 'autocomplete="off"' in name_input
    assert '<form method="post" novalidate autocomplete="off">' in html
    assert "no-store" in page["Cache-Control"]
    # The flash is shown once: the next person does not see it either.
    assert "Signed. Thank you!" not in client.get(_url(campaign, "table/")).content.decode()


def test_a_mistake_comes_back_with_what_this_signer_typed(client, campaign, table):
    response = client.post(_url(campaign, "table/"), entry(name="Rosa Díaz", zip_code="123"))
    assert response.status_code == 400
    html = response.content.decode()
    assert "Enter your 5-digit ZIP code" in html
    assert 'value="Rosa Díaz"' in html
    assert not Signature.objects.exists()


def test_an_email_is_kept_only_for_updates_and_sends_nothing(client, campaign, table):
    sign(client, campaign, email="Lupe.T+news@gmail.com", visibility="first_initial")
    signature = Signature.objects.get()
    assert signature.email == "Lupe.T+news@gmail.com"
    assert signature.email_key == email_key("lupet@gmail.com")
    assert signature.email_domain == "gmail.com"
    assert signature.keep_updated is True
    assert signature.visibility == "first_initial"
    assert signature.status == "confirmed"
    assert mail.outbox == []


def test_a_mailbox_already_signed_in_person_is_held_for_the_leader_and_the_screen_says_the_same(
    client, campaign, table
):
    # Compared with in-person entries only (an online one goes to staff: test_in_person_privacy).
    sign(client, campaign, name="Someone Else", email="lupe@example.org")
    response = sign(client, campaign, email="LUPE@example.org")
    html = client.get(response["Location"]).content.decode()
    assert "Signed. Thank you!" in html
    signature = Signature.objects.get(method="in_person", name="Guadalupe Treviño")
    assert (signature.status, signature.possible_duplicate, signature.email) == (
        "pending",
        True,
        "",
    )


def test_the_same_name_and_zip_is_flagged_for_the_leader(client, campaign, table):
    first = sign(client, campaign, name="Guadalupe Treviño")
    second = sign(client, campaign, name="GUADALUPE  trevino")
    # The signer sees the same thing either way: never who has signed.
    for response in (first, second):
        assert response.status_code == 303
    assert "Signed. Thank you!" in client.get(second["Location"]).content.decode()
    statuses = list(Signature.objects.order_by("pk").values_list("status", "possible_duplicate"))
    assert statuses == [("confirmed", False), ("pending", True)]
    assert Client().get(_url(campaign, "count/")).json()["counted"] == 1
    unlock(client, campaign)
    dashboard = client.get(_url(campaign, "dashboard/")).content.decode()
    assert "Check these signatures" in dashboard
    assert "at the signing table" in dashboard


@override_settings(SIGN_RATE_PER_MINUTE=10)
def test_rate_limits_do_not_block_a_signing_table(client, campaign, table):
    for n in range(25):  # online signing allows 10 a minute from one connection
        response = sign(client, campaign, name=f"Signer Number{n}")
        assert response.status_code == 303, n
    assert Signature.objects.filter(method="in_person", status="confirmed").count() == 25


def test_spanish_signers_sign_in_spanish(client, campaign, table):
    page = client.get(_url(campaign, "table/", prefix="/es"))
    assert page.status_code == 200
    assert 'lang="es"' in page.content.decode()
    response = sign(client, campaign, prefix="/es")
    assert response["Location"] == _url(campaign, "table/", prefix="/es")
    assert Signature.objects.get().language == "es"


def test_the_table_screen_has_no_way_into_the_leaders_pages(client, campaign, table):
    html = client.get(_url(campaign, "table/")).content.decode()
    assert "dashboard/" not in html
    assert "delivery/" not in html
    assert "my-campaigns" not in html


# How it ends ----------------------------------------------------------------------------------


def test_the_time_limit_ends_the_table(client, campaign, table):
    back = timedelta(minutes=settings.SIGNING_TABLE_MINUTES + 1)
    SigningTable.objects.filter(pk=table.pk).update(
        started_at=table.started_at - back, expires_at=table.expires_at - back
    )

    # The device stays locked on the table's page, which now offers only the leader's unlock.
    late = post(client, _url(campaign, "table/"), entry())
    assert late["Location"] == _url(campaign, "table/")
    page = client.get(late["Location"]).content.decode()
    assert "The last entry was not saved" in page
    assert f"closed by itself after {settings.SIGNING_TABLE_MINUTES} minutes" in page
    assert not Signature.objects.exists()

    dashboard = client.get(unlock(client, campaign)["Location"]).content.decode()
    assert "Open the signing table" in dashboard
    # Unlocked, a late entry leads to the dashboard.
    assert post(client, _url(campaign, "table/"), entry())["Location"] == _url(
        campaign, "dashboard/"
    )


def test_a_shorter_limit_from_settings(client, campaign, leader, settings):
    settings.SIGNING_TABLE_MINUTES = 5
    client.post(_url(campaign, "table/open/"))
    table = SigningTable.objects.get()
    assert table.expires_at - table.started_at == timedelta(minutes=5)


def test_the_leader_closes_the_table(client, campaign, table):
    sign(client, campaign)
    response = unlock(client, campaign)
    assert response["Location"] == _url(campaign, "dashboard/")
    assert (
        "The signing table is closed. 1 person signed at it."
        in client.get(response["Location"]).content.decode()
    )
    table.refresh_from_db()
    assert table.ended_at is not None
    assert client.get(_url(campaign, "table/")).status_code == 302
    assert post(client, _url(campaign, "table/"), entry(name="Too Late"))["Location"] == _url(
        campaign, "dashboard/"
    )
    assert not Signature.objects.filter(name="Too Late").exists()


# What staff see --------------------------------------------------------------------------------


def test_staff_see_in_person_signatures_per_hour(client, campaign, table):
    for n in range(3):
        sign(client, campaign, name=f"Signer Number{n}")
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    response = client.get(f"/{settings.ADMIN_URL}signing-activity/?campaign={campaign.pk}")
    assert response.status_code == 200
    hourly = response.context["hourly"]
    assert hourly[0]["in_person"] == 3
    assert hourly[0]["total"] == 3
    assert hourly[0]["confirmed"] == 3


# PostgreSQL: two entries at once still see each other ------------------------------------------


def _enter(kind, campaign_id, user_id, name):
    from petitions.in_person import PaperRow, enter_paper_batch

    campaign = Campaign.objects.get(pk=campaign_id)
    user = get_user_model().objects.get(pk=user_id)
    if kind == "table":
        return sign_at_table(campaign, user=user, name=name, zip_code="77550", visibility="counted")
    batch = enter_paper_batch(
        campaign, user=user, rows=[PaperRow(name, "77550", "counted")], attested=True
    )
    return batch.signatures.get()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_same_person_at_the_table_and_on_a_sheet_at_once_is_flagged_once():
    from petitions.in_person import open_signing_table

    for n in range(15):
        county = CountyFactory(fips=f"{92000 + n}", name=f"Table County {n}", state="TX")
        leadership = LeadershipFactory(campaign=CampaignFactory(county=county))
        open_signing_table(leadership.campaign, user=leadership.user)
        ids = (leadership.campaign_id, leadership.user_id)

        results = race(_enter, ("table", *ids, "Ana López"), ("paper", *ids, "ana lopez"))

        assert all(isinstance(r, Signature) for r in results), f"round {n}: {results!r}"
        rows = Signature.objects.filter(campaign_id=leadership.campaign_id)
        assert sorted(rows.values_list("status", flat=True)) == ["confirmed", "pending"], n
