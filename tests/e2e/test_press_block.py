"""Lucía presses her sheriff from the campaign page; the leader sees progress and proposes details."""

from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone

from campaigns.models import PressClick, TargetContactProposal
from tests.factories import CampaignFactory, LeadershipFactory, SignatureFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

CALL = {"en": "Call", "es": "Llamar"}
SCRIPT = {"en": "Hello, my name is ___", "es": "Hola, me llamo ___"}


def _screenshot(target, request, name, *, full_page=None):
    out = Path(request.config.getoption("--output", default="test-results") or "test-results")
    out.mkdir(parents=True, exist_ok=True)
    options = {"full_page": full_page} if full_page is not None else {}
    target.screenshot(path=str(out / f"{name}.png"), **options)


def _campaign_with_a_reachable_sheriff():
    campaign = CampaignFactory()
    sheriff = campaign.targets.get()
    sheriff.phone = "(409) 555-0142"
    sheriff.email = "sheriff@galveston.example.gov"
    sheriff.address = "601 54th Street\nGalveston, TX 77551"
    sheriff.website = "https://www.galvestoncountytx.gov/sheriff"
    sheriff.meeting = "Commissioners Court, Galveston County Courthouse, 9 a.m."
    sheriff.meeting_next = timezone.localdate() + timedelta(days=12)
    sheriff.save()
    return campaign, sheriff


@pytest.mark.parametrize("viewport", ["phone"])
@pytest.mark.parametrize("language", ["en", "es"])
def test_lucia_calls_her_sheriff_from_the_campaign_page(journey, live_server, request, language):
    campaign, sheriff = _campaign_with_a_reachable_sheriff()
    page = journey
    prefix = "/es" if language == "es" else ""
    page.goto(f"{live_server.url}{prefix}/campaigns/tx/galveston-county/")

    block = page.locator("#targets")
    call = block.locator("a[data-press=call]")
    assert call.is_visible()
    assert CALL[language] in call.inner_text() and "(409) 555-0142" in call.inner_text()
    assert SCRIPT[language] in block.inner_text()
    assert block.locator("a[data-press=email]").is_visible()
    assert "Commissioners Court" in block.inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    block.scroll_into_view_if_needed()
    _screenshot(block, request, f"press-block-phone-{language}")

    # The link is counted, then ends at the phone's dialer.
    response = page.request.get(live_server.url + call.get_attribute("href"), max_redirects=0)
    assert response.status == 302
    assert response.headers["location"] == "tel:4095550142"
    assert "set-cookie" not in response.headers
    assert PressClick.objects.get(campaign=campaign, kind="call").count == 1


def _log_in(page, live_server, user):
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])


@pytest.mark.parametrize("viewport", ["phone"])
@pytest.mark.parametrize("language", ["en", "es"])
def test_rosa_sees_her_progress_and_proposes_the_sheriffs_number(
    journey, live_server, request, language
):
    campaign = CampaignFactory()
    leadership = LeadershipFactory(campaign=campaign)
    now = timezone.now()
    for days_ago, n, source in ((0, 2, "whatsapp"), (1, 4, "whatsapp"), (3, 6, "facebook")):
        SignatureFactory.create_batch(
            n, campaign=campaign, confirmed_at=now - timedelta(days=days_ago), source=source
        )
    page = journey
    _log_in(page, live_server, leadership.user)
    prefix = "/es" if language == "es" else ""
    base = f"{live_server.url}{prefix}/campaigns/tx/galveston-county/"

    page.goto(base + "dashboard/")
    chart = page.locator("svg[aria-labelledby^=day-chart-title]")
    assert chart.is_visible() and chart.get_attribute("role") == "img"
    assert page.locator("svg[aria-labelledby=channel-chart-title]").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    _screenshot(page.locator(".glance"), request, f"dashboard-glance-phone-{language}")

    page.locator("a[href$='/propose/']").first.click()
    page.wait_for_url("**/propose/")
    page.locator("#id_phone").fill("409-555-0199")
    page.locator("#id_meeting").fill("Commissioners Court")
    _screenshot(page, request, f"propose-contact-phone-{language}", full_page=True)
    page.locator("main button[type=submit]").click()
    page.wait_for_url("**/dashboard/")
    assert page.locator(".messages").is_visible()
    assert TargetContactProposal.objects.get().phone == "409-555-0199"
