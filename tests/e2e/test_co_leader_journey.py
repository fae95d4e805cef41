"""Rosa invites Ana to co-lead from her phone; Ana signs up from the emailed link, lands back on
the invitation, accepts, sees the dashboard and the flyer; Rosa removes her and Ana's next look
at the dashboard is a 404. The co-leader block is screenshotted in English and Spanish."""

from pathlib import Path

import pytest
from allauth.account.models import EmailAddress

from campaigns.models import CoLeadership
from tests.factories import LeadershipFactory, UserFactory

from .conftest import VIEWPORTS, OriginGuard

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "a-long-test-password-1"
CAMPAIGN = "/campaigns/tx/galveston-county/"


def _rosa():
    user = UserFactory(email="rosa@example.org")
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    return LeadershipFactory(user=user, public_name="Rosa")


def _shot(page, request, name):
    out = Path(request.config.getoption("--output", default="test-results") or "test-results")
    out.mkdir(parents=True, exist_ok=True)
    block = page.locator(".team-block")
    block.scroll_into_view_if_needed()
    block.screenshot(path=str(out / name))


@pytest.mark.parametrize("viewport", ["phone"])
def test_rosa_invites_ana_who_co_leads_until_removed(journey, live_server, inbox, request):
    _rosa()
    rosa = journey
    rosa.goto(live_server.url + "/accounts/login/?next=" + CAMPAIGN + "dashboard/")
    rosa.get_by_label("Email").fill("rosa@example.org")
    rosa.get_by_label("Password").fill(PASSWORD)
    rosa.get_by_role("button", name="Log in").click()
    rosa.wait_for_url("**" + CAMPAIGN + "dashboard/")

    rosa.get_by_label("Their email address").fill("ana@example.org")
    rosa.get_by_label("Write the invitation in").select_option("en")
    rosa.get_by_role("button", name="Send the invitation").click()
    rosa.wait_for_url("**" + CAMPAIGN + "dashboard/*")
    assert "Invitation sent to ana@example.org" in rosa.locator(".messages").inner_text()

    # Ana, on her own phone: the link from her email, then sign-up with that address.
    ana_context = rosa.context.browser.new_context(
        viewport=VIEWPORTS["phone"], is_mobile=True, has_touch=True, locale="en-US"
    )
    ana = ana_context.new_page()
    ana.set_default_timeout(15_000)
    guard = OriginGuard(live_server.url)
    ana.on("request", guard)
    ana.goto(live_server.url + inbox.link("ana@example.org", "/co-lead/"))
    ana.wait_for_url("**/accounts/signup/?next=*")
    ana.get_by_label("Email").fill("ana@example.org")
    ana.get_by_label("Password", exact=True).fill(PASSWORD)
    ana.get_by_label("Password (again)").fill(PASSWORD)
    ana.get_by_role("button", name="Create account").click()
    ana.wait_for_url("**/accounts/confirm-email/")
    ana.goto(live_server.url + inbox.link("ana@example.org", "/accounts/confirm-email/"))
    ana.get_by_role("button", name="Confirm my email").click()

    ana.wait_for_url("**/co-lead/*/")
    assert ana.get_by_role("heading", level=1).inner_text() == "Become a co-leader"
    assert "Rosa invites you" in ana.locator("main").inner_text()
    ana.get_by_label("I will promote the campaign.").check()
    ana.get_by_label("I will gather signatures.").check()
    ana.get_by_label("I will deliver them to the sheriff's office.").check()
    ana.get_by_label("Your name as shown on the campaign page").fill("Ana")
    ana.get_by_role("button", name="Accept and open the dashboard").click()
    ana.wait_for_url("**" + CAMPAIGN + "dashboard/")
    assert "You are now a co-leader" in ana.locator(".messages").inner_text()
    assert "Ana" in ana.locator(".team-block").inner_text()

    ana.get_by_role("link", name="Tools", exact=True).first.click()
    ana.wait_for_url("**/tools/")
    with ana.expect_download() as download_info:
        ana.get_by_role("link", name="Flyer (PDF) in English").click()
    with open(download_info.value.path(), "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"

    # Rosa's block, in both languages, with Ana in it.
    rosa.goto(live_server.url + CAMPAIGN + "dashboard/")
    assert "Remove Ana" in rosa.locator(".team-block").inner_text()
    _shot(rosa, request, "co-leader-block-en.png")
    rosa.goto(live_server.url + "/es" + CAMPAIGN + "dashboard/")
    assert "Quitar a Ana" in rosa.locator(".team-block").inner_text()
    _shot(rosa, request, "co-leader-block-es.png")

    rosa.goto(live_server.url + CAMPAIGN + "dashboard/")
    rosa.get_by_role("button", name="Remove Ana").click()
    rosa.wait_for_url("**" + CAMPAIGN + "dashboard/*")
    assert "Ana is no longer a co-leader" in rosa.locator(".messages").inner_text()
    assert CoLeadership.objects.active().count() == 0

    response = ana.goto(live_server.url + CAMPAIGN + "dashboard/")
    assert response.status == 404
    assert not guard.foreign, f"requests to other origins: {guard.foreign}"
    ana_context.close()


@pytest.mark.parametrize("viewport", ["phone"])
@pytest.mark.parametrize("prefix", ["", "/es"])
def test_the_invitation_page_and_the_share_icons_read_well_on_a_phone(
    journey, live_server, request, prefix
):
    from campaigns.coleaders import invite_co_leader

    lead = _rosa()
    invitation = invite_co_leader(
        lead.campaign, by=lead.user, email="ana@example.org", language="en"
    )
    ana = UserFactory(email="ana@example.org")
    EmailAddress.objects.create(user=ana, email=ana.email, verified=True, primary=True)
    page = journey
    page.goto(live_server.url + "/accounts/login/")
    page.locator("#id_login").fill("ana@example.org")
    page.locator("#id_password").fill(PASSWORD)
    page.locator("main button[type=submit]").click()
    page.wait_for_load_state()

    out = Path(request.config.getoption("--output", default="test-results") or "test-results")
    language = prefix.strip("/") or "en"
    page.goto(live_server.url + prefix + "/co-lead/" + invitation.token + "/")
    assert page.get_by_role("heading", level=1).count() == 1
    page.screenshot(path=str(out / f"co-leader-accept-{language}.png"), full_page=True)

    page.goto(live_server.url + prefix + CAMPAIGN + "thanks/")
    icons = page.locator(".share-block svg.icon[aria-hidden=true]")
    assert icons.count() >= 6  # the share sheet's button shows only where the phone has one
    page.locator(".share-block").screenshot(path=str(out / f"share-icons-{language}.png"))
