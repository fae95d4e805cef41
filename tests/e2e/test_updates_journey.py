"""Rosa, a leader, writes to her signers; Dana on staff approves it; Lucía, who signed in Spanish
and asked for updates, reads it in Spanish; Ann, who did not ask, gets nothing."""

from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.utils import translation
from django.utils.translation import gettext

from tests.factories import LeadershipFactory, SignatureFactory, UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SHOTS = Path("test-results")


def es(msgid: str) -> str:
    with translation.override("es"):
        text = gettext(msgid)
    assert text != msgid, f"no Spanish for {msgid!r}"
    return text


def log_in(page, live_server, user):
    """The browser takes the session of `user` (logging in is tested elsewhere)."""
    client = Client()
    client.force_login(user)
    page.context.clear_cookies()
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )


@pytest.mark.parametrize("viewport", ["phone"])
def test_rosa_writes_dana_approves_lucia_reads_it_in_spanish(journey, live_server, inbox):
    leadership = LeadershipFactory(public_name="Rosa")
    campaign = leadership.campaign
    SignatureFactory(campaign=campaign, email="lucia@example.org", language="es", keep_updated=True)
    SignatureFactory(campaign=campaign, email="ann@example.org")
    page = journey
    SHOTS.mkdir(exist_ok=True)

    log_in(page, live_server, leadership.user)
    page.goto(f"{live_server.url}{campaign.get_absolute_url()}dashboard/")
    page.get_by_role("link", name="Updates to signers").click()
    page.wait_for_url("**/updates/")
    assert page.get_by_role("heading", level=1).inner_text() == "Updates to your signers"
    page.screenshot(path=str(SHOTS / "updates-leader-en-phone.png"), full_page=True)
    page.get_by_label("Subject").fill("Delivery day")
    page.get_by_label("Message").fill("Nos vemos el lunes a las 9 en la biblioteca. Thank you!")
    page.get_by_role("button", name="Send to staff for review").click()
    page.wait_for_url("**/updates/")
    assert "Staff will review your update soon" in page.content()

    log_in(page, live_server, UserFactory(is_staff=True, is_superuser=True))
    page.goto(f"{live_server.url}/{settings.ADMIN_URL.strip('/')}/petitions/campaignupdate/")
    assert "Delivery day" in page.content()
    page.locator("input[name=_selected_action]").first.check()
    page.get_by_role("combobox", name="Action").select_option(
        label="Approve and send the selected updates"
    )
    page.get_by_role("button", name="Run").click()
    assert "1 updates approved." in page.locator(".messagelist").inner_text()

    message = inbox.last_to("lucia@example.org")
    assert message.body.startswith("Hola:")
    assert "Nos vemos el lunes a las 9 en la biblioteca. Thank you!" in message.body
    assert "/es/unsubscribe/" in message.body
    assert not [m for m in inbox_all() if "ann@example.org" in m.to]

    log_in(page, live_server, leadership.user)
    page.goto(f"{live_server.url}/es{campaign.get_absolute_url()}updates/")
    assert page.locator("html").get_attribute("lang") == "es"
    assert page.get_by_role("heading", level=1).inner_text() == es("Updates to your signers")
    assert "llegó a 1 persona" in page.content()
    assert "lucia@example.org" not in page.content()
    page.screenshot(path=str(SHOTS / "updates-leader-es-phone.png"), full_page=True)


def inbox_all():
    from django.core import mail

    return mail.outbox
