"""Rosa schedules the delivery on her phone; Ana, who asked for updates, RSVPs from the email;
Rosa sees one person coming, by first name only."""

from datetime import timedelta
from pathlib import Path

import pytest
from allauth.account.models import EmailAddress
from django.utils import timezone

from petitions import event_reads, events
from petitions.models import Rsvp
from tests.factories import LeadershipFactory, SignatureFactory, UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "a-long-test-password-1"
CAMPAIGN = "/campaigns/tx/galveston-county/"


def _rosa():
    user = UserFactory(email="rosa@example.org")
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    leadership = LeadershipFactory(user=user, public_name="Rosa")
    return leadership


def _log_in(page, live_server, email):
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_load_state()


def _day(campaign, days):
    return (
        (timezone.now() + timedelta(days=days)).astimezone(event_reads.local_zone(campaign)).date()
    )


@pytest.mark.parametrize("viewport", ["phone"])
def test_rosa_schedules_the_delivery_and_ana_rsvps_from_the_email(journey, live_server, inbox, axe):
    leadership = _rosa()
    campaign = leadership.campaign
    SignatureFactory(
        campaign=campaign, name="Ana María López", email="ana@example.org", keep_updated=True
    )
    page = journey
    _log_in(page, live_server, "rosa@example.org")

    page.goto(live_server.url + CAMPAIGN + "dashboard/")
    page.get_by_role("link", name="Schedule the delivery with your supporters").click()
    page.wait_for_url("**/delivery/event/")
    axe(page, "the leader's schedule page")
    page.get_by_label("Date", exact=True).fill(_day(campaign, 6).isoformat())
    page.get_by_label("Time", exact=True).fill("10:30")
    page.get_by_label("Meeting point", exact=True).fill("Café Luna, 12 Main St")
    page.get_by_label("Show the meeting point only to people who RSVP").check()
    page.get_by_label("What to bring").fill("Water, and a friend.")
    page.get_by_role("button", name="Schedule and invite").click()
    page.wait_for_url("**/delivery/event/")
    assert "Signers who asked for updates are invited" in page.locator(".messages").inner_text()
    assert "0 people are coming" in page.get_by_role("heading", level=2).first.inner_text()

    page.goto(live_server.url + inbox.link("ana@example.org", "/rsvp/"))
    assert "Café Luna" not in page.content()  # private until she RSVPs
    assert not Rsvp.objects.exists()  # opening the link changes nothing
    page.get_by_role("button", name="I'm coming").click()
    page.wait_for_load_state()
    assert "You are coming" in page.get_by_role("status").inner_text()
    assert "Café Luna" in page.content()
    axe(page, "the invited signer's RSVP page")
    assert inbox.last_to("ana@example.org").attachments

    page.goto(live_server.url + CAMPAIGN + "delivery/event/")
    assert page.get_by_role("heading", name="1 person is coming").is_visible()
    names = page.get_by_role("list", name="First names of the people coming")
    assert names.inner_text().strip() == "Ana"
    assert "ana@example.org" not in page.content()
    assert Rsvp.objects.get().first_name == "Ana"


@pytest.mark.parametrize("viewport", ["phone"])
def test_the_event_pages_on_a_phone_in_both_languages(journey, live_server, request, axe):
    leadership = _rosa()
    campaign = leadership.campaign
    ana = SignatureFactory(campaign=campaign, name="Ana López", keep_updated=True)
    event = events.schedule_delivery(
        campaign,
        user=leadership.user,
        details=events.EventDetails(
            starts_at=timezone.now() + timedelta(days=6),
            meeting_point="Café Luna, 12 Main St, Galveston",
            bring="Water, a friend, and the printed petition.",
            safety_notes="Nobody has to give a name at the front desk.",
        ),
    )
    rsvp, _new = events.rsvp_by_form(event, first_name="Luis", email="l@example.org", language="en")
    out = Path(request.config.getoption("--output", default="test-results") or "test-results")
    out.mkdir(parents=True, exist_ok=True)
    page = journey
    _log_in(page, live_server, "rosa@example.org")
    pages = {
        "schedule": CAMPAIGN + "delivery/event/",
        "event": CAMPAIGN + "event/",
        "coming": CAMPAIGN + "event/coming/",
        "rsvp": f"/rsvp/{event_reads.invitation_token(event, ana)}/",
        "rsvp-cancel": f"/rsvp/{event_reads.cancel_token(rsvp)}/cancel/",
    }
    for language, prefix in (("en", ""), ("es", "/es")):
        for name, path in pages.items():
            page.goto(live_server.url + prefix + path)
            assert page.locator("h1").count() == 1, path
            assert page.locator("html").get_attribute("lang") == language
            width = page.evaluate("document.documentElement.scrollWidth")
            assert width <= 390, f"{path} scrolls sideways ({width}px)"
            axe(page, prefix + path)
            page.screenshot(path=str(out / f"delivery-event-{name}-{language}.png"), full_page=True)
