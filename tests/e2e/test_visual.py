"""How the site looks on a phone and to staff: a campaign page shows its title, its count and the
sign form's first field before any scrolling; the header is one line; the leader's tabs show the
open page; admin's campaign page fits a 1280 px screen. Leaves phone screenshots under
test-results/visual/ for a person to look at."""

from pathlib import Path

import pytest
from allauth.account.models import EmailAddress

from tests.factories import CampaignFactory, LeadershipFactory, SignatureFactory, UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

CAMPAIGN = "campaigns/tx/galveston-county/"
PREFIX = {"en": "/", "es": "/es/"}
PHONE = {"width": 390, "height": 844}
PASSWORD = "a-long-test-password-1"
SHOTS = Path("test-results") / "visual"


def within_first_screen(locator) -> bool:
    box = locator.bounding_box()
    return box is not None and box["y"] >= 0 and box["y"] + box["height"] <= PHONE["height"]


def header_is_one_line(page) -> bool:
    """Every visible link of the header sits on the same line, and the header is one line tall."""
    tops = page.locator(".site-header a:visible, .site-header [aria-current]:visible").evaluate_all(
        "els => els.map(e => Math.round(e.getBoundingClientRect().top))"
    )
    height = page.locator(".site-header").bounding_box()["height"]
    return bool(tops) and max(tops) - min(tops) <= 6 and height <= 64


def shoot(page, name):
    """The first screen as a phone shows it, and the whole page."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"))
    page.screenshot(path=str(SHOTS / f"{name}-full.png"), full_page=True)


def log_in(page, base, email, next_path):
    page.goto(base + "accounts/login/?next=" + next_path)
    page.locator("#id_login").fill(email)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("main button[type=submit]").click()


@pytest.mark.parametrize("viewport", ["phone"])
@pytest.mark.parametrize("language", ["en", "es"])
def test_a_campaign_page_shows_title_count_and_form_before_scrolling(
    journey, live_server, language
):
    campaign = CampaignFactory()
    SignatureFactory.create_batch(3, campaign=campaign)
    page = journey
    page.goto(live_server.url + PREFIX[language] + CAMPAIGN)

    assert within_first_screen(page.locator("h1"))
    assert within_first_screen(page.locator(".progress-block .progress-count"))
    assert within_first_screen(page.locator("#sign form input:visible").first)
    assert header_is_one_line(page)
    # The petition's full text is still on the page, after the form.
    petition = page.locator("#petition-title")
    assert petition.is_visible()
    assert petition.bounding_box()["y"] > page.locator("#sign").bounding_box()["y"]
    shoot(page, f"campaign-{language}")

    page.goto(live_server.url + PREFIX[language])
    assert header_is_one_line(page)
    shoot(page, f"home-{language}")


@pytest.mark.parametrize("viewport", ["phone"])
@pytest.mark.parametrize("language", ["en", "es"])
def test_the_leader_tabs_mark_the_open_page(journey, live_server, language):
    campaign = CampaignFactory()
    user = UserFactory(email="leader@example.org")
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    LeadershipFactory(campaign=campaign, user=user)
    page = journey
    base = live_server.url + PREFIX[language]

    log_in(page, base, "leader@example.org", PREFIX[language] + CAMPAIGN + "dashboard/")
    page.wait_for_url("**/" + CAMPAIGN + "dashboard/")
    tabs = page.locator("nav.office-tabs")
    current = tabs.locator("[aria-current=page]")
    assert current.count() == 1
    assert current.get_attribute("href").endswith(CAMPAIGN + "dashboard/")
    assert header_is_one_line(page)
    shoot(page, f"dashboard-{language}")

    page.goto(base + CAMPAIGN + "tools/")
    current = page.locator("nav.office-tabs [aria-current=page]")
    assert current.count() == 1
    assert current.get_attribute("href").endswith(CAMPAIGN + "tools/")
    shoot(page, f"tools-{language}")


@pytest.mark.parametrize("viewport", ["desktop"])
def test_staff_see_a_campaign_targets_whole_at_1280(journey, live_server):
    campaign = CampaignFactory()
    campaign.targets.update(
        address="Galveston County Sheriff's Office\n601 54th Street\nGalveston, TX 77551",
        phone="(409) 766-2322",
    )
    staff = UserFactory(email="dana@example.org", is_staff=True, is_superuser=True)
    EmailAddress.objects.create(user=staff, email=staff.email, verified=True, primary=True)
    page = journey
    page.set_viewport_size({"width": 1280, "height": 900})
    change = f"/admin/campaigns/campaign/{campaign.pk}/change/"
    log_in(page, live_server.url + "/", "dana@example.org", change)
    page.wait_for_url("**" + change)

    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 1280, f"the campaign page scrolls sideways at 1280px: {width}px"
    group = page.locator("#targets-group").bounding_box()
    for field in ("role", "name", "office", "address", "phone", "order"):
        box = page.locator(f"[name=targets-0-{field}]").bounding_box()
        assert box["x"] + box["width"] <= group["x"] + group["width"], field
