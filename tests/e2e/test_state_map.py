"""A state's map on a phone: every county big enough to tap, or reachable from the list beside it."""

from pathlib import Path

import pytest

from campaigns.importing import parse_contract_file
from campaigns.services import import_contracts

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
TARGET = 24  # WCAG 2.2 target size (minimum), in CSS pixels


def _load_both_lists():
    for name in ("287g_agreements_2019.csv", "287g_agreements_2026-05.csv"):
        rows, problems = parse_contract_file((FIXTURES / name).read_bytes(), name)
        assert import_contracts(rows, problems=problems).written


def _shot(page, request, name):
    out = Path(request.config.getoption("--output", default="test-results") or "test-results")
    out.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(out / f"maps-{name}-phone.png"), full_page=True, timeout=120_000)


# Each linked shape of the map, and each link of the list, as the browser lays them out.
SHAPES = """() => [...document.querySelectorAll('svg.state-map a')].map(a => {
  const r = a.getBoundingClientRect();
  return {href: a.getAttribute('href'), w: r.width, h: r.height};
})"""
LIST = """() => [...document.querySelectorAll('.county-list > li > a')].map(a => {
  const r = a.getBoundingClientRect();
  return {href: a.getAttribute('href'), w: r.width, h: r.height};
})"""


@pytest.mark.parametrize("viewport", ["phone"])
def test_ana_taps_a_county_of_texas_on_her_phone(journey, live_server, request):
    _load_both_lists()
    page = journey
    assert page.viewport_size == {"width": 390, "height": 844}
    page.goto(live_server.url + "/campaigns/tx/")

    shapes = page.evaluate(SHAPES)
    assert len(shapes) == 254
    small = [s for s in shapes if min(s["w"], s["h"]) < TARGET]
    # Nine in ten counties are at least 24 px on the map itself...
    assert len(small) <= len(shapes) // 10, sorted(min(s["w"], s["h"]) for s in small)
    # ...and every county, the small ones too, has a link of at least 24 px in the list.
    listed = {entry["href"]: entry for entry in page.evaluate(LIST)}
    for shape in shapes:
        entry = listed[shape["href"]]
        assert entry["w"] >= TARGET and entry["h"] >= TARGET, (shape, entry)
    # The map scrolls in its own box; the page itself never scrolls sideways.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    page.locator("svg.state-map a").first.scroll_into_view_if_needed()
    _shot(page, request, "texas-en")
    page.goto(live_server.url + "/es/campaigns/tx/")
    assert page.get_by_role("heading", level=1).inner_text().startswith("Texas: acuerdos 287(g)")
    _shot(page, request, "texas-es")

    # A tap on a county with an agreement opens its campaign.
    page.goto(live_server.url + "/campaigns/tx/")
    county = page.locator('svg.state-map a[href^="/campaigns/tx/"]').first
    href = county.get_attribute("href")
    county.scroll_into_view_if_needed()
    county.tap()
    page.wait_for_url("**" + href)


@pytest.mark.parametrize("viewport", ["phone"])
def test_a_small_state_and_the_national_map_on_a_phone(journey, live_server, request, axe):
    _load_both_lists()
    page = journey
    for language, prefix in (("en", ""), ("es", "/es")):
        page.goto(live_server.url + prefix + "/campaigns/nh/")
        shapes = page.evaluate(SHAPES)
        assert len(shapes) == 10
        assert all(min(s["w"], s["h"]) >= TARGET for s in shapes), shapes
        axe(page, f"New Hampshire ({language})")
        _shot(page, request, f"new-hampshire-{language}")

        page.goto(live_server.url + prefix + "/map/")
        axe(page, f"national map ({language})")
        _shot(page, request, f"national-{language}")
    assert page.locator('svg.us-map a[href="/es/campaigns/nh/"]').count() == 1
