"""Marisol signs on her phone, confirms, and lands on a thank-you page that helps her share."""

from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.factories import CampaignFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

WORDS = {"en": "I signed the petition", "es": "Firmé la petición"}
HEADING = {"en": "Thank you: your signature is counted", "es": "Gracias: su firma está contada"}
FAKE_SHARE = """
window.__shared = [];
navigator.share = function (data) { window.__shared.push(data); return Promise.resolve(); };
"""


def _screenshot(page, request, name):
    out = Path(request.config.getoption("--output", default="test-results") or "test-results")
    out.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(out / f"{name}.png"), full_page=True)


@pytest.mark.parametrize("viewport", ["phone"])
@pytest.mark.parametrize("language", ["en", "es"])
def test_marisol_signs_confirms_and_shares_from_her_phone(
    journey, live_server, inbox, request, language
):
    CampaignFactory()
    page = journey
    prefix = "/es" if language == "es" else ""
    campaign = f"{prefix}/campaigns/tx/galveston-county/"

    page.goto(live_server.url + campaign)
    form = page.locator("#sign")
    form.locator("#id_name").fill("Marisol Pérez")
    form.locator("#id_email").fill(f"marisol-{language}@example.org")
    form.locator("#id_zip_code").fill("77550")
    form.locator("button[type=submit]").click()
    page.wait_for_url("**" + campaign + "signed/")
    # "Check your email" already offers the share links.
    assert page.locator("a[data-channel=whatsapp]").is_visible()

    page.goto(live_server.url + inbox.link(f"marisol-{language}@example.org", "/(?:es/)?confirm/"))
    page.locator("main button[type=submit]").click()
    page.wait_for_url("**" + campaign + "thanks/")
    assert page.get_by_role("heading", level=1).inner_text() == HEADING[language]
    assert page.locator("#id_email").count() == 0  # not the sign form again

    expected = {
        "whatsapp": "https://wa.me/?text=",
        "sms": "sms:?&body=",
        "email": "mailto:?subject=",
        "facebook": "https://www.facebook.com/sharer/sharer.php?u=",
        "x": "https://twitter.com/intent/tweet?",
    }
    for channel, start in expected.items():
        link = page.locator(f"a[data-channel={channel}]")
        assert link.is_visible(), channel
        assert link.get_attribute("href").startswith(start), channel
        box = link.bounding_box()
        assert box["height"] >= 40, channel  # a finger's width
    whatsapp = page.locator("a[data-channel=whatsapp]").get_attribute("href")
    text = parse_qs(urlsplit(whatsapp).query)["text"][0]
    assert WORDS[language] in text
    assert text.endswith(live_server.url + campaign + "?src=whatsapp")
    # Nothing runs off the edge of a 390 px screen.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    # Chromium on Linux has no share sheet: the button stays hidden, the links do the work.
    assert not page.locator("[data-share-sheet]").is_visible()
    # Nobody leads this campaign: the page asks her to.
    assert page.locator(f'a[href="{campaign}lead/"]').is_visible()
    _screenshot(page, request, f"thanks-phone-{language}")

    # A phone that has a share sheet: the button appears and hands it the tagged link.
    page.add_init_script(FAKE_SHARE)
    page.reload()
    button = page.locator("[data-share-sheet]")
    assert button.is_visible()
    button.click()
    shared = page.evaluate("window.__shared")
    assert shared and shared[0]["url"] == live_server.url + campaign + "?src=link"
    assert WORDS[language] in shared[0]["text"]
