"""Reads of a campaign's petition data, for the campaign's pages in both apps: the campaign to
sign at an address, the signatures each share channel brought, whether any link brought one."""

import functools

from django.db import models
from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from campaigns.models import Campaign

from .models import PetitionText, Signature, SignatureMethod, SignatureStatus

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
    """The campaign at this address with `current_petition_id`, or None: what
    with_current_petition() fetches, as one prepared statement for the signing POST.

    Its SQL is compiled once per process. At a surge the ORM spent three times longer
    building this query than PostgreSQL spent running it.
    """
    sql, params = _signing_query()
    values = [{"{state}": state, "{slug}": slug}.get(p, p) for p in params]
    return next(iter(Campaign.objects.raw(sql, values)), None)


@functools.cache
def _signing_query() -> tuple[str, tuple]:
    """campaign_for_signing's SQL, with "{state}" and "{slug}" where the values go."""
    campaigns = with_current_petition(Campaign.objects.all()).filter(state="{state}", slug="{slug}")
    return campaigns.order_by().query.sql_with_params()


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
