"""Browser journeys in Debian's Chromium through Playwright, against the live test server.

Every page load is checked for requests to any other origin; each journey leaves a screenshot of its
last page under the test run's output folder (pytest --output, default test-results/).
"""

import os
import re
import shutil
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.utils import translation

CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
VIEWPORTS = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 900}}


def pytest_collection_modifyitems(config, items):
    if Path(CHROMIUM).exists():
        return
    if os.environ.get("REQUIRE_BROWSER") == "1":
        raise pytest.UsageError(f"REQUIRE_BROWSER=1 but no Chromium at {CHROMIUM}")
    skip = pytest.mark.skip(reason="Chromium not installed (apt-get install chromium)")
    for item in items:
        if "e2e" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    # Debian's Chromium, never a downloaded build; flags keep it off the (closed) network.
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-dev-shm-usage",
        ],
    }


@pytest.fixture(params=list(VIEWPORTS))
def viewport(request):
    return request.param


@pytest.fixture
def browser_context_args(browser_context_args, viewport):
    return {
        **browser_context_args,
        "viewport": VIEWPORTS[viewport],
        "is_mobile": viewport == "phone",
        "has_touch": viewport == "phone",
        "locale": "en-US",
    }


class OriginGuard:
    """Records every request the page makes; a journey fails if any leaves our origin."""

    def __init__(self, origin):
        self.origin = origin
        self.foreign = []

    def __call__(self, request):
        parts = urlsplit(request.url)
        if parts.scheme in ("data", "blob", "about"):
            return
        if f"{parts.scheme}://{parts.netloc}" != self.origin:
            self.foreign.append(request.url)


@pytest.fixture
def journey(page, live_server, request, viewport, settings):
    """A page bound to the live server, guarded against other origins, screenshotted at the end."""
    settings.SITE_URL = live_server.url
    guard = OriginGuard(live_server.url)
    page.on("request", guard)
    page.set_default_timeout(15_000)
    yield page
    out = Path(request.config.getoption("--output", default="test-results") or "test-results")
    out.mkdir(parents=True, exist_ok=True)
    name = request.node.name.replace("/", "_").replace("[", "-").replace("]", "")
    try:
        page.screenshot(path=str(out / f"{name}.png"), full_page=True)
    except Exception as exc:  # a screenshot must not hide the journey's own result
        print(f"screenshot failed: {exc}")
    assert not guard.foreign, f"requests to other origins: {guard.foreign}"


@pytest.fixture
def axe():
    """Runs axe-core (bundled by axe-playwright-python) and fails on serious or critical issues."""
    from axe_playwright_python.sync_playwright import Axe

    checker = Axe()

    def check(page, context=""):
        results = checker.run(page)
        bad = [
            v for v in results.response["violations"] if v.get("impact") in ("serious", "critical")
        ]
        detail = "\n".join(
            f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes'][:3]]}"
            for v in bad
        )
        assert not bad, f"axe found serious/critical issues on {context or page.url}:\n{detail}"

    return check


@pytest.fixture(autouse=True)
def _english():
    # A request handled in Spanish can leave Spanish active in the test thread (URLs, emails).
    with translation.override("en"):
        yield


class Inbox:
    """The test outbox as a person reads it: the last message to an address, a link in it."""

    def last_to(self, address):
        found = [m for m in mail.outbox if address in m.to]
        assert found, f"no email to {address}; outbox: {[m.to for m in mail.outbox]}"
        return found[-1]

    def link(self, address, path_pattern):
        """The path of the first link in the last email to `address` whose path matches."""
        body = self.last_to(address).body
        found = re.search(rf"https?://[^/\s]+({path_pattern}[^\s]*)", body)
        assert found, body
        return found.group(1)


@pytest.fixture
def inbox():
    return Inbox()


def counted(page) -> str:
    """The campaign's count as the page announces it ("3 of 200")."""
    return page.locator(".progress-block [role=status]").inner_text().strip()


def tab_to(page, selector, *, backwards=False, limit=80):
    """Press Tab (or Shift+Tab) until the focused element matches `selector`; keyboard only."""
    key = "Shift+Tab" if backwards else "Tab"
    for _ in range(limit):
        page.keyboard.press(key)
        if page.evaluate("s => document.activeElement.matches(s)", selector):
            return
    raise AssertionError(f"{selector} never got focus by {key} on {page.url}")
