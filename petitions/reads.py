"""Reads of a campaign's petition data, for the campaign's pages in both apps: the campaign to
sign at an address, the signatures each share channel brought, whether any link brought one."""

from django.db import models
from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from campaigns.models import Campaign
from config.compiled import Compiled

from .models import PetitionText, Signature, SignatureMethod, SignatureStatus, SiteSettings

# The share channels a leader's links carry as ?src=, in the order the tools page lists them.
CHANNELS = {
    "whatsapp": "WhatsApp",
    "facebook": "Facebook",
    "x": "X",
    "email": _("Email"),
    "sms": _("Text message"),
    "instagram": "Instagram",
    "flyer": _("Printed flyer (QR code)"),
    "sheet": _("Paper sign-up sheet (QR code)"),
    "link": _("Campaign link"),
}

# A channel shows on the dashboard once it has this many signatures; fewer are grouped as "other".
# A link tagged for one person must not tell the leader that this person signed (the same rule as
# the delivery's MIN_ZIP_GROUP for ZIP codes).
MIN_CHANNEL_GROUP = 5


def with_current_petition(campaigns: models.QuerySet) -> models.QuerySet:
    """Each campaign with `current_petition_id` in the same query (for signing at a surge)."""
    current = PetitionText.objects.filter(campaign=models.OuterRef("pk")).current_first()
    return campaigns.annotate(current_petition_id=models.Subquery(current.values("pk")[:1]))


def campaign_for_signing(state: str, slug: str) -> Campaign | None:
    """The campaign at this address with `current_petition_id` and `site_signing_paused` (the
    staff's switch for every campaign), or None: all a signature needs, in one statement whose
    SQL is compiled once per process (config/compiled.py).

    At a surge the ORM spent three times longer building this query than PostgreSQL spent running
    it, and reading the site's switch through the shared cache cost a round trip of its own.
    """
    return _FOR_SIGNING.first(state=state, slug=slug)


def _for_signing(state: str, slug: str) -> models.QuerySet:
    paused = SiteSettings.objects.filter(signing_paused=True)
    campaigns = with_current_petition(Campaign.objects.order_by())
    return campaigns.annotate(site_signing_paused=models.Exists(paused)).filter(
        state=state, slug=slug
    )


# Placeholders: strings no address can hold, each its own object.
_FOR_SIGNING = Compiled(_for_signing, state="\x00state", slug="\x00slug")


def signatures_by_channel(campaign: Campaign) -> list[tuple[str, int]]:
    """Confirmed online signatures per share channel: counts only, never who signed.

    Channels with fewer than MIN_CHANNEL_GROUP signatures are added up into one "other" row.
    Paper and signing-table signatures came through no link; the dashboard counts them apart.
    """
    rows = (
        Signature.objects.filter(
            campaign=campaign, status=SignatureStatus.CONFIRMED, method=SignatureMethod.ONLINE
        )
        .values("source")
        .annotate(n=Count("id"))
        .order_by()
    )
    counts: dict[str, int] = {}
    for row in rows:
        source = row["source"]
        if source in CHANNELS:
            label = CHANNELS[source]
        elif source:
            label = _("Other links")
        else:
            label = _("Direct visits and search")
        counts[str(label)] = counts.get(str(label), 0) + row["n"]
    shown = sorted(
        ((label, n) for label, n in counts.items() if n >= MIN_CHANNEL_GROUP),
        key=lambda item: (-item[1], item[0]),
    )
    grouped = sum(n for n in counts.values() if n < MIN_CHANNEL_GROUP)
    if grouped:
        label = _("Other channels (fewer than %(n)s each)") % {"n": MIN_CHANNEL_GROUP}
        shown.append((str(label), grouped))
    return shown


def signed_through_a_link(campaign: Campaign) -> bool:
    """Whether a shared link (any ?src=) brought a confirmed signature: the checklist's "shared"."""
    return campaign.signatures.exclude(source="").filter(status=SignatureStatus.CONFIRMED).exists()
