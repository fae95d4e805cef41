"""Journeys done with the keyboard alone (Tab, Shift+Tab, Enter, Space, arrows): no mouse click."""

import pytest
from allauth.account.models import EmailAddress

from campaigns.models import Leadership
from tests.e2e.conftest import counted, tab_to
from tests.factories import CampaignFactory, UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

CAMPAIGN = "/campaigns/tx/galveston-county/"


def focused(page, selector) -> bool:
    return page.evaluate("s => document.activeElement.matches(s)", selector)


def assert_focus_visible(page):
    style = page.evaluate(
        "(() => { const s = getComputedStyle(document.activeElement);"
        " return [s.outlineStyle, s.outlineWidth]; })()"
    )
    assert style[0] != "none" and style[1] != "0px", f"no visible focus: {style}"


@pytest.mark.parametrize("viewport", ["desktop"])
def test_jamal_signs_and_confirms_with_the_keyboard(journey, live_server, inbox):
    CampaignFactory()
    page = journey
    page.goto(live_server.url + "/")

    tab_to(page, "#search-q")
    assert_focus_visible(page)
    page.keyboard.type("77550")
    page.keyboard.press("Enter")
    page.wait_for_url("**/search/?q=77550")

    tab_to(page, f"main a[href='{CAMPAIGN}']")
    assert_focus_visible(page)
    page.keyboard.press("Enter")
    page.wait_for_url("**" + CAMPAIGN)

    # The form comes first in the page, right after the count: its first field is a few Tabs away.
    tab_to(page, "#id_name", limit=12)
    page.keyboard.type("Jamal Brown")
    page.keyboard.press("Tab")
    assert focused(page, "#id_email")
    page.keyboard.type("jamal@example.org")
    page.keyboard.press("Tab")
    assert focused(page, "#id_zip_code")
    page.keyboard.type("77550")
    page.keyboard.press("Tab")
    assert focused(page, "#id_visibility_0")
    page.keyboard.press("ArrowDown")
    assert focused(page, "#id_visibility_1")
    page.keyboard.press("Tab")
    assert focused(page, "#id_keep_updated")
    page.keyboard.press("Space")
    page.keyboard.press("Shift+Tab")
    assert focused(page, "#id_visibility_1")  # back to the chosen option, and forward again
    page.keyboard.press("Tab")
    tab_to(page, "#sign button[type=submit]")
    assert_focus_visible(page)
    page.keyboard.press("Enter")

    page.wait_for_url("**" + CAMPAIGN + "signed/")
    page.goto(live_server.url + inbox.link("jamal@example.org", "/confirm/"))
    tab_to(page, "main button[type=submit]")
    page.keyboard.press("Space")
    page.wait_for_url("**" + CAMPAIGN + "thanks/")
    page.goto(live_server.url + CAMPAIGN)
    assert counted(page) == "1 of 200"


@pytest.mark.parametrize("viewport", ["phone"])
def test_ines_logs_in_and_commits_with_the_keyboard(journey, live_server):
    CampaignFactory()
    user = UserFactory(email="ines@example.org")
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    page = journey
    page.goto(live_server.url + CAMPAIGN)

    tab_to(page, f"main a[href='{CAMPAIGN}lead/']")
    page.keyboard.press("Enter")
    page.wait_for_url("**/accounts/signup/?next=*")
    tab_to(page, "main a[href^='/accounts/login/']")
    page.keyboard.press("Enter")
    page.wait_for_url("**/accounts/login/?next=*")
    tab_to(page, "#id_login")
    page.keyboard.type("ines@example.org")
    tab_to(page, "#id_password")
    page.keyboard.type("a-long-test-password-1")
    page.keyboard.press("Enter")

    page.wait_for_url("**" + CAMPAIGN + "lead/")
    tab_to(page, "#id_promote")
    page.keyboard.press("Space")
    page.keyboard.press("Tab")
    assert focused(page, "#id_gather")
    page.keyboard.press("Space")
    page.keyboard.press("Tab")
    assert focused(page, "#id_deliver")
    page.keyboard.press("Space")
    page.keyboard.press("Tab")
    assert focused(page, "#id_public_name")
    assert_focus_visible(page)
    page.keyboard.type("Inés")
    tab_to(page, "main button[type=submit]")
    page.keyboard.press("Enter")

    page.wait_for_url("**" + CAMPAIGN + "dashboard/")
    assert Leadership.objects.get(user=user).public_name == "Inés"
