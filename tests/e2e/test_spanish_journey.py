"""Lucía switches to Spanish and signs: every page, the form and the email speak Spanish.

The expected words come from the Spanish catalog itself, so the test fails if a string it relies
on is untranslated (or the catalog is not compiled).
"""

import pytest
from django.utils import translation
from django.utils.translation import gettext

from petitions.models import email_key
from tests.e2e.conftest import counted
from tests.factories import CampaignFactory, SignatureFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def es(msgid: str, **params) -> str:
    with translation.override("es"):
        text = gettext(msgid)
    assert text != msgid, f"no Spanish for {msgid!r}: is locale/es/LC_MESSAGES/django.mo compiled?"
    return text % params if params else text


def assert_spanish(page):
    assert page.locator("html").get_attribute("lang") == "es", page.url


@pytest.mark.parametrize("viewport", ["phone"])
def test_lucia_switches_to_spanish_signs_and_confirms(journey, live_server, inbox):
    campaign = CampaignFactory()
    SignatureFactory.create_batch(2, campaign=campaign)
    page = journey

    page.goto(live_server.url + "/")
    assert page.locator("html").get_attribute("lang") == "en"
    page.get_by_role("link", name="Español").click()
    page.wait_for_url(live_server.url + "/es/")
    assert_spanish(page)

    page.get_by_label(es("ZIP code, city, county, state or agency")).fill("77550")
    page.get_by_role("button", name=es("Search"), exact=True).click()
    page.wait_for_url("**/es/search/?q=77550")
    assert_spanish(page)
    page.get_by_role("link", name="Condado de Galveston").click()
    page.wait_for_url("**/es/campaigns/tx/galveston-county/")
    assert_spanish(page)
    assert counted(page) == es("%(count)s of %(goal)s", count=2, goal=200)

    form = page.locator("#sign")  # the form comes right after the count
    form.get_by_label(es("Your name")).fill("Lucía Hernández")
    form.get_by_label(es("Your email")).fill("lucia@example.org")
    form.get_by_label(es("ZIP code")).fill("77551")
    form.get_by_role("button", name=es("Sign the petition")).click()

    page.wait_for_url("**/es/campaigns/tx/galveston-county/signed/")
    assert_spanish(page)
    assert page.get_by_role("heading", level=1).inner_text() == es("Check your email")

    message = inbox.last_to("lucia@example.org")
    assert (
        es("If you did not sign, ignore this email: nothing is counted without your confirmation.")
        in message.body
    )
    assert "Thank you for signing" not in message.body
    link = inbox.link("lucia@example.org", "/es/confirm/")

    page.goto(live_server.url + link)
    assert_spanish(page)
    page.get_by_role("button", name=es("Confirm my signature")).click()

    page.wait_for_url("**/es/campaigns/tx/galveston-county/thanks/")
    assert_spanish(page)
    thanks = es("Thank you: your signature is counted")
    assert page.get_by_role("heading", level=1).inner_text() == thanks
    page.goto(live_server.url + "/es/campaigns/tx/galveston-county/")
    assert counted(page) == es("%(count)s of %(goal)s", count=3, goal=200)
    assert campaign.signatures.get(email_key=email_key("lucia@example.org")).language == "es"
