"""Staff watch signing: signatures per hour per campaign, spiking email domains and ZIPs, and the
pause switches (one campaign, the whole site) that stop signing at once from admin."""

from datetime import timedelta
from html.parser import HTMLParser

import pytest
from django.conf import settings
from django.test import override_settings
from django.utils import timezone

from petitions.models import Signature, SiteSettings
from tests.factories import CampaignFactory, CountyFactory, SignatureFactory, UserFactory

pytestmark = pytest.mark.django_db

ADMIN = f"/{settings.ADMIN_URL}"
MONITOR = f"{ADMIN}signing-activity/"
PAUSED = "Signing is paused for a short while"


@pytest.fixture
def campaign():
    return CampaignFactory()


@pytest.fixture
def staff(client):
    user = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(user)
    return user


def _signed(campaign, n, *, ago, domain="example.org", zip_code="77550", **kwargs):
    when = timezone.now() - ago
    stamp = f"{when.timestamp():.0f}"
    Signature.objects.bulk_create(
        SignatureFactory.build(
            campaign=campaign,
            email=f"p{i}.{stamp}@{domain}",
            zip_code=zip_code,
            created_at=when,
            **kwargs,
        )
        for i in range(n)
    )


class _FormValues(HTMLParser):
    """What a browser would send for one form, as rendered (inputs, selects, textareas)."""

    def __init__(self, form_id):
        super().__init__()
        self.form_id, self.inside, self.values = form_id, False, []
        self._select = self._textarea = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.inside = a.get("id") == self.form_id
        if not self.inside or not a.get("name"):
            if tag == "option" and self._select and "selected" in a:
                self.values.append((self._select, a.get("value", "")))
            return
        if tag == "input" and a.get("type") not in ("submit", "button", "file"):
            if a.get("type") in ("checkbox", "radio") and "checked" not in a:
                return
            checkable = a.get("type") in ("checkbox", "radio")
            self.values.append((a["name"], a.get("value", "on" if checkable else "")))
        elif tag == "select":
            self._select = a["name"]
        elif tag == "textarea":
            self._textarea = a["name"]
            self.values.append((a["name"], ""))

    def handle_data(self, data):
        if self._textarea:
            name, value = self.values.pop()
            self.values.append((name, value + data))

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None


def _submit_admin_form(client, url, form_id, **changes):
    parser = _FormValues(form_id)
    parser.feed(client.get(url).content.decode())
    data = {}
    for name, value in parser.values:
        data.setdefault(name, []).append(value.lstrip("\n"))
    for name, value in changes.items():
        if value is None:
            data.pop(name, None)
        else:
            data[name] = [value]
    return client.post(url, {**data, "_save": "Save"})


def test_staff_see_a_campaigns_signatures_per_hour(client, campaign, staff):
    _signed(campaign, 3, ago=timedelta(minutes=5))
    _signed(campaign, 2, ago=timedelta(hours=2), status="pending")
    other = CampaignFactory(county=CountyFactory(fips="48201", name="Harris County"))
    _signed(other, 7, ago=timedelta(minutes=5))

    response = client.get(MONITOR, {"campaign": campaign.pk})

    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    html = response.content.decode()
    assert "Signatures per hour: Galveston County" in html
    rows = response.context["hourly"]
    assert [(r["total"], r["confirmed"]) for r in rows] == [(3, 3), (2, 0)]
    # Both campaigns among the busiest, the busier first.
    busiest = [(r["campaign__name"], r["last_hour"]) for r in response.context["busiest"]]
    assert busiest == [("Harris County", 7), ("Galveston County", 3)]


def test_a_spiking_email_domain_and_zip_are_shown(client, campaign, staff):
    _signed(campaign, 12, ago=timedelta(minutes=10), domain="floodmail.example", zip_code="77551")
    # A domain this busy every hour of the day before is usual, not a spike.
    for hours in range(2, 25):
        _signed(campaign, 12, ago=timedelta(hours=hours), domain="busy.example")
    _signed(campaign, 12, ago=timedelta(minutes=20), domain="busy.example")

    response = client.get(MONITOR)

    spikes = {(s.kind, s.value, s.last_hour) for s in response.context["spikes"]}
    assert ("domain", "floodmail.example", 12) in spikes
    assert ("zip", "77551", 12) in spikes
    assert not any(value == "busy.example" for _kind, value, _n in spikes)
    html = response.content.decode()
    assert "floodmail.example" in html and "77551" in html


def test_signers_emails_are_not_on_the_monitor(client, campaign, staff):
    _signed(campaign, 12, ago=timedelta(minutes=10), domain="floodmail.example")
    html = client.get(MONITOR).content.decode()
    assert "@floodmail.example" not in html  # domains only, never an address


@pytest.mark.parametrize("who", ["anonymous", "leader"])
def test_the_monitor_is_refused_to_everyone_but_staff(client, campaign, who):
    _signed(campaign, 12, ago=timedelta(minutes=10), domain="floodmail.example")
    if who == "leader":
        client.force_login(UserFactory())
    response = client.get(MONITOR)
    assert response.status_code == 302
    assert "floodmail" not in response.content.decode()
    followed = client.get(MONITOR, follow=True)
    assert "Signing activity" not in followed.content.decode()


@override_settings(PAGE_CACHE_SECONDS=10)
def test_pausing_the_whole_site_from_admin_stops_signing_at_once(
    sign_over_http, client, campaign, staff
):
    visitor = type(client)()
    assert "Sign the petition" in visitor.get(campaign.get_absolute_url()).content.decode()
    site = SiteSettings.load()

    response = _submit_admin_form(
        client,
        f"{ADMIN}petitions/sitesettings/{site.pk}/change/",
        "sitesettings_form",
        signing_paused="on",
    )
    assert response.status_code == 302

    # The very next signature is refused with the message, even if the visitor's page (or the
    # shared page cache) still shows the form, and nothing is written.
    refused = sign_over_http(campaign, visitor=visitor)
    assert refused.status_code == 409
    assert PAUSED in refused.content.decode()
    assert not Signature.objects.exists()
    assert "paused on the whole site" in client.get(MONITOR).content.decode()

    _submit_admin_form(
        client,
        f"{ADMIN}petitions/sitesettings/{site.pk}/change/",
        "sitesettings_form",
        signing_paused=None,
    )
    assert sign_over_http(campaign, visitor=visitor).status_code == 303


def test_pausing_one_campaign_from_admin_stops_only_that_campaign(
    sign_over_http, client, campaign, staff
):
    other = CampaignFactory(county=CountyFactory(fips="48201", name="Harris County"))

    response = _submit_admin_form(
        client,
        f"{ADMIN}campaigns/campaign/{campaign.pk}/change/",
        "campaign_form",
        signing_paused="on",
    )
    assert response.status_code == 302
    campaign.refresh_from_db()
    assert campaign.signing_paused

    visitor = type(client)()
    refused = sign_over_http(campaign, visitor=visitor)
    assert refused.status_code == 409
    assert PAUSED in refused.content.decode()
    page = visitor.get(campaign.get_absolute_url()).content.decode()
    assert PAUSED in page and 'name="email"' not in page
    assert not Signature.objects.filter(campaign=campaign).exists()
    assert sign_over_http(other, visitor=visitor).status_code == 303


def test_a_spiking_domain_is_seen_after_confirmation_deleted_the_addresses(client, campaign, staff):
    # Confirmed signers who want no updates keep no email: their domain alone is kept for this.
    _signed(campaign, 12, ago=timedelta(minutes=10), domain="floodmail.example")
    Signature.objects.update(email="")

    spikes = {(s.kind, s.value) for s in client.get(MONITOR).context["spikes"]}

    assert ("domain", "floodmail.example") in spikes


def test_a_spike_links_to_undoing_it_with_its_campaign_and_hour_filled_in(client, campaign, staff):
    import re
    from html import unescape

    _signed(campaign, 12, ago=timedelta(minutes=10), domain="floodmail.example")
    html = client.get(MONITOR).content.decode()
    links = [
        unescape(href)
        for href in re.findall(r'href="([^"]+)"', html)
        if "signature/invalidate/" in href
    ]
    link = next(href for href in links if "floodmail.example" in href)
    assert f"campaign={campaign.pk}" in link and "signed_from=" in link

    form = client.get(link).content.decode()
    assert re.search(rf'<option value="{campaign.pk}" selected>', form)
    assert 'value="floodmail.example"' in form
    assert re.search(r'name="signed_from" value="\d{4}-\d\d-\d\d \d\d:\d\d:\d\d"', form)
    assert not Signature.objects.filter(status="invalidated").exists()
