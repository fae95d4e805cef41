"""The delivery as an event: the leader schedules it, signers who asked for updates are invited,
anyone RSVPs; the calendar file, the reminder, moves and cancellations; the leader sees first
names only; a private meeting point reaches only the people coming."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone, translation

from petitions import event_reads, events
from petitions.models import DeliveryEvent, Rsvp
from tests.factories import SignatureFactory

from .conftest import committed, last_mail_to, post

pytestmark = pytest.mark.django_db

CHICAGO = event_reads.local_zone  # Galveston County, TX: Central time


def _url(campaign, tail=""):
    with translation.override("en"):
        return f"{campaign.get_absolute_url()}{tail}"


def _in_days(campaign, days, hour=10, minute=30):
    zone = event_reads.local_zone(campaign)
    day = (timezone.now() + timedelta(days=days)).astimezone(zone).date()
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=zone)


def _schedule(campaign, leadership, *, days=3, **details):
    data = {"starts_at": _in_days(campaign, days), "meeting_point": "Café Luna, 12 Main St"}
    data.update(details)
    with committed():
        return events.schedule_delivery(
            campaign, user=leadership.user, details=events.EventDetails(**data)
        )


def _invited(campaign, **kwargs):
    return SignatureFactory(campaign=campaign, keep_updated=True, **kwargs)


def _ics(message):
    """The calendar file attached to `message`, as the recipient's mail program reads it."""
    sent = message.message()
    (attachment,) = [part for part in sent.walk() if part.get_content_type() == "text/calendar"]
    assert attachment.get_filename() == "delivery.ics"
    assert attachment.get_content_disposition() == "attachment"
    return attachment.get_payload(decode=True).decode()


def _field(ics, name):
    unfolded = ics.replace("\r\n ", "")
    found = re.search(rf"^{name}[:;](.*)\r$", unfolded, flags=re.MULTILINE)
    assert found, ics
    return found.group(1)


def _rsvp_link(message):
    found = re.search(r"http://testserver(/(?:es/)?rsvp/[^\s/]+/)", message.body)
    assert found, message.body
    return found.group(1)


def _rsvp_by_form(client, campaign, first_name="Luis", email="luis@example.org", **extra):
    data = {"first_name": first_name, "email": email, "website": "", **extra}
    return post(client, _url(campaign, "event/"), data)


# The journey: schedule → invited signer RSVPs from the email → the leader sees one first name.


def test_leader_schedules_and_an_invited_signer_rsvps_from_the_email(client, campaign, leadership):
    ana = _invited(campaign, name="Ana María López", email="ana@example.org")
    SignatureFactory(campaign=campaign, keep_updated=False, email="")  # no updates wanted
    _invited(campaign, email="gone@example.org", unsubscribed_at=timezone.now())
    _invited(campaign, email="pending@example.org", status="pending", confirmed_at=None)
    client.force_login(leadership.user)
    day = _in_days(campaign, 5).date().isoformat()

    response = post(
        client,
        _url(campaign, "delivery/event/"),
        {"date": day, "time": "10:30", "meeting_point": "Café Luna, 12 Main St", "bring": "ID"},
    )

    assert response.status_code == 302
    event = DeliveryEvent.objects.get()
    assert event.starts_at.astimezone(event_reads.local_zone(campaign)).isoformat()[:16] == (
        f"{day}T10:30"
    )
    assert [m.to for m in mail.outbox] == [["ana@example.org"]]  # the invitable signer only
    invitation = mail.outbox[0]
    assert invitation.extra_headers["List-Unsubscribe"].startswith("<http://testserver/")
    assert invitation.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert "Café Luna" in invitation.body

    link = _rsvp_link(invitation)
    page = client.get(link)  # a mail scanner opening the link changes nothing
    assert page.status_code == 200
    assert "I&#x27;m coming" in page.content.decode() or "I'm coming" in page.content.decode()
    assert not Rsvp.objects.exists()

    post(client, link)

    rsvp = Rsvp.objects.get()
    assert (rsvp.first_name, rsvp.email, rsvp.source) == ("Ana", "ana@example.org", "invitation")
    assert rsvp.signature == ana
    confirmation = last_mail_to("ana@example.org")
    assert "DTSTART" in _ics(confirmation)

    leader_page = client.get(_url(campaign, "delivery/event/")).content.decode()
    assert "1 person is coming" in leader_page
    assert '<li class="list-inline-item">Ana</li>' in leader_page
    assert "ana@example.org" not in leader_page
    assert "López" not in leader_page


def test_the_rsvp_link_twice_makes_one_rsvp_and_one_email(client, campaign, leadership):
    _invited(campaign, email="ana@example.org")
    _schedule(campaign, leadership)
    link = _rsvp_link(last_mail_to("ana@example.org"))
    post(client, link)
    post(client, link)
    assert Rsvp.objects.count() == 1
    assert len([m for m in mail.outbox if m.attachments]) == 1


def test_an_unsubscribed_signers_invitation_link_no_longer_works(client, campaign, leadership):
    ana = _invited(campaign, email="ana@example.org")
    _schedule(campaign, leadership)
    link = _rsvp_link(last_mail_to("ana@example.org"))
    ana.unsubscribed_at = timezone.now()
    ana.save()
    assert post(client, link).status_code == 404
    assert not Rsvp.objects.exists()


def test_a_spanish_signer_is_invited_in_spanish(client, campaign, leadership):
    _invited(campaign, email="ana@example.org", language="es")
    _schedule(campaign, leadership)
    invitation = last_mail_to("ana@example.org")
    assert "/es/rsvp/" in invitation.body
    assert "Voy" in invitation.body
    page = client.get(_rsvp_link(invitation)).content.decode()
    assert 'lang="es"' in page


# Public RSVP by form.


def test_anyone_can_rsvp_on_the_event_page_and_gets_the_calendar_file(client, campaign, leadership):
    _schedule(campaign, leadership)
    page = client.get(_url(campaign, "event/"))
    assert page.status_code == 200
    assert page.content.decode().count("<h1") == 1

    response = _rsvp_by_form(client, campaign)

    assert response.status_code == 302
    assert response["Location"].endswith("/event/coming/")
    rsvp = Rsvp.objects.get()
    assert (rsvp.first_name, rsvp.source) == ("Luis", "form")
    assert rsvp.email_key and rsvp.email_key != "luis@example.org"
    message = last_mail_to("luis@example.org")
    assert "Café Luna" in message.body
    assert "BEGIN:VCALENDAR" in _ics(message)
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_one_rsvp_per_mailbox_and_the_same_answer_the_second_time(client, campaign, leadership):
    _schedule(campaign, leadership)
    first = _rsvp_by_form(client, campaign, email="Luis.Perez@gmail.com")
    again = _rsvp_by_form(client, campaign, first_name="Other", email="luisperez+x@gmail.com")
    assert again.status_code == first.status_code == 302
    assert again["Location"] == first["Location"]
    assert list(Rsvp.objects.values_list("first_name", flat=True)) == ["Luis"]
    assert len(mail.outbox) == 1


def test_the_honeypot_writes_nothing_and_answers_as_usual(client, campaign, leadership):
    _schedule(campaign, leadership)
    response = _rsvp_by_form(client, campaign, website="http://spam.example")
    assert response.status_code == 302
    assert not Rsvp.objects.exists()
    assert not mail.outbox


def test_rsvps_are_rate_limited_per_connection(client, campaign, leadership):
    _schedule(campaign, leadership)
    codes = [
        _rsvp_by_form(client, campaign, email=f"p{n}@example.org").status_code for n in range(11)
    ]
    assert codes[:10] == [302] * 10
    assert codes[10] == 429
    assert Rsvp.objects.count() == 10


def test_a_cancelled_rsvp_stops_the_emails_and_leaves_the_count(client, campaign, leadership):
    _schedule(campaign, leadership)
    _rsvp_by_form(client, campaign)
    link = re.search(r"http://testserver(/rsvp/[^\s]+/cancel/)", mail.outbox[-1].body).group(1)
    assert client.get(link).status_code == 200
    assert Rsvp.objects.active().count() == 1
    post(client, link)
    assert Rsvp.objects.active().count() == 0
    leader = client
    leader.force_login(leadership.user)
    assert "0 people are coming" in leader.get(_url(campaign, "delivery/event/")).content.decode()


# The calendar file.


def test_calendar_file_has_utc_start_stable_uid_and_sequence_on_a_move(
    client, campaign, leadership
):
    event = _schedule(campaign, leadership)
    _rsvp_by_form(client, campaign)
    first = _ics(last_mail_to("luis@example.org"))
    assert _field(first, "DTSTART") == event.starts_at.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    assert _field(first, "DTSTART").endswith("Z")
    assert _field(first, "SEQUENCE") == "0"
    assert _field(first, "METHOD") == "PUBLISH"
    assert first.count("\r\n") == len(first.splitlines())  # CRLF line ends
    assert all(len(line.encode()) <= 75 for line in first.split("\r\n"))

    moved = _schedule(campaign, leadership, days=4)

    notice = last_mail_to("luis@example.org")
    assert "changed" in notice.subject
    second = _ics(notice)
    assert _field(second, "UID") == _field(first, "UID") == f"{event.uid}@testserver"
    assert _field(second, "SEQUENCE") == "1"
    assert _field(second, "DTSTART") == moved.starts_at.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def test_cancelling_sends_method_cancel_with_a_higher_sequence(client, campaign, leadership):
    _schedule(campaign, leadership)
    _rsvp_by_form(client, campaign)
    client.force_login(leadership.user)

    post(client, _url(campaign, "delivery/event/cancel/"))

    notice = last_mail_to("luis@example.org")
    assert "Cancelled" in notice.subject
    ics = _ics(notice)
    assert _field(ics, "METHOD") == "CANCEL"
    assert _field(ics, "STATUS") == "CANCELLED"
    assert _field(ics, "SEQUENCE") == "1"
    page = client.get(_url(campaign, "event/")).content.decode()
    assert "This delivery is cancelled" in page
    assert 'name="first_name"' not in page


def test_text_values_are_escaped_in_the_calendar_file():
    from petitions.ics import escape_text, fold

    assert escape_text("a, b; c\\d\ne") == "a\\, b\\; c\\\\d\\ne"
    folded = fold("DESCRIPTION:" + "é" * 100)
    assert all(len(line.encode()) <= 75 for line in folded.split("\r\n"))
    assert folded.replace("\r\n ", "") == "DESCRIPTION:" + "é" * 100


# The reminder the day before, once.


def test_reminder_the_day_before_goes_once(client, campaign, leadership):
    event = _schedule(campaign, leadership)
    _rsvp_by_form(client, campaign)
    far = len(mail.outbox)
    with committed():
        call_command("send_delivery_reminders", verbosity=0)
    assert len(mail.outbox) == far  # three days ahead: not yet

    DeliveryEvent.objects.filter(pk=event.pk).update(starts_at=timezone.now() + timedelta(hours=20))
    with committed():
        call_command("send_delivery_reminders", verbosity=0)
    with committed():
        call_command("send_delivery_reminders", verbosity=0)

    reminders = [m for m in mail.outbox if m.subject.startswith("Tomorrow")]
    assert len(reminders) == 1
    assert reminders[0].to == ["luis@example.org"]
    assert "Café Luna" in reminders[0].body


def test_a_move_earns_a_new_reminder(client, campaign, leadership):
    _schedule(campaign, leadership)
    _rsvp_by_form(client, campaign)
    soon = timezone.now() + timedelta(hours=20)
    DeliveryEvent.objects.update(starts_at=soon)
    with committed():
        assert events.send_delivery_reminders() == 1
    _schedule(campaign, leadership, starts_at=soon + timedelta(hours=2))
    with committed():
        assert events.send_delivery_reminders() == 1
        assert events.send_delivery_reminders() == 0


# A private meeting point.


def test_private_meeting_point_is_hidden_from_the_public_and_sent_to_rsvps(
    client, campaign, leadership
):
    _invited(campaign, email="ana@example.org")
    _schedule(campaign, leadership, address_private=True, meeting_point="Behind 40 Elm Rd")
    public = client.get(_url(campaign, "event/")).content.decode()
    assert "Behind 40 Elm Rd" not in public
    assert "The meeting point is sent to you when you RSVP." in public
    invitation = last_mail_to("ana@example.org")
    assert "Behind 40 Elm Rd" not in invitation.body
    link_page = client.get(_rsvp_link(invitation)).content.decode()
    assert "Behind 40 Elm Rd" not in link_page

    response = _rsvp_by_form(client, campaign)
    coming_page = client.get(response["Location"]).content.decode()
    assert "Behind 40 Elm Rd" not in coming_page  # anyone can type any address

    message = last_mail_to("luis@example.org")
    assert "Behind 40 Elm Rd" in message.body
    assert _field(_ics(message), "LOCATION") == "Behind 40 Elm Rd"
    post(client, _rsvp_link(invitation))
    assert "Behind 40 Elm Rd" in client.get(_rsvp_link(invitation)).content.decode()


# What the leader sees: never an address.


def test_a_leader_never_sees_an_rsvp_email_on_any_leader_page(client, campaign, leadership):
    _invited(campaign, name="Ana López", email="ana.secret@example.org")
    _schedule(campaign, leadership)
    post(client, _rsvp_link(last_mail_to("ana.secret@example.org")))
    _rsvp_by_form(client, campaign, first_name="Luis", email="luis.secret@example.org")
    client.force_login(leadership.user)
    pages = ["dashboard/", "delivery/event/", "delivery/", "tools/", "training/", "event/", ""]
    for tail in pages:
        for prefix in ("", "/es"):
            html = client.get(prefix + _url(campaign, tail)).content.decode()
            assert "secret" not in html, tail
            assert "@example.org" not in html, tail
    assert "Luis" in client.get(_url(campaign, "delivery/event/")).content.decode()


def test_only_the_leader_and_staff_open_the_schedule_page(client, campaign, leadership):
    from tests.factories import UserFactory

    client.force_login(UserFactory())
    assert client.get(_url(campaign, "delivery/event/")).status_code == 404
    assert post(client, _url(campaign, "delivery/event/cancel/")).status_code == 404


# The form: ISO values whatever the language, a time ahead.


def test_date_and_time_inputs_carry_iso_values_in_spanish(client, campaign, leadership):
    event = _schedule(campaign, leadership)
    client.force_login(leadership.user)
    html = client.get("/es" + _url(campaign, "delivery/event/")).content.decode()
    local = event.starts_at.astimezone(event_reads.local_zone(campaign))
    assert f'type="date" name="date" value="{local.date().isoformat()}"' in html
    assert 'type="time" name="time" value="10:30"' in html


def test_a_delivery_in_the_past_is_refused(client, campaign, leadership):
    client.force_login(leadership.user)
    yesterday = (timezone.now() - timedelta(days=1)).date().isoformat()
    response = post(
        client,
        _url(campaign, "delivery/event/"),
        {"date": yesterday, "time": "10:00", "meeting_point": "Park"},
    )
    assert response.status_code == 400
    assert "has not passed yet" in response.content.decode()
    assert not DeliveryEvent.objects.exists()


def test_scheduling_marks_the_delivery_planned_on_the_dashboard(client, campaign, leadership):
    event = _schedule(campaign, leadership)
    leadership.refresh_from_db()
    assert leadership.delivery_planned_on == event.starts_at.astimezone(CHICAGO(campaign)).date()


# Retention.


def test_rsvp_addresses_are_purged_after_the_event(client, campaign, leadership):
    _schedule(campaign, leadership)
    _rsvp_by_form(client, campaign)
    DeliveryEvent.objects.update(starts_at=timezone.now() - timedelta(days=1))
    call_command("purge_signatures", verbosity=0)
    assert Rsvp.objects.get().email == "luis@example.org"  # kept for a short while after

    DeliveryEvent.objects.update(starts_at=timezone.now() - timedelta(days=3))
    call_command("purge_signatures", verbosity=0)
    rsvp = Rsvp.objects.get()
    assert (rsvp.email, rsvp.email_key, rsvp.first_name) == ("", "", "Luis")
