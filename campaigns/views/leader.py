"""The leader's pages: Become a Leader (the claim), the dashboard, training, tools, step down.

Everything here except the share image and the flyer is private to the campaign's active leader
and staff, and never stored by a cache.
"""

from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST
from django_ratelimit.core import get_usage, is_ratelimited

from accounts.adapter import site_language
from config.language import requested_language
from config.ratelimit import client_key, retry_after
from config.views import rate_limited
from petitions.charts import progress_at_a_glance
from petitions.counting import tally_for
from petitions.models import PetitionText, PetitionTextStatus
from petitions.reads import signatures_by_channel, signed_through_a_link
from petitions.texts import current_petition, propose_petition_text, text_goes_live_at_once
from petitions.views.in_person import in_person_context

from .. import asks, coleaders, places, services
from ..forms import CoLeaderInviteForm, CommitmentForm, DeliveryPlanForm, PetitionTextForm
from ..models import Campaign, TrainingCompletion, TrainingStep
from ..progress import checklist, next_milestone
from ..tools import SHARE_SIZES, flyer_key, flyer_pdf, share_image, share_image_key, toolkit
from .decorators import campaign_at, leader_required
from .press import press_dashboard_context

CLAIM_RATE = "10/m"
CLAIMS_TODAY = "campaigns.claims_per_address"
CLAIMS_USED_UP = gettext_lazy(
    "This connection has taken on as many campaigns as it may today. Try again tomorrow, or "
    "write to the organization if you need to lead more."
)
FIRST_TEXT_REVIEW = gettext_lazy(
    "Staff review a new leader's first text before it goes on the campaign page; until then "
    "the current text stays."
)
# Share images and flyers: a cache hit is free; a miss renders (~100 ms of CPU), so misses are
# limited per client. The key changes with the count and the campaign, so entries age out alone.
SHARE_FILE_RATE = "20/m"
SHARE_FILE_CACHE_SECONDS = 24 * 60 * 60


def _dashboard(campaign: Campaign):
    return redirect("campaigns:dashboard", **campaign.url_kwargs)


def _open_campaigns_near(campaign: Campaign):
    return (
        Campaign.objects.needing_leader()
        .filter(state=campaign.state)
        .exclude(pk=campaign.pk)
        .for_listing()
        .order_by("name")[:12]
    )


def _taken(request, campaign: Campaign, message: str, status: int = 200):
    return render(
        request,
        "campaigns/leader/taken.html",
        {"campaign": campaign, "message": message, "nearby": _open_campaigns_near(campaign)},
        status=status,
    )


@never_cache
def claim(request, state, slug):
    """Become a Leader: sign up or log in first, then commit and choose a public name."""
    campaign = campaign_at(state, slug)
    if not request.user.is_authenticated:
        # Most people who click are new: sign-up links to log-in, both keep ?next= back here.
        query = urlencode({"next": request.get_full_path()})
        return redirect(f"{reverse('account_signup')}?{query}")
    current = campaign.leaderships.active().first()
    if current is not None and current.user_id == request.user.pk:
        return _dashboard(campaign)
    refusal = services.claim_refusal(campaign)
    if refusal is not None:
        status = 409 if request.method == "POST" else 200
        return _taken(request, campaign, refusal.message, status=status)

    if request.method == "POST" and is_ratelimited(
        request, group="campaigns.claim", key=client_key, rate=CLAIM_RATE, increment=True
    ):
        return rate_limited(request)
    form = CommitmentForm(request.POST or None)
    if request.method == "POST" and form.is_valid() and _claims_used_up(request):
        form.add_error(None, CLAIMS_USED_UP)
        return _commit_page(request, campaign, form, status=429)
    if request.method == "POST" and form.is_valid():
        try:
            services.claim_campaign(
                request.user,
                campaign,
                public_name=form.cleaned_data["public_name"],
                language=site_language(),
            )
        except (services.CampaignTaken, services.CampaignNotOpen) as exc:
            return _taken(request, campaign, exc.message, status=409)
        except services.LeaderLimitReached as exc:
            form.add_error(None, exc.message)
        else:
            _count_claim(request)
            messages.success(
                request,
                _("You are now the leader of this campaign. Start with the short training."),
            )
            return _dashboard(campaign)
    return _commit_page(request, campaign, form, status=400 if form.is_bot else 200)


def _commit_page(request, campaign, form, *, status):
    return render(
        request,
        "campaigns/leader/commit.html",
        {
            "campaign": campaign,
            "form": form,
            "training_days": settings.CLAIM_TRAINING_DEADLINE.days,
        },
        status=status,
    )


# Claims that succeeded from this connection today (its hashed address, never the address).
# Only a claim that went through counts, so losing a race or a typo costs nothing.


def _claims_today(request, *, increment: bool):
    rate = f"{settings.CLAIMS_PER_ADDRESS_PER_DAY}/d"
    return get_usage(request, group=CLAIMS_TODAY, key=client_key, rate=rate, increment=increment)


def _claims_used_up(request) -> bool:
    usage = _claims_today(request, increment=False)
    return usage is not None and usage["count"] >= usage["limit"]


def _count_claim(request) -> None:
    _claims_today(request, increment=True)


@leader_required(staff_too=True)
def dashboard(request, campaign, leadership):
    count = tally_for(campaign).counted
    goal = settings.SIGNATURE_GOAL
    shared = bool(leadership and leadership.shared_at) or signed_through_a_link(campaign)
    items = checklist(campaign, leadership, count, shared=shared)
    steps_total = TrainingStep.objects.count()
    steps_done = (
        TrainingCompletion.objects.filter(leadership=leadership).count() if leadership else 0
    )
    context = {
        "campaign": campaign,
        "leadership": leadership,
        "count": count,
        "goal": goal,
        "percent": min(100, round(100 * count / goal)) if goal else 100,
        "next_milestone": next_milestone(count),
        "checklist": items,
        "next_item": next((item for item in items if not item.done), None),
        "channels": signatures_by_channel(campaign),
        "steps_total": steps_total,
        "steps_done": steps_done,
        "delivery_form": DeliveryPlanForm(
            initial={"planned_on": leadership.delivery_planned_on if leadership else None}
        ),
        "proposals": PetitionText.objects.filter(
            campaign=campaign, status=PetitionTextStatus.PROPOSED
        ).count(),
        "deadline": (
            leadership.training_deadline
            if leadership and not leadership.training_completed_at
            else None
        ),
    }
    if leadership is not None:
        is_lead = leadership.user_id == request.user.pk
        context.update(coleaders.team(leadership), is_lead=is_lead)
        if is_lead:
            context["invite_form"] = CoLeaderInviteForm(initial={"language": site_language()})
    context.update(in_person_context(campaign, request.user if leadership else None))
    context.update(press_dashboard_context(campaign))
    context.update(progress_at_a_glance(campaign))
    return render(request, "campaigns/leader/dashboard.html", context)


@leader_required(lead_only=True)
def step_down(request, campaign, leadership):
    if request.method == "POST":
        try:
            services.step_down(request.user, campaign)
        except services.NotTheLeader as exc:
            messages.error(request, exc.message)
        else:
            messages.success(
                request,
                places.contract_articles(  # "de el condado" -> "del condado"
                    _("You are no longer the leader of %(place)s. Thank you for your work.")
                    % {"place": places.campaign_place(campaign, translation.get_language() or "en")}
                ),
            )
        return redirect("campaigns:my_campaigns")
    return render(
        request, "campaigns/leader/step_down.html", {"campaign": campaign, "leadership": leadership}
    )


@require_POST
@leader_required(staff_too=True)
def plan_delivery(request, campaign, leadership):
    if leadership is None:
        raise Http404
    form = DeliveryPlanForm(request.POST)
    if form.is_valid():
        services.plan_delivery(leadership, on=form.cleaned_data["planned_on"])
        messages.success(request, _("Delivery plan saved."))
    else:
        messages.error(request, _("Enter the date as year, month and day."))
    return _dashboard(campaign)


def _training_steps(leadership, campaign):
    steps = list(TrainingStep.objects.all())
    done = (
        set(
            TrainingCompletion.objects.filter(leadership=leadership).values_list(
                "step_id", flat=True
            )
        )
        if leadership
        else set()
    )
    language = translation.get_language()
    for step in steps:
        step.done = step.pk in done
        title, body = (
            (step.title_es, step.body_es) if language == "es" else (step.title_en, step.body_en)
        )
        # The campaign's own people in staff's text: {head}, {Head}, {elected}.
        step.title = asks.leader_text(title, campaign, language)
        step.body = asks.leader_text(body, campaign, language)
    return steps


@leader_required(staff_too=True)
def training(request, campaign, leadership):
    steps = _training_steps(leadership, campaign)
    return render(
        request,
        "campaigns/leader/training.html",
        {"campaign": campaign, "leadership": leadership, "steps": steps},
    )


@leader_required(staff_too=True)
def training_step(request, campaign, leadership, step_slug):
    steps = _training_steps(leadership, campaign)
    index = next((i for i, s in enumerate(steps) if s.slug == step_slug), None)
    if index is None:
        raise Http404
    step = steps[index]
    following = steps[index + 1] if index + 1 < len(steps) else None
    if request.method == "POST":
        if leadership is None or leadership.user_id != request.user.pk:
            raise Http404  # the training is the lead leader's; co-leaders may read it
        finished = services.complete_training_step(leadership, step)
        if finished:
            messages.success(request, _("Training complete. Your tools are ready."))
            return _dashboard(campaign)
        next_open = next((s for s in steps[index + 1 :] + steps[:index] if not s.done), None)
        if next_open is not None:
            return redirect(
                "campaigns:training_step", step_slug=next_open.slug, **campaign.url_kwargs
            )
        return redirect("campaigns:training", **campaign.url_kwargs)
    return render(
        request,
        "campaigns/leader/training_step.html",
        {
            "campaign": campaign,
            "leadership": leadership,
            "step": step,
            "number": index + 1,
            "total": len(steps),
            "following": following,
        },
    )


@leader_required(staff_too=True)
def tools(request, campaign, leadership):
    kwargs = campaign.url_kwargs
    context = {
        "campaign": campaign,
        "leadership": leadership,
        "images": [
            {
                "size": size,
                "width": width,
                "height": height,
                "url": reverse("campaigns:share_image", kwargs={**kwargs, "size": size}),
            }
            for size, (width, height) in SHARE_SIZES.items()
        ],
        "flyers": [
            {
                "code": code,
                "name": name,
                "url": reverse("campaigns:flyer", kwargs=kwargs) + f"?lang={code}",
            }
            # "Flyer (PDF) in Spanish" / "Volante (PDF) en español": names in the page's language.
            for code, name in settings.LANGUAGES
        ],
    }
    context.update(toolkit(campaign))
    return render(request, "campaigns/leader/tools.html", context)


@require_POST
@leader_required(staff_too=True)
def mark_shared(request, campaign, leadership):
    if leadership is None:
        raise Http404
    services.mark_shared(leadership)
    messages.success(request, _("Marked as shared. Keep going!"))
    return _dashboard(campaign)


@leader_required(staff_too=True)
def petition_text(request, campaign, leadership):
    current = current_petition(campaign)
    initial = (
        {f: getattr(current, f) for f in ("title_en", "body_en", "title_es", "body_es")}
        if current
        else {}
    )
    form = PetitionTextForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        text = propose_petition_text(campaign, texts=form.cleaned_data, user=request.user)
        if text.status == PetitionTextStatus.APPROVED:
            messages.success(request, _("The new petition text is now on the campaign page."))
        elif campaign.signatures.exists():
            messages.info(
                request,
                _(
                    "People have already signed, so staff will review the new text before it "
                    "replaces the one they signed."
                ),
            )
        else:
            messages.info(request, FIRST_TEXT_REVIEW)
        return _dashboard(campaign)
    pending = campaign.petition_texts.filter(status=PetitionTextStatus.PROPOSED).order_by(
        "-version"
    )
    return render(
        request,
        "campaigns/leader/petition_text.html",
        {
            "campaign": campaign,
            "leadership": leadership,
            "form": form,
            "current": current,
            "pending": pending,
            "has_signatures": campaign.signatures.exists(),
            "at_once": text_goes_live_at_once(campaign, request.user),
            "first_text_review": FIRST_TEXT_REVIEW,
        },
    )


def _public_file(response: HttpResponse, seconds: int = 60) -> HttpResponse:
    patch_cache_control(response, public=True, max_age=seconds)
    patch_vary_headers(response, ["Accept-Language"])
    return response


def _share_file(request, key: str, render, content_type: str) -> HttpResponse:
    """Rendered bytes from the cache; a miss (about 100 ms of CPU) is limited per client."""
    content = cache.get(key)
    if content is None:
        seconds = retry_after(request, group="campaigns.share_file", rate=SHARE_FILE_RATE)
        if seconds:
            return rate_limited(request, seconds=seconds)
        content = render()
        cache.set(key, content, SHARE_FILE_CACHE_SECONDS)
    return _public_file(HttpResponse(content, content_type=content_type))


@require_GET
def share_image_view(request, state, slug, size):
    if size not in SHARE_SIZES:
        raise Http404
    campaign = campaign_at(state, slug)
    count = tally_for(campaign).counted
    language = translation.get_language() or settings.LANGUAGE_CODE
    key = share_image_key(campaign, size=size, count=count, language=language)
    return _share_file(
        request, key, lambda: share_image(campaign, size=size, count=count), "image/png"
    )


@require_GET
def flyer(request, state, slug):
    campaign = campaign_at(state, slug)
    language = requested_language(request)
    petition = current_petition(campaign)
    key = flyer_key(campaign, petition=petition, language=language)
    response = _share_file(
        request,
        key,
        lambda: flyer_pdf(campaign, language=language, petition=petition),
        "application/pdf",
    )
    if response.status_code == 200:
        filename = f"end-287g-{campaign.slug}-{language}.pdf"
        response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response
