"""Signing, confirming, withdrawing; the petition and progress on a campaign's page."""

from django.utils.translation import get_language

from .services import current_petition


def campaign_page_context(request, campaign) -> dict:
    """What the campaign page shows of the petition, the count and the sign form."""
    petition = current_petition(campaign)
    language = get_language()
    leader = campaign.leaderships.active().first()
    return {
        "petition": petition,
        "petition_title": petition.title(language) if petition else "",
        "petition_body": petition.body(language) if petition else "",
        "leader": leader,
    }
