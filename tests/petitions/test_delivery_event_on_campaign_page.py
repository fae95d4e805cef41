"""The campaign page invites everyone to the delivery on the calendar (its place only when the
leader did not keep it for people who RSVP); staff see deliveries and RSVPs in admin, with the
addresses, and leaders never do."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from petitions import event_reads, events
from petitions.models import DeliveryEvent, DeliveryEventStatus, Rsvp

from .conftest import committed

pytestmark = pytest.mark.django_db


def _schedule(campaign, leadership, **details):
    data = {
        "starts_at": timezone.now() + timedelta(days=3),
        "meeting_point": "Café Luna, 12 Main St",
        **details,
    }
    with committed():
        return events.schedule_delivery(
            campaign, user=leadership.user, details=events.EventDetails(**data)
        )


def _page(client, campaign, prefix=""):
    response = client.get(prefix + campaign.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


def test_the_campaign_page_links_to_the_scheduled_delivery_with_its_place(
    client, campaign, leadership
):
    event = _schedule(campaign, leadership)

    html = _page(client, campaign)

    assert "Deliver the petition with us" in html
    assert f'href="{event.get_absolute_url()}"' in html
    assert "Café Luna, 12 Main St" in html
    assert event_reads.when_text(event) in html


def test_a_meeting_point_kept_for_rsvps_stays_off_the_campaign_page(client, campaign, leadership):
    _schedule(campaign, leadership, address_private=True)

    html = _page(client, campaign)

    assert "Café Luna" not in html
    assert "The meeting point is sent to you when you RSVP." in html


def test_the_spanish_page_invites_in_spanish(client, campaign, leadership):
    _schedule(campaign, leadership)

    html = _page(client, campaign, prefix="/es")

    assert "Entregue la petición con nosotros" in html
    assert 'href="/es/campaigns/tx/galveston-county/event/"' in html


def test_no_invitation_without_a_delivery_ahead(client, campaign, leadership):
    event = _schedule(campaign, leadership)
    events.cancel_delivery(campaign, user=leadership.user)
    assert "Deliver the petition with us" not in _page(client, campaign)

    DeliveryEvent.objects.filter(pk=event.pk).update(
        status=DeliveryEventStatus.SCHEDULED, starts_at=timezone.now() - timedelta(hours=1)
    )
    assert "Deliver the petition with us" not in _page(client, campaign)


def _rsvp(event, email="luis@example.org"):
    return Rsvp.objects.create(
        event=event, first_name="Luis", email=email, source="form", language="en"
    )


def test_staff_see_deliveries_and_rsvp_addresses_in_admin(admin_client, campaign, leadership):
    event = _schedule(campaign, leadership)
    _rsvp(event)

    listing = admin_client.get(reverse("admin:petitions_deliveryevent_changelist"))
    detail = admin_client.get(reverse("admin:petitions_deliveryevent_change", args=[event.pk]))
    rsvps = admin_client.get(reverse("admin:petitions_rsvp_changelist"))

    assert listing.status_code == detail.status_code == rsvps.status_code == 200
    assert "luis@example.org" in detail.content.decode()
    assert "luis@example.org" in rsvps.content.decode()


def test_staff_cancel_a_delivery_through_the_service(admin_client, campaign, leadership):
    event = _schedule(campaign, leadership)

    with committed():
        admin_client.post(
            reverse("admin:petitions_deliveryevent_changelist"),
            {"action": "cancel", "_selected_action": [event.pk]},
        )

    event.refresh_from_db()
    assert event.status == DeliveryEventStatus.CANCELLED
    assert event.sequence == 1


def test_a_leader_never_sees_rsvp_addresses(client, campaign, leadership):
    event = _schedule(campaign, leadership)
    _rsvp(event)
    client.force_login(leadership.user)

    for url in (
        reverse("petitions:event_schedule", kwargs=campaign.url_kwargs),
        reverse("campaigns:dashboard", kwargs=campaign.url_kwargs),
        reverse("admin:petitions_rsvp_changelist"),
    ):
        assert "luis@example.org" not in client.get(url).content.decode(), url
