"""Public pages: home, learn more, county search, the map, a state's page, campaign pages."""

from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.views.decorators.cache import never_cache

from config.caching import public_page
from petitions.record import campaign_counts
from petitions.views.signing import campaign_page_context

from .. import browse
from ..map import render_us_map
from ..models import AgencyType, Campaign, CampaignStatus, ContractModel
from ..press import press_targets
from ..record import home_figures
from ..search import search_campaigns, search_examples
from ..states import STATE_NAMES, state_name
from ..text import fold


@public_page
def home(request):
    # Every number from the data: today's ICE list, the campaigns, and the 2019 cohort as history.
    figures = home_figures(campaign_counts())
    context = {"figures": figures, "search_examples": search_examples()}
    return render(request, "campaigns/home.html", context)


@public_page
def learn(request):
    return render(request, "campaigns/learn.html")


@public_page
def privacy(request):
    return render(request, "campaigns/privacy.html", {"purge_days": settings.PURGE_AFTER_DAYS})


@public_page(params=("q",))
def search(request):
    result = search_campaigns(request.GET.get("q", ""))
    return render(
        request,
        "campaigns/search.html",
        {"result": result, "search_examples": search_examples()},
    )


@public_page
def us_map(request):
    return render(request, "campaigns/map.html", render_us_map() | {"states": _states()})


@public_page
def state_page(request, state):
    code = state.upper()
    if code not in STATE_NAMES:
        raise Http404
    if state != state.lower():
        return redirect("campaigns:state", state=code.lower(), permanent=True)
    context = browse.state_page(code) | {"state_name": state_name(code)}
    return render(request, "campaigns/state.html", context)


def _states() -> list[tuple[str, str]]:
    """(code, name) for the state filter, in the page's language and its alphabetical order."""
    return sorted(((code, state_name(code)) for code in STATE_NAMES), key=lambda s: fold(s[1]))


CAMPAIGNS_PER_PAGE = 50


@public_page(params=("state", "type", "model", "open", "page"))
def campaign_list(request):
    campaigns = Campaign.objects.public().for_listing().select_related("tally")
    filters = {}
    if (state := request.GET.get("state", "").upper()) in STATE_NAMES:
        campaigns = campaigns.filter(state=state)
        filters["state"] = state
    if (agency_type := request.GET.get("type", "")) in AgencyType.values:
        campaigns = campaigns.of_agency_type(agency_type)
        filters["type"] = agency_type
    if (model := request.GET.get("model", "")) in ContractModel.values:
        campaigns = campaigns.of_model(model)
        filters["model"] = model
    if request.GET.get("open"):
        campaigns = campaigns.filter(status=CampaignStatus.OPEN)
        filters["open"] = "1"
    paginator = Paginator(campaigns.order_by("state", "name", "pk"), CAMPAIGNS_PER_PAGE)
    page = paginator.get_page(request.GET.get("page"))  # a bad or past-the-end page: first/last
    return render(
        request,
        "campaigns/list.html",
        {
            "page": page,
            "page_range": paginator.get_elided_page_range(page.number),
            # The links carry the filters as read (never the raw query: the cache keys on these).
            "query": urlencode(filters),
            "filters": filters,
            "state_name": state_name(filters["state"]) if "state" in filters else "",
            "states": _states(),
            "agency_types": AgencyType.choices,
            "models": ContractModel.choices,
        },
    )


def _moved(request, campaign):
    """A permanent redirect that keeps the query: a shared link's ?src= tag must reach the form."""
    query = request.GET.urlencode()  # re-encoded: raw bytes from the client never reach a header
    url = campaign.get_absolute_url()
    return redirect(f"{url}?{query}" if query else url, permanent=True)


@public_page(params=("src",))
def campaign_detail(request, state, slug):
    campaign = get_object_or_404(
        Campaign.objects.select_related("county", "agency", "merged_into"),
        state=state.upper(),
        slug=slug,
    )
    if campaign.merged_into_id:
        return _moved(request, campaign.merged_into)
    if state != state.lower():
        return _moved(request, campaign)
    context = {
        "campaign": campaign,
        "contracts": list(campaign.contracts()),
        "press_targets": press_targets(campaign, get_language()),
        "today": timezone.localdate(),
        "model_choices": ContractModel,
    }
    context.update(campaign_page_context(request, campaign))
    return render(request, "campaigns/detail.html", context)


@never_cache
@login_required
def my_campaigns(request):
    leaderships = request.user.leaderships.active().select_related("campaign")
    co_led = (
        request.user.co_leaderships.active()
        .filter(leadership__ended_at__isnull=True)
        .select_related("leadership__campaign")
    )
    return render(
        request, "campaigns/my_campaigns.html", {"leaderships": leaderships, "co_led": co_led}
    )
