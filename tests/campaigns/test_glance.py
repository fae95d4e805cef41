"""The leader's progress at a glance: signatures per day and per channel, days since the last."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone, translation

from petitions.reads import MIN_CHANNEL_GROUP
from tests.factories import CampaignFactory, LeadershipFactory, SignatureFactory

pytestmark = pytest.mark.django_db

PATH = "/campaigns/tx/galveston-county/"


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def campaign():
    return CampaignFactory()


@pytest.fixture
def leader_client(client, campaign):
    client.force_login(LeadershipFactory(campaign=campaign).user)
    return client


def _signed(campaign, *, days_ago=0, source="", n=1):
    at = timezone.now() - timedelta(days=days_ago)
    return SignatureFactory.create_batch(n, campaign=campaign, confirmed_at=at, source=source)


def _svg(html, title_id):
    found = re.search(rf'<svg[^>]*aria-labelledby="{title_id}[^"]*"[^>]*>(.*?)</svg>', html, re.S)
    assert found, html
    return found.group(0)


def _dashboard(client, prefix=""):
    return client.get(f"{prefix}{PATH}dashboard/").content.decode()


def test_dashboard_draws_signatures_per_day_as_an_svg_with_a_title_and_the_figures(
    leader_client, campaign
):
    _signed(campaign, days_ago=0, n=3)
    _signed(campaign, days_ago=2, n=1)
    _signed(campaign, days_ago=40, n=7)  # before the chart's four weeks
    html = _dashboard(leader_client)
    svg = _svg(html, "day-chart-title")
    assert 'role="img"' in svg
    assert '<title id="day-chart-title">Confirmed signatures per day, last 28 days</title>' in svg
    assert "4 signatures in these days." in svg
    bars = re.findall(r'<rect x="[\d.]+" y="[\d.]+" width="[\d.]+" height="([\d.]+)"', svg)
    assert len(bars) == 28
    heights = [float(h) for h in bars]
    assert heights[-1] > heights[-3] > 0 and heights[-2] == 0  # today 3, two days ago 1
    # The same figures as text, day by day, for screen readers and anyone who prefers numbers.
    today = timezone.localdate()
    rows = re.findall(r"<tr><td>([^<]+)</td><td class=\"text-end\">(\d+)</td></tr>", html)
    figures = dict(rows)
    from django.utils.formats import date_format

    assert figures[date_format(today, "DATE_FORMAT")] == "3"
    assert figures[date_format(today - timedelta(days=2), "DATE_FORMAT")] == "1"
    assert figures[date_format(today - timedelta(days=1), "DATE_FORMAT")] == "0"


def test_days_since_the_last_signature(leader_client, campaign):
    assert "No confirmed signature yet." in _dashboard(leader_client)
    _signed(campaign, days_ago=5)
    assert "Last signature: 5 days ago." in _dashboard(leader_client)
    _signed(campaign, days_ago=0)
    assert "Last signature: today." in _dashboard(leader_client)


def test_a_pending_signature_is_not_a_signature_yet(leader_client, campaign):
    SignatureFactory(campaign=campaign, status="pending")
    assert "No confirmed signature yet." in _dashboard(leader_client)


def test_a_channel_shows_in_the_chart_only_from_the_minimum_group(leader_client, campaign):
    _signed(campaign, source="whatsapp", n=MIN_CHANNEL_GROUP)
    _signed(campaign, source="facebook", n=MIN_CHANNEL_GROUP - 1)
    svg = _svg(_dashboard(leader_client), "channel-chart-title")
    assert 'role="img"' in svg and "<title" in svg
    labels = re.findall(r'class="chart-label">([^<]+)</text>', svg)
    assert labels == [
        "WhatsApp",
        str(MIN_CHANNEL_GROUP),
        "Other channels (fewer t…",
        str(MIN_CHANNEL_GROUP - 1),
    ]
    assert "Facebook" not in svg


def test_the_spanish_chart_keeps_svg_numbers_with_dots(leader_client, campaign):
    _signed(campaign, n=3)
    html = _dashboard(leader_client, "/es")
    svg = _svg(html, "day-chart-title")
    assert "Firmas confirmadas por día, últimos 28 días" in svg
    assert not re.search(r'(x|y|width|height)="\d+,\d+"', svg)


def test_a_leader_can_never_see_a_signers_email_or_name_through_the_charts(leader_client, campaign):
    signatures = _signed(campaign, source="whatsapp", n=MIN_CHANNEL_GROUP)
    html = _dashboard(leader_client)
    for signature in signatures:
        assert signature.email not in html
        assert signature.name not in html
