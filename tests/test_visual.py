"""The visual pass, as the HTML says it: the leader's tabs name the open page, lists are cards,
action links carry one set of self-hosted icons (hidden from screen readers, the text kept)."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation

from tests.factories import CampaignFactory, LeadershipFactory

pytestmark = pytest.mark.django_db

ICONS = Path(settings.BASE_DIR) / "static" / "img" / "icons"


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def leadership():
    return LeadershipFactory(campaign=CampaignFactory(), public_name="Rosa")


def _current(html):
    return re.findall(r'<a href="([^"]+)" aria-current="(page)">', html)


@pytest.mark.parametrize("prefix", ["", "/es"])
@pytest.mark.parametrize("page", ["dashboard/", "tools/", "training/", "petition-text/"])
def test_the_leader_tabs_mark_the_open_page(client, leadership, prefix, page):
    client.force_login(leadership.user)
    url = f"{prefix}{leadership.campaign.get_absolute_url()}{page}"
    response = client.get(url)
    assert response.status_code == 200, url
    tabs = response.content.decode().split('class="office-tabs')[1].split("</nav>")[0]
    assert _current(tabs) == [(url, "page")]


def test_action_links_carry_a_hidden_icon_and_keep_their_text(client, leadership):
    client.force_login(leadership.user)
    html = client.get(f"{leadership.campaign.get_absolute_url()}tools/").content.decode()
    icons = re.findall(r'<svg class="icon" aria-hidden="true" focusable="false"[^>]*>', html)
    assert len(icons) >= 6
    copy = re.search(r'data-copy-target="campaign-link"[^>]*>(<svg.*?</svg>)([^<]+)</button>', html)
    assert copy and copy.group(2) == "Copy the link"
    assert "http" not in "".join(re.findall(r"<svg.*?</svg>", html)).replace(
        "http://www.w3.org/2000/svg", ""
    )


def test_the_icons_are_vendored_with_their_licence():
    assert "MIT License" in (ICONS / "LICENSE").read_text()
    for name in ("share", "telephone", "printer", "download", "envelope", "copy"):
        assert (ICONS / f"{name}.svg").read_text().startswith("<svg")


def test_the_campaign_page_links_the_sheriff_phone_with_an_icon(client):
    campaign = CampaignFactory()
    campaign.targets.update(phone="(409) 766-2322")
    html = client.get(campaign.get_absolute_url()).content.decode()
    # The call goes through the click counter, then on to tel:; the icon stays beside its words.
    assert re.search(r'data-press="call"><svg class="icon" aria-hidden="true"', html)
    assert "(409) 766-2322" in html


def test_the_campaign_list_is_a_list_of_cards_with_headings(client):
    CampaignFactory()
    html = client.get("/campaigns/").content.decode()
    assert '<li class="campaign-card needs-leader">' in html
    assert re.search(r'<h2 class="h5 mb-1"><a href="/campaigns/tx/galveston-county/">', html)
