"""Every page of the journeys, in English and Spanish, at 320 CSS pixels wide: axe finds no serious or
critical issue, nothing scrolls sideways, the count and form errors are announced, and the map's
and progress bar's colours stand out (WCAG 1.4.11: 3:1 for graphics)."""

import io

import pytest
from allauth.account.models import EmailAddress
from PIL import Image

from tests.factories import (
    CampaignFactory,
    LeadershipFactory,
    SignatureFactory,
    UserFactory,
    training_steps,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

NARROW = {"width": 320, "height": 720}
CAMPAIGN = "campaigns/tx/galveston-county/"
PREFIX = {"en": "/", "es": "/es/"}


@pytest.fixture
def check(axe):
    def run(page, label):
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= NARROW["width"], (
            f"{label} ({page.url}) scrolls sideways at 320px: {width}px"
        )
        axe(page, f"{label} ({page.url})")

    return run


def inside_live_region(locator) -> bool:
    return locator.evaluate("e => !!e.closest('[role=status], [role=alert], [aria-live]')")


def relative_luminance(rgb: str) -> float:
    channels = [int(c) / 255 for c in rgb[rgb.index("(") + 1 : rgb.index(")")].split(",")[:3]]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    la, lb = sorted((relative_luminance(a), relative_luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


@pytest.mark.parametrize("viewport", ["phone"])
@pytest.mark.parametrize("language", ["en", "es"])
def test_public_and_signing_pages_are_accessible(journey, live_server, inbox, check, language):
    campaign = CampaignFactory()
    SignatureFactory.create_batch(2, campaign=campaign)
    page = journey
    page.set_viewport_size(NARROW)
    base = live_server.url + PREFIX[language]

    for label, path in [
        ("home", ""),
        ("search results", "search/?q=77550"),
        ("map", "map/"),
        ("sign page", CAMPAIGN + "sign/"),
        ("campaign page", CAMPAIGN),
    ]:
        page.goto(base + path)
        assert page.locator("html").get_attribute("lang") == language
        check(page, label)

    # The count is in a live region, and so is the progress bar's number.
    assert inside_live_region(page.locator(".progress-block .progress-count"))
    assert page.locator("progress#signature-progress").get_attribute("aria-labelledby")

    # The form sent empty: the error summary is announced and links to each field.
    page.locator("#sign button[type=submit]").click()
    page.wait_for_url("**/" + CAMPAIGN + "sign/")
    summary = page.locator("[data-error-summary]")
    assert summary.get_attribute("role") == "alert"
    links = summary.get_by_role("link").all()
    assert len(links) == 3
    for link in links:
        target = link.get_attribute("href")
        assert page.locator(target).evaluate(
            "e => ['INPUT', 'SELECT', 'TEXTAREA'].includes(e.tagName)"
        )
    check(page, "sign page with errors")

    form = page.locator("#sign")
    form.locator("#id_name").fill("Ana López")
    form.locator("#id_email").fill(f"ana-{language}@example.org")
    form.locator("#id_zip_code").fill("77550")
    form.locator("button[type=submit]").click()
    page.wait_for_url("**/" + CAMPAIGN + "signed/")
    check(page, "check-email page")

    page.goto(live_server.url + inbox.link(f"ana-{language}@example.org", "/(?:es/)?confirm/"))
    check(page, "confirm page")
    page.locator("main button[type=submit]").click()
    page.wait_for_url("**/" + CAMPAIGN + "thanks/")
    check(page, "thank-you page")
    page.goto(page.url.removesuffix("thanks/"))
    assert inside_live_region(page.locator(".progress-block .progress-count"))
    check(page, "campaign page after confirming")


@pytest.mark.parametrize("viewport", ["phone"])
@pytest.mark.parametrize("language", ["en", "es"])
def test_leader_pages_are_accessible(journey, live_server, check, language):
    campaign = CampaignFactory()
    user = UserFactory(email="leader@example.org")
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    LeadershipFactory(campaign=campaign, user=user)
    steps = training_steps()
    page = journey
    page.set_viewport_size(NARROW)
    base = live_server.url + PREFIX[language]

    page.goto(base + "accounts/login/?next=" + PREFIX[language] + CAMPAIGN + "dashboard/")
    check(page, "login page")
    page.locator("#id_login").fill("leader@example.org")
    page.locator("#id_password").fill("a-long-test-password-1")
    page.locator("main button[type=submit]").click()
    page.wait_for_url("**/" + CAMPAIGN + "dashboard/")
    check(page, "leader dashboard")

    for label, path in [
        ("training", "training/"),
        ("training step", f"training/{steps[0].slug}/"),
        ("tools", "tools/"),
    ]:
        page.goto(base + CAMPAIGN + path)
        assert page.locator("html").get_attribute("lang") == language
        check(page, label)


@pytest.mark.parametrize("viewport", ["desktop"])
def test_map_and_progress_bar_colours_have_enough_contrast(journey, live_server, settings):
    settings.SIGNATURE_GOAL = 4
    campaign = CampaignFactory()
    SignatureFactory.create_batch(2, campaign=campaign)
    page = journey

    page.goto(live_server.url + "/map/")
    county = page.locator(".us-map .contract").first.evaluate("e => getComputedStyle(e).fill")
    state = page.locator(".us-map .state").first.evaluate("e => getComputedStyle(e).fill")
    assert contrast(county, state) >= 3, (county, state)
    # The three shades a state map uses (in force, ended, none), as its legend draws them.
    shades = [
        page.locator(f".map-legend .{held}").evaluate("e => getComputedStyle(e).fill")
        for held in ("in-force", "ended", "none")
    ]
    for first, second in [(0, 1), (1, 2), (0, 2)]:
        assert contrast(shades[first], shades[second]) >= 3, shades

    # The bar as drawn (half full): its filled part against the empty part, its border against
    # the card it sits on.
    page.goto(live_server.url + "/" + CAMPAIGN)
    bar = page.locator("progress#signature-progress")
    image = Image.open(io.BytesIO(bar.screenshot())).convert("RGB")
    middle = image.height // 2
    filled, empty = (
        image.getpixel((image.width // 4, middle)),
        image.getpixel((image.width * 3 // 4, middle)),
    )
    assert contrast(rgb(filled), rgb(empty)) >= 3, (filled, empty)
    border = bar.evaluate("e => getComputedStyle(e).borderTopColor")
    card = page.locator(".progress-block").evaluate("e => getComputedStyle(e).backgroundColor")
    assert contrast(border, card) >= 3, (border, card)


def rgb(pixel) -> str:
    return "rgb({}, {}, {})".format(*pixel)
