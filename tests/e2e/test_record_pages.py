"""Today's list on the home page and the record since 2019, in a phone's browser, in both languages."""

from pathlib import Path

import pytest

from campaigns.importing import parse_contract_file
from campaigns.services import import_contracts

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"


def _load_both_lists():
    for name in ("287g_agreements_2019.csv", "287g_agreements_2026-05.csv"):
        rows, problems = parse_contract_file((FIXTURES / name).read_bytes(), name)
        assert import_contracts(rows, problems=problems).written


def _shot(page, request, viewport, name):
    out = Path(request.config.getoption("--output", default="test-results") or "test-results")
    out.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(out / f"record-{name}-{viewport}.png"), full_page=True)


def test_luis_reads_todays_list_and_the_record_of_his_state(
    journey, live_server, axe, request, viewport
):
    _load_both_lists()
    page = journey
    page.goto(live_server.url + "/")
    assert "1,843" in page.locator(".hero").inner_text()
    axe(page, "home")
    _shot(page, request, viewport, "home-en")
    page.get_by_role("link", name="See the record").click()
    page.wait_for_url("**/record/")
    assert page.get_by_role("img", name="287(g) agreements over time").is_visible()
    axe(page, "record")
    _shot(page, request, viewport, "national-en")
    page.get_by_role("link", name="Texas", exact=True).click()
    page.wait_for_url("**/record/tx/")
    assert page.get_by_role("heading", level=1).inner_text() == "Texas: the 287(g) record"
    axe(page, "record of Texas")
    _shot(page, request, viewport, "state-en")

    page.goto(live_server.url + "/es/")
    _shot(page, request, viewport, "home-es")
    page.goto(live_server.url + "/es/record/")
    assert page.get_by_role("heading", level=1).inner_text().startswith("El historial")
    axe(page, "record in Spanish")
    _shot(page, request, viewport, "national-es")


def test_the_record_does_not_scroll_sideways_at_320px(journey, live_server, viewport):
    _load_both_lists()
    page = journey
    page.set_viewport_size({"width": 320, "height": 800})
    for path in ["/", "/record/", "/record/tx/", "/es/record/"]:
        page.goto(live_server.url + path)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 320, f"{path} scrolls sideways at 320px ({width}px)"
