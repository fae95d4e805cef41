"""The signing table's locked-down mode: a signer handed the leader's phone reaches only the table.
Every other page of the site, for that browser session, leads back to it; only the leader's
password ends the mode."""

from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from django.conf import settings
from django.test import Client

from petitions.models import Signature, SigningTable
from tests.factories import CampaignFactory, CountyFactory, LeadershipFactory

from .conftest import post

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-test-password-1"


@pytest.fixture
def leader(client, leadership):
    client.force_login(leadership.user)
    return leadership.user


@pytest.fixture
def table_url(client, campaign, leader):
    response = client.post(f"{campaign.get_absolute_url()}table/open/")
    assert response.status_code == 302
    return response["Location"]


def _elsewhere(campaign, leader):
    other = CampaignFactory(county=CountyFactory(fips="48201", name="Harris County"))
    return [
        f"{campaign.get_absolute_url()}dashboard/",
        f"/es{campaign.get_absolute_url()}dashboard/",
        f"{campaign.get_absolute_url()}delivery/",
        f"{campaign.get_absolute_url()}paper/",
        "/accounts/email/",
        "/accounts/password/change/",
        "/accounts/2fa/",
        f"/{settings.ADMIN_URL}",
        "/my-campaigns/",
        other.get_absolute_url(),
        f"{other.get_absolute_url()}sign/",
        "/",
        "/no-such-page/",
    ]


def test_every_other_page_leads_back_to_the_table(client, campaign, leader, table_url):
    for url in _elsewhere(campaign, leader):
        response = client.get(url)
        expected = f"/es{table_url}" if url.startswith("/es/") else table_url
        assert (url, response.status_code, response["Location"]) == (url, 302, expected)


def test_no_email_can_be_added_from_the_table(client, campaign, leader, table_url):
    response = client.post("/accounts/email/", {"action_add": "", "email": "thief@example.org"})
    assert response["Location"] == table_url
    assert not EmailAddress.objects.filter(email="thief@example.org").exists()


def test_the_table_still_takes_signatures_in_both_languages(client, campaign, leader, table_url):
    assert client.get(table_url).status_code == 200
    assert client.get(f"/lang/es/?next={table_url}")["Location"] == f"/es{table_url}"
    assert client.get(f"/es{table_url}").status_code == 200
    entry = {"name": "Ana López", "zip_code": "77550", "visibility": "counted", "email": ""}
    assert post(client, table_url, entry)["Location"] == table_url
    assert Signature.objects.filter(method="in_person").count() == 1


def test_a_wrong_password_keeps_the_lock(client, campaign, leader, table_url):
    response = post(client, f"{campaign.get_absolute_url()}table/close/", {"password": "guess"})
    assert response["Location"] == table_url
    assert "That is not the password" in client.get(table_url).content.decode()
    assert client.get(f"{campaign.get_absolute_url()}dashboard/")["Location"] == table_url
    assert SigningTable.objects.get().ended_at is None


def test_too_many_wrong_passwords_log_the_device_out(client, campaign, leader, table_url):
    close = f"{campaign.get_absolute_url()}table/close/"
    for _n in range(5):
        response = post(client, close, {"password": "guess"})
    assert "/accounts/login/" in response["Location"]
    response = client.get("/accounts/email/")
    assert "/accounts/login/" in response["Location"]  # logged out: nothing of the leader's


def test_the_leaders_password_unlocks_and_closes_the_table(client, campaign, leader, table_url):
    response = post(client, f"{campaign.get_absolute_url()}table/close/", {"password": PASSWORD})
    dashboard = f"{campaign.get_absolute_url()}dashboard/"
    assert response["Location"] == dashboard
    assert client.get(dashboard).status_code == 200
    assert SigningTable.objects.get().ended_at is not None


def test_a_table_that_ran_out_still_locks_and_offers_only_the_unlock(
    client, campaign, leader, table_url
):
    past = timedelta(minutes=settings.SIGNING_TABLE_MINUTES + 1)
    table = SigningTable.objects.get()
    SigningTable.objects.filter(pk=table.pk).update(
        started_at=table.started_at - past, expires_at=table.expires_at - past
    )
    page = client.get(table_url)
    html = page.content.decode()
    assert page.status_code == 200
    assert "The signing table is closed. Please hand the device back" in html
    assert 'name="name"' not in html
    assert "Unlock / close the table" in html
    assert client.get(f"{campaign.get_absolute_url()}dashboard/")["Location"] == table_url


def test_the_leaders_other_devices_are_not_locked(client, campaign, leader, table_url):
    laptop = Client()
    laptop.force_login(leader)
    assert laptop.get(f"{campaign.get_absolute_url()}dashboard/").status_code == 200


def test_another_leaders_session_is_not_locked(client, campaign, table_url):
    other = LeadershipFactory(
        campaign=CampaignFactory(county=CountyFactory(fips="48039", name="Brazoria County"))
    )
    other_client = Client()
    other_client.force_login(other.user)
    response = other_client.get(f"{other.campaign.get_absolute_url()}dashboard/")
    assert response.status_code == 200


def test_going_back_to_an_open_table_from_another_device_locks_that_one_too(
    client, campaign, leader, table_url
):
    phone = Client()
    phone.force_login(leader)
    assert phone.get(f"{campaign.get_absolute_url()}dashboard/").status_code == 200
    assert phone.get(table_url).status_code == 200  # "Go to the signing table"
    assert phone.get(f"{campaign.get_absolute_url()}dashboard/")["Location"] == table_url


def test_an_unlocked_session_closes_the_table_from_the_dashboard(
    client, campaign, leader, table_url
):
    laptop = Client()
    laptop.force_login(leader)
    response = post(laptop, f"{campaign.get_absolute_url()}table/close/")
    assert response["Location"] == f"{campaign.get_absolute_url()}dashboard/"
    assert SigningTable.objects.get().ended_at is not None
    # The phone still at the table stays locked, on a table that now offers only the unlock.
    page = client.get(table_url).content.decode()
    assert "Unlock / close the table" in page
    assert 'name="name"' not in page


def test_the_lock_never_reads_an_anonymous_visitors_session(rf):
    # A visitor without a session cookie cannot be locked: the middleware leaves their (lazy)
    # session unread, so it adds no "Vary: Cookie" of its own to public pages.
    from importlib import import_module

    from django.conf import settings

    from petitions.lockdown import SigningTableLockMiddleware

    request = rf.get("/")
    request.session = import_module(settings.SESSION_ENGINE).SessionStore()
    SigningTableLockMiddleware(lambda r: "page")(request)
    assert request.session.accessed is False
