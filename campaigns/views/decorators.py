"""The one check for pages private to a campaign's leader and co-leaders (the campaign office,
in-person signing, the delivery kit): one answer everywhere."""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.views.decorators.cache import never_cache

from config.admin_site import acts_as_staff

from ..models import Campaign


def campaign_at(state: str, slug: str) -> Campaign:
    """The campaign at /campaigns/<state>/<slug>/, or a 404."""
    return get_object_or_404(
        Campaign.objects.select_related("county", "agency"), state=state.upper(), slug=slug
    )


def leader_required(*, staff_too: bool = False, lead_only: bool = False):
    """Only the campaign's active leader and their co-leaders (and staff, with `staff_too`) get in;
    with `lead_only`, the lead leader alone (inviting, removing co-leaders, stepping down).

    Anyone else gets a 404, as if the page did not exist: no hint of who leads. An anonymous
    visitor is sent to log in; the page is never stored by a cache. The view is called with
    (request, campaign, leadership, ...): leadership is the lead's active term, which a co-leader
    shares, or None for staff who do not lead it. A removed co-leader's next page is a 404.
    """

    def decorator(view):
        @wraps(view)
        def wrapper(request, state, slug, *args, **kwargs):
            campaign = campaign_at(state, slug)
            terms = campaign.leaderships.active()
            terms = terms.filter(user=request.user) if lead_only else terms.of_team(request.user)
            leadership = terms.first()
            if leadership is None and not (staff_too and acts_as_staff(request.user)):
                raise Http404
            return view(request, campaign, leadership, *args, **kwargs)

        return never_cache(login_required(wrapper))

    return decorator
