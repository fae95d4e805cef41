"""Rosa hands her phone to a signer at a market: the signer can reach nothing but the signing table
(not with Back, not by typing an address), and only Rosa's password unlocks the phone."""

import pytest
from allauth.account.models import EmailAddress

from petitions.models import Signature
from tests.factories import CampaignFactory, LeadershipFactory, UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "a-long-test-password-1"


@pytest.mark.parametrize("viewport", ["phone"])
def test_a_signer_with_rosas_phone_stays_on_the_signing_table(journey, live_server):
    rosa = UserFactory(email="rosa@example.org")
    EmailAddress.objects.create(user=rosa, email=rosa.email, verified=True, primary=True)
    campaign = CampaignFactory()
    LeadershipFactory(campaign=campaign, user=rosa, public_name="Rosa")
    base = live_server.url + campaign.get_absolute_url()
    page = journey

    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("Email").fill("rosa@example.org")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.goto(base + "dashboard/")
    page.get_by_role("button", name="Open the signing table").click()
    page.wait_for_url("**/table/")

    # The signer signs, then tries to leave the table.
    page.get_by_label("Your name").fill("Ana López")
    page.get_by_label("ZIP code").fill("77550")
    page.get_by_role("button", name="Sign the petition").click()
    page.wait_for_url("**/table/")
    assert Signature.objects.filter(method="in_person").count() == 1

    page.go_back()
    page.go_back()
    assert page.url == base + "table/"
    page.goto(live_server.url + "/accounts/email/")
    assert page.url == base + "table/"
    assert page.get_by_role("button", name="Sign the petition").is_visible()
    page.goto(base + "dashboard/")
    assert page.url == base + "table/"

    # A guess does not unlock it; Rosa's password does, and closes the table.
    page.get_by_label("Leader's password").fill("guess")
    page.get_by_role("button", name="Unlock / close the table").click()
    assert page.url == base + "table/"
    assert "That is not the password" in page.locator(".messages").inner_text()
    page.get_by_label("Leader's password").fill(PASSWORD)
    page.get_by_role("button", name="Unlock / close the table").click()
    page.wait_for_url("**/dashboard/")
    assert "The signing table is closed. 1 person signed at it." in page.content()
    page.goto(live_server.url + "/accounts/email/")
    assert "/accounts/email/" in page.url
