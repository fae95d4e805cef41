"""Lucía signs at a surge: the pages she gets come from the shared page cache, and they still work
in a real browser under the strict CSP (their scripts are files, no nonce needed)."""

from urllib.parse import urlsplit

import pytest
from django.test import Client

from tests.factories import CampaignFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

FAKE_SHARE = """
window.__shared = [];
navigator.share = function (data) { window.__shared.push(data); return Promise.resolve(); };
"""


@pytest.mark.parametrize("viewport", ["phone"])
def test_lucia_signs_and_shares_from_pages_served_by_the_shared_cache(
    journey, live_server, settings
):
    settings.PAGE_CACHE_SECONDS = 10
    campaign = CampaignFactory().get_absolute_url()
    page = journey
    refused = []
    page.on(
        "console",
        lambda message: (
            refused.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    page.add_init_script(FAKE_SHARE)  # a phone with a share sheet

    someone_else = Client(HTTP_HOST=urlsplit(live_server.url).netloc)
    assert someone_else.get(campaign).status_code == 200  # stores the page
    response = page.goto(live_server.url + campaign)  # hers comes from the shared cache
    assert response.header_value("age") is not None
    assert "nonce-" not in response.header_value("content-security-policy")
    assert page.context.cookies() == []

    form = page.locator("#sign")
    form.get_by_label("Your name").fill("Lucía Gómez")
    form.get_by_label("Your email").fill("lucia@example.org")
    form.get_by_label("ZIP code").fill("77550")
    form.get_by_role("button", name="Sign the petition").click()
    page.wait_for_url(f"**{campaign}signed/")

    someone_else.get(campaign + "signed/")
    response = page.reload()  # "Check your email", now from the shared cache
    assert response.header_value("age") is not None
    button = page.locator("[data-share-sheet]")
    assert button.is_visible()  # share.js ran
    button.click()
    assert page.evaluate("window.__shared")[0]["url"].endswith(campaign + "?src=link")
    assert refused == []
