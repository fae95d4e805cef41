"""Signing online, and what every way of signing shares: who is closed, residence, count refreshes.

Emails and tally refreshes are enqueued after commit, so a failed send never takes a signature
with it."""

from functools import partial

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from campaigns.geography import county_for_zip
from campaigns.models import Campaign, CampaignStatus, Jurisdiction
from config.outbox import enqueue_once_per_window

from . import tasks
from .errors import SigningClosed
from .models import Signature, SignatureMethod, SiteSettings, email_domain, name_key
from .models import email_key as mailbox_key
from .texts import current_petition_id


def county_resident(campaign: Campaign, zip_code: str) -> bool:
    """Whether the signer lives where the agreement reaches: the campaign's county; for a city's
    police, the county the city lies in (a ZIP code tells no more); for a statewide agency, the
    state. The county check, the common one, reads nothing more from the database."""
    place = county_for_zip(zip_code)
    if not place:
        return False
    if campaign.county_id:
        return place[0] == campaign.county_id
    agency = campaign.agency if campaign.agency_id else None
    if agency is None:
        return False
    if agency.jurisdiction == Jurisdiction.CITY:
        return place[0] == agency.county_id
    if agency.jurisdiction == Jurisdiction.STATE:
        return place[1] == campaign.state
    return False


def signing_closed_reason(campaign: Campaign, site: SiteSettings | None = None):
    """Why this campaign takes no signatures now, or None when it does."""
    if campaign.merged_into_id or campaign.status in CampaignStatus.ENDED:
        return _("This campaign has ended, so it no longer takes signatures.")
    # Read with the campaign when signing (reads.campaign_for_signing), else from the settings.
    site_paused = getattr(campaign, "site_signing_paused", None)
    if site_paused is None:
        site_paused = (site or SiteSettings.load()).signing_paused
    if site_paused or campaign.signing_paused:
        return _(
            "Signing is paused for a short while. Your signature matters: please come back "
            "later today."
        )
    return None


def sign_petition(
    campaign: Campaign,
    *,
    name: str,
    email: str,
    zip_code: str,
    visibility: str,
    keep_updated: bool = False,
    language: str = "en",
    source: str = "",
) -> None:
    """Record an online signature, pending until its owner confirms from the email.

    Whatever happened, the signer sees the same page and the request does the same work (never
    reveal who has signed): one INSERT … ON CONFLICT DO UPDATE, committed on its own. A new
    mailbox gets its row; one that signed before gets its row marked for a follow-up, and only a
    still-pending online row takes the new details (its owner has not said what they want
    counted yet; the confirmation page shows them and lets them correct). A confirmed row never
    changes here: only its owner, from a link in their email. The worker's sweep, a second
    later, decides what to send (tasks.follow_up_new_signatures), at most one email per
    address per campaign in SIGNING_EMAIL_COOLDOWN_MINUTES.
    """
    reason = signing_closed_reason(campaign)
    if reason:
        raise SigningClosed(reason)
    petition_id = current_petition_id(campaign)
    if petition_id is None:
        raise SigningClosed
    email_key = mailbox_key(email)
    candidate = Signature(
        campaign=campaign,
        email_key=email_key,
        name_key=name_key(name),
        follow_up_due=True,
        petition_text_id=petition_id,
        language=language,
        name=name,
        email=email.strip(),
        email_domain=email_domain(email),
        zip_code=zip_code,
        county_resident=county_resident(campaign, zip_code),
        visibility=visibility,
        keep_updated=keep_updated,
        source=source,
        method=SignatureMethod.ONLINE,
    )
    Signature.objects.sign_or_follow_up(candidate)
    _follow_up_soon()


FOLLOW_UP_SECONDS = 1


def _follow_up_soon() -> None:
    """Once committed: one sweep of new signatures in the next second, whoever signed in it."""
    transaction.on_commit(
        partial(
            enqueue_once_per_window,
            tasks.follow_up_new_signatures,
            "petitions:follow-up",
            FOLLOW_UP_SECONDS,
        )
    )


# At a surge, one refresh of a campaign's tally and milestones per this many seconds, not one
# per confirmation (each refresh aggregates every signature of the campaign).
TALLY_REFRESH_SECONDS = 5


def counts_changed(*campaign_ids: int) -> None:
    """A task refreshes the stored tally visitors read, and milestones, once per few seconds."""
    for campaign_id in campaign_ids:
        _refresh_tally_soon(campaign_id)


def _refresh_tally_soon(campaign_id: int) -> None:
    """One refresh per campaign in the next few seconds (the nightly recount repairs a refresh
    lost with a rolled-back request)."""
    enqueue_once_per_window(
        tasks.after_count_change,
        f"petitions:tally-refresh:{campaign_id}",
        TALLY_REFRESH_SECONDS,
        campaign_id,
    )
