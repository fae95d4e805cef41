"""Marco becomes the leader of his county: sign up, verify, commit, train, then use his tools."""

import pytest

from campaigns.models import Leadership
from tests.factories import CampaignFactory, training_steps

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "a-long-test-password-1"


@pytest.mark.parametrize("viewport", ["phone"])
def test_marco_becomes_leader_trains_and_shares(journey, live_server, inbox):
    CampaignFactory()
    steps = training_steps()
    page = journey
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server.url)

    page.goto(live_server.url + "/campaigns/tx/galveston-county/")
    page.get_by_role("link", name="Become a Leader").click()

    page.wait_for_url("**/accounts/signup/?next=*")
    page.get_by_label("Email").fill("marco@example.org")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Password (again)").fill(PASSWORD)
    page.get_by_role("button", name="Create account").click()
    page.wait_for_url("**/accounts/confirm-email/")
    assert page.get_by_role("heading", level=1).inner_text() == "Check your email"

    page.goto(live_server.url + inbox.link("marco@example.org", "/accounts/confirm-email/"))
    page.get_by_role("button", name="Confirm my email").click()

    page.wait_for_url("**/campaigns/tx/galveston-county/lead/")
    page.get_by_label("I will promote the campaign.").check()
    page.get_by_label("I will gather signatures.").check()
    page.get_by_label("I will deliver them to the sheriff's office.").check()
    page.get_by_label("Your name as shown on the campaign page").fill("Marco")
    page.get_by_role("button", name="Become a Leader").click()

    page.wait_for_url("**/campaigns/tx/galveston-county/dashboard/")
    assert "You are now the leader" in page.locator(".messages").inner_text()
    assert Leadership.objects.get().public_name == "Marco"

    page.get_by_role("link", name="Go to the training").click()
    page.wait_for_url("**/training/")
    page.get_by_role("link", name=steps[0].title_en).click()
    for step in steps:
        assert page.get_by_role("heading", level=1).inner_text() == step.title_en
        page.get_by_role("button", name="Mark as done").click()
        page.wait_for_load_state()
    page.wait_for_url("**/campaigns/tx/galveston-county/dashboard/")
    assert "Training complete" in page.locator(".messages").inner_text()

    page.get_by_role("link", name="Open your tools").click()
    page.wait_for_url("**/tools/")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Flyer (PDF) in English").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".pdf")
    with open(download.path(), "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"

    page.get_by_role("button", name="Copy the link").click()
    status = page.locator("#campaign-link-status")
    assert status.get_attribute("role") == "status"
    page.wait_for_function("document.getElementById('campaign-link-status').textContent !== ''")
    assert status.inner_text() == "Copied."
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied.startswith(live_server.url + "/campaigns/tx/galveston-county/")
