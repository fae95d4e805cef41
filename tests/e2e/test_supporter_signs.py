"""Rosa signs her county's petition: search by ZIP, sign, confirm from her email, the count goes up."""

import pytest

from tests.e2e.conftest import counted
from tests.factories import CampaignFactory, SignatureFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_rosa_finds_signs_and_confirms(journey, live_server, inbox):
    campaign = CampaignFactory()
    SignatureFactory.create_batch(3, campaign=campaign)
    page = journey

    page.goto(live_server.url + "/")
    page.get_by_label("ZIP code, city, county, state or agency").fill("77550")
    page.get_by_role("button", name="Search").click()
    page.wait_for_url("**/search/?q=77550")
    page.get_by_role("link", name="Galveston County, Texas").click()
    page.wait_for_url("**/campaigns/tx/galveston-county/")
    assert counted(page) == "3 of 200"

    # The form comes right after the count: its first field is on the first screen.
    form = page.locator("#sign")
    name = form.get_by_label("Your name")
    assert name.is_visible()
    assert name.bounding_box()["y"] < page.viewport_size["height"]
    form.get_by_label("Your name").fill("Rosa Martínez")
    form.get_by_label("Your email").fill("rosa@example.org")
    form.get_by_label("ZIP code").fill("77550")
    form.get_by_label("My first name and last initial").check()
    form.get_by_role("button", name="Sign the petition").click()

    page.wait_for_url("**/campaigns/tx/galveston-county/signed/")
    assert page.get_by_role("heading", level=1).inner_text() == "Check your email"

    message = inbox.last_to("rosa@example.org")
    assert message.subject.startswith("Confirm your signature")
    page.goto(live_server.url + inbox.link("rosa@example.org", "/confirm/"))
    assert page.get_by_role("heading", level=1).inner_text() == "Confirm your signature"
    # Opening the link (as a mail scanner would) confirms nothing; the button does.
    assert campaign.signatures.get(email="rosa@example.org").status == "pending"
    page.get_by_role("button", name="Confirm my signature").click()

    page.wait_for_url("**/campaigns/tx/galveston-county/thanks/")
    assert (
        page.get_by_role("heading", level=1).inner_text() == "Thank you: your signature is counted"
    )
    page.goto(live_server.url + "/campaigns/tx/galveston-county/")
    assert counted(page) == "4 of 200"
    # The count sits in a live region, so a screen reader announces the change.
    live = page.locator(".progress-block [role=status]")
    assert live.get_attribute("aria-live") == "polite"
