"""Dana, on staff, logs in with her authenticator, imports the 2026 list and updates a campaign."""

import time
from pathlib import Path

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa import app_settings as totp_settings
from allauth.mfa.totp.internal.auth import (
    TOTP,
    format_hotp_value,
    generate_totp_secret,
    hotp_value,
)

from campaigns.models import Contract
from tests.factories import CampaignFactory, LeadershipFactory, UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

LIST_2026 = Path(__file__).resolve().parents[2] / "fixtures" / "287g_agreements_2026-05.csv"
PASSWORD = "a-long-test-password-1"


def current_code(secret: str) -> str:
    """What Dana's authenticator app shows now. Like her, wait out a code about to expire: allauth
    accepts only the current period's code, and the page takes a moment to send it."""
    period = totp_settings.TOTP_PERIOD
    left = period - time.time() % period
    if left < 3:
        time.sleep(left + 0.1)
    return format_hotp_value(hotp_value(secret, int(time.time()) // period))


@pytest.fixture
def staff_secret(db):
    staff = UserFactory(email="dana@example.org", is_staff=True, is_superuser=True)
    EmailAddress.objects.create(user=staff, email=staff.email, verified=True, primary=True)
    secret = generate_totp_secret()
    TOTP.activate(staff, secret)
    return secret


@pytest.mark.parametrize("viewport", ["desktop"])
def test_dana_imports_contracts_renames_sheriff_releases_leader_records_outcome(
    journey, live_server, settings, staff_secret
):
    settings.ADMIN_REQUIRE_MFA = True
    campaign = CampaignFactory()
    LeadershipFactory(campaign=campaign, public_name="Rosa")
    page = journey

    page.goto(live_server.url + "/admin/")
    page.wait_for_url("**/accounts/login/?next=*")
    page.get_by_label("Email").fill("dana@example.org")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/accounts/2fa/authenticate/")
    page.get_by_placeholder("Code").fill(current_code(staff_secret))
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_url(live_server.url + "/admin/")

    # Import: upload, read the summary, confirm.
    page.get_by_role("link", name="287(g) contracts").click()
    page.get_by_role("link", name="Import contracts").click()
    page.get_by_label("Contract list").set_input_files(LIST_2026)
    page.get_by_role("button", name="Preview the import").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Check the import"
    summary = page.locator("#import-summary")
    assert summary.get_by_role("row", name="Row rejected").locator("td").inner_text() == "0"
    assert (
        int(summary.get_by_role("row", name="Contracts to create").locator("td").inner_text())
        > 1000
    )
    assert page.locator("#import-changes tbody tr").count() == 50  # one page of the changes
    page.get_by_role("button", name="Confirm the import").click()
    page.wait_for_url("**/admin/campaigns/contract/")
    assert "Imported 287g_agreements_2026-05.csv" in page.locator(".messagelist").inner_text()
    assert Contract.objects.count() > 1800

    # The sheriff changed: edit the campaign's target.
    page.goto(live_server.url + "/admin/campaigns/campaign/")
    search = page.locator("#changelist-search")
    search.get_by_role("textbox", name="Search").fill("Galveston")
    search.get_by_role("button", name="Search").click()
    page.get_by_role("link", name="Galveston County", exact=True).click()
    page.locator("input[value='Sheriff Pat Doe']").fill("Sheriff Alex Rivera")
    page.get_by_role("button", name="Save and continue editing").click()
    assert "was changed successfully" in page.locator(".messagelist").inner_text()

    # Release the leader with the list action.
    page.goto(live_server.url + "/admin/campaigns/campaign/?q=Galveston")
    page.get_by_role(
        "checkbox", name="Select this object for an action - Galveston County, TX"
    ).check()
    page.get_by_role("combobox", name="Action").select_option(
        label="Release the leader of the selected campaigns"
    )
    page.get_by_role("button", name="Run").click()
    assert "Leaders released: 1." in page.locator(".messagelist").inner_text()

    # Record the outcome from the campaign's page.
    page.get_by_role("link", name="Galveston County", exact=True).click()
    page.get_by_role("link", name="Record outcome").click()
    page.get_by_label("Outcome").select_option(label="Won: contract ended")
    page.get_by_label("What happened (shown on the campaign page)").fill(
        "The sheriff ended the agreement after the petition was delivered."
    )
    page.get_by_role("button", name="Save").click()
    assert "Outcome recorded." in page.locator(".messagelist").inner_text()

    # What the public sees.
    page.goto(live_server.url + "/campaigns/tx/galveston-county/")
    main = page.locator("main")
    assert "Sheriff Alex Rivera" in main.inner_text()
    assert "Sheriff Pat Doe" not in main.locator("#targets").inner_text()
    outcome = main.get_by_role("status").filter(has_text="Won: contract ended")
    assert "The sheriff ended the agreement" in outcome.inner_text()
    assert "Led by Rosa" not in main.inner_text()
