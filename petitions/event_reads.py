"""What is read about a delivery event: its time in the campaign's zone, whether it still takes
RSVPs, who is coming (first names only), and the signed links naming an invitation or an RSVP.

Shared by the services (petitions.events) and the emails (petitions.event_tasks).
"""

import uuid
import zoneinfo

from django.conf import settings
from django.core import signing
from django.utils import formats, timezone, translation

from campaigns.models import Campaign

from .errors import InvitationInvalid
from .models import DeliveryEvent, DeliveryEventStatus, Rsvp, Signature

RSVP_SALT = "petitions.event_rsvp"
RSVP_CANCEL_SALT = "petitions.event_rsvp_cancel"

# The local time of a campaign is its state's main time zone (a few states span two: the
# leader's page shows the zone, so a county on the other side can still read it right).
_ZONES = {
    "America/New_York": "CT DE DC FL GA IN KY ME MD MA MI NH NJ NY NC OH PA RI SC VT VA WV",
    "America/Chicago": "AL AR IL IA KS LA MN MS MO NE ND OK SD TN TX WI",
    "America/Denver": "CO ID MT NM UT WY",
    "America/Phoenix": "AZ",
    "America/Los_Angeles": "CA NV OR WA",
    "America/Anchorage": "AK",
    "Pacific/Honolulu": "HI",
    "America/Puerto_Rico": "PR",
    "America/St_Thomas": "VI",
    "Pacific/Guam": "GU",
    "Pacific/Saipan": "MP",
    "Pacific/Pago_Pago": "AS",
}
STATE_ZONES = {state: zone for zone, states in _ZONES.items() for state in states.split()}


def local_zone(campaign: Campaign) -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(STATE_ZONES.get(campaign.state, settings.TIME_ZONE))


# The day written out with its weekday; the time in the language's TIME_FORMAT (US Spanish
# "10:30 a. m.", see config/formats).
DAY_FORMATS = {"en": "l, F j, Y", "es": r"l j \d\e F \d\e Y"}


def when_text(event: DeliveryEvent) -> str:
    """'Thursday, December 10, 2026, 10:30 a.m. CST' in the active language and the campaign's
    zone ('jueves 10 de diciembre de 2026, 10:30 a. m. CST')."""
    local = timezone.localtime(event.starts_at, local_zone(event.campaign))
    language = (translation.get_language() or settings.LANGUAGE_CODE)[:2]
    day = formats.date_format(local, DAY_FORMATS.get(language, DAY_FORMATS["en"]))
    return f"{day}, {formats.time_format(local, 'TIME_FORMAT')} {local.tzname()}"


def current_event(campaign: Campaign) -> DeliveryEvent | None:
    """The scheduled delivery, else the latest cancelled one still ahead (to say so)."""
    events = campaign.delivery_events.select_related("campaign")
    scheduled = events.scheduled().first()
    if scheduled is not None:
        return scheduled
    return (
        events.filter(status=DeliveryEventStatus.CANCELLED, starts_at__gt=timezone.now())
        .order_by("-updated_at")
        .first()
    )


def is_open(event: DeliveryEvent, now=None) -> bool:
    return event.status == DeliveryEventStatus.SCHEDULED and event.starts_at > (
        now or timezone.now()
    )


def coming(event: DeliveryEvent) -> list[str]:
    """The first names of the people coming: all the leader ever sees of them."""
    return list(event.rsvps.active().order_by("created_at").values_list("first_name", flat=True))


# Links: signed, one salt per purpose, naming the invited signature or the RSVP.


def invitation_token(event: DeliveryEvent, signature: Signature) -> str:
    return signing.Signer(salt=RSVP_SALT).sign(f"{event.uid.hex}.{signature.uid.hex}")


def cancel_token(rsvp: Rsvp) -> str:
    return signing.Signer(salt=RSVP_CANCEL_SALT).sign(rsvp.uid.hex)


def _uuids(token: str, salt: str) -> list[uuid.UUID]:
    try:
        return [uuid.UUID(hex=part) for part in signing.Signer(salt=salt).unsign(token).split(".")]
    except (signing.BadSignature, ValueError) as exc:
        raise InvitationInvalid from exc


def invitation_from_link(token: str) -> tuple[DeliveryEvent, Signature]:
    """The event and the invited signature a link names, if the signer may still be written to."""
    parts = _uuids(token, RSVP_SALT)
    if len(parts) != 2:
        raise InvitationInvalid
    event = DeliveryEvent.objects.select_related("campaign").filter(uid=parts[0]).first()
    signature = Signature.objects.invitable().filter(uid=parts[1]).first() if event else None
    if signature is None or signature.campaign_id != event.campaign_id:
        raise InvitationInvalid
    return event, signature


def rsvp_from_cancel_link(token: str) -> Rsvp:
    parts = _uuids(token, RSVP_CANCEL_SALT)
    rsvp = Rsvp.objects.select_related("event__campaign").filter(uid=parts[0]).first()
    if rsvp is None or len(parts) != 1:
        raise InvitationInvalid
    return rsvp
