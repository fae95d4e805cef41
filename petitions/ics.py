"""The delivery event as a calendar file (RFC 5545), written by hand: one event, a few fields.

The UID stays the event's for as long as it exists and SEQUENCE goes up on each move or
cancellation, so a calendar that imported the first file replaces its copy with the next one.
"""

from datetime import UTC, timedelta
from email.message import MIMEPart
from urllib.parse import urlsplit

from django.conf import settings
from django.utils import timezone, translation
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from campaigns.places import campaign_place

# No end time is asked of the leader: an hour is what a delivery at the front desk takes.
DURATION = timedelta(hours=1)
MAX_LINE_OCTETS = 75


def _utc(moment) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def escape_text(value: str) -> str:
    """TEXT values: backslash, semicolon, comma and newlines escaped (RFC 5545 3.3.11)."""
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    for char, escaped in (("\\", "\\\\"), (";", "\\;"), (",", "\\,"), ("\n", "\\n")):
        value = value.replace(char, escaped)
    return value


def fold(line: str) -> str:
    """Lines of at most 75 octets, continued after CRLF and a space, never inside a character."""
    parts, current, size = [], "", 0
    for char in line:
        width = len(char.encode())
        limit = MAX_LINE_OCTETS if not parts else MAX_LINE_OCTETS - 1
        if size + width > limit:
            parts.append(current)
            current, size = "", 0
        current += char
        size += width
    parts.append(current)
    return "\r\n ".join(parts)


def event_ics(event, *, language: str, event_url: str, now=None) -> str:
    """The calendar file for `event` in `language`: METHOD:CANCEL once it is cancelled.

    Only people who RSVPed receive it, so it always carries the meeting point.
    """
    cancelled = event.status == "cancelled"
    host = urlsplit(settings.SITE_URL).hostname or "localhost"
    with translation.override(language):
        place = capfirst(campaign_place(event.campaign, language, article=False))
        summary = _("Deliver the petition to end 287(g): %(place)s") % {"place": place}
        notes = [event_url]
        if event.bring:
            notes.append(_("What to bring:") + " " + event.bring)
        if event.safety_notes:
            notes.append(_("Safety notes:") + " " + event.safety_notes)
    organizer = settings.DEFAULT_FROM_EMAIL.rpartition("<")[2].rstrip(">").strip()
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//End 287(g)//Delivery event//EN",
        "CALSCALE:GREGORIAN",
        f"METHOD:{'CANCEL' if cancelled else 'PUBLISH'}",
        "BEGIN:VEVENT",
        f"UID:{event.uid}@{host}",
        f"DTSTAMP:{_utc(now or timezone.now())}",
        f"DTSTART:{_utc(event.starts_at)}",
        f"DTEND:{_utc(event.starts_at + DURATION)}",
        f"SEQUENCE:{event.sequence}",
        f"STATUS:{'CANCELLED' if cancelled else 'CONFIRMED'}",
        f"SUMMARY:{escape_text(summary)}",
        f"LOCATION:{escape_text(event.meeting_point)}",
        f"DESCRIPTION:{escape_text(chr(10).join(notes))}",
        f"URL:{event_url}",
        f"ORGANIZER;CN=End 287(g):mailto:{organizer}",
        "END:VEVENT",
        "END:VCALENDAR",
    ]
    return "".join(fold(line) + "\r\n" for line in lines)


def calendar_attachment(calendar: str, filename: str = "delivery.ics") -> MIMEPart:
    """The file as an email attachment, base64 bytes: a text attachment would have its CRLF line
    ends turned into LF by the mail library, and RFC 5545 asks for CRLF."""
    method = "CANCEL" if "\r\nMETHOD:CANCEL\r\n" in calendar else "PUBLISH"
    part = MIMEPart()
    part.set_content(
        calendar.encode(),
        maintype="text",
        subtype="calendar",
        disposition="attachment",
        filename=filename,
        params={"charset": "utf-8", "method": method},
    )
    return part
