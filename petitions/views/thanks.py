"""After signing and after confirming: the thank-you page and its share links."""

from django.conf import settings
from django.shortcuts import get_object_or_404, render
from django.utils.translation import get_language
from django.views.decorators.http import require_GET

from campaigns.models import Campaign
from campaigns.sharing import share_links
from config.caching import public_page


def share_context(campaign: Campaign) -> dict:
    """What the share block shows: the links in the page's language, and whether to ask for a
    leader (the campaign is open and nobody leads it)."""
    return {
        "share": share_links(campaign, get_language() or settings.LANGUAGE_CODE),
        "needs_leader": campaign.accepts_leader(),
    }


@public_page
@require_GET
def thanks(request, state, slug):
    """The page a confirmed signer lands on: the same for everyone, so it says nothing of who."""
    campaign = get_object_or_404(
        Campaign.objects.select_related("county"), state=state.upper(), slug=slug
    )
    return render(
        request, "petitions/thanks.html", {"campaign": campaign, **share_context(campaign)}
    )
