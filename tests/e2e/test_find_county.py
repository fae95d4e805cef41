"""Finding a county: from the home page, by ZIP code, to the campaign page."""

import pytest

from tests.factories import CampaignFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_maria_finds_her_county_by_zip(journey, live_server, axe):
    CampaignFactory()
    page = journey
    page.goto(live_server.url + "/")
    axe(page, "home")
    page.get_by_label("ZIP code, city, county, state or agency").fill("77550")
    page.get_by_role("button", name="Search").click()
    page.wait_for_url("**/search/?q=77550")
    axe(page, "search results")
    page.get_by_role("link", name="Galveston County, Texas").click()
    page.wait_for_url("**/campaigns/tx/galveston-county/")
    assert page.get_by_role("heading", level=1).inner_text().startswith("End 287(g) in Galveston")
    axe(page, "campaign page")


def test_map_page_passes_axe_and_has_no_horizontal_scroll_at_320px(journey, live_server, axe):
    CampaignFactory()
    page = journey
    page.set_viewport_size({"width": 320, "height": 800})
    for path in ["/", "/map/", "/search/?q=texas", "/learn/", "/es/"]:
        page.goto(live_server.url + path)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 320, f"{path} scrolls sideways at 320px ({width}px)"
        axe(page, path)
