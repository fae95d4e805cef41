"""Signing, confirming, withdrawing; the petition and progress on a campaign's page; the delivery kit."""

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpResponse, HttpResponseForbidden, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods
from django_ratelimit.core import is_ratelimited

from campaigns.asks import visibility_label
from campaigns.models import HEAD_ROLES, Campaign, CampaignStatus
from campaigns.views.decorators import leader_required
from config.caching import public_page
from config.language import requested_language
from config.ratelimit import client_hash, client_key, retry_after
from config.views import rate_limited, retry_in_words

from .. import confirmation
from ..confirmation import (
    SignerDetails,
    confirm_signature,
    signature_from_link,
    withdraw_signature,
)
from ..counting import tally_for
from ..delivery import MIN_ZIP_GROUP, delivery_summary, export_delivery_pdf, record_delivery
from ..errors import DeliveryNotReady, SignatureNotActive, SigningClosed
from ..event_reads import when_text
from ..forms import DeliveryForm, SignerDetailsForm, SignForm
from ..models import SiteSettings, Visibility
from ..reads import campaign_for_signing
from ..signing import sign_petition, signing_closed_reason
from ..texts import current_petition
from ..tokens import LinkExpired, LinkInvalid
from .thanks import share_context

CONFIRM_RATE = "30/m"


def _campaign(state: str, slug: str) -> Campaign:
    campaigns = Campaign.objects.select_related("county", "agency")
    return get_object_or_404(campaigns, state=state.upper(), slug=slug)


def _campaign_for_signing(state: str, slug: str) -> Campaign:
    campaign = campaign_for_signing(state.upper(), slug)
    if campaign is None:
        raise Http404
    return campaign


def _kwargs(campaign: Campaign) -> dict:
    return {"state": campaign.state.lower(), "slug": campaign.slug}


def campaign_page_context(request, campaign, *, form: SignForm | None = None) -> dict:
    """What the campaign page shows of the petition, the count and the sign form."""
    petition = current_petition(campaign)
    language = get_language()
    leader = campaign.leaderships.active().first()
    site = SiteSettings.load()
    closed = signing_closed_reason(campaign, site)
    if form is None and not closed:
        src = request.GET.get("src", "")
        form = SignForm(initial={"src": src if src.isascii() and len(src) <= 20 else ""})
    if form is not None:  # "What the police chief may see": whoever the petition goes to
        form.fields["visibility"].label = visibility_label(campaign, language)
    return {
        "petition": petition,
        "petition_title": petition.title(language) if petition else "",
        "petition_body": petition.body(language) if petition else "",
        "leader": leader,
        "tally": tally_for(campaign, site=site),
        "signing_closed": closed or (None if petition else SigningClosed.message),
        "sign_form": form,
        "sign_url": _sign_url(campaign),
        **_delivery_banner(campaign),
        **_upcoming_delivery(campaign),
    }


def _upcoming_delivery(campaign) -> dict:
    """The delivery on the calendar and still ahead, for the page to invite everyone to it."""
    if campaign.status not in CampaignStatus.LEADING:
        return {}  # no leader, no delivery event (and no query for most campaigns)
    event = campaign.delivery_events.scheduled().filter(starts_at__gt=timezone.now()).first()
    if event is None:
        return {}
    event.campaign = campaign
    return {"delivery_event": event, "delivery_event_when": when_text(event)}


def _delivery_banner(campaign) -> dict:
    """The latest delivery and whom it went to, for the banner of a delivered campaign."""
    if campaign.status in (CampaignStatus.OPEN, CampaignStatus.LED):
        return {}
    delivery = campaign.deliveries.first()
    if delivery is None:
        return {}
    head = next((t for t in campaign.targets.all() if t.role in HEAD_ROLES), None)
    return {"delivery": delivery, "delivered_to": head and (head.office or head.name)}


def _sign_url(campaign):
    return reverse("petitions:sign", kwargs=_kwargs(campaign))


def _same_origin(request) -> bool:
    """The sign form carries no CSRF token (see `sign`): refuse POSTs a browser says are foreign.

    Browsers send Sec-Fetch-Site and Origin on form POSTs; their absence (old browsers, curl)
    is allowed, since a forged cross-site POST from a browser always carries them.
    """
    fetch_site = request.headers.get("Sec-Fetch-Site")
    if fetch_site and fetch_site not in ("same-origin", "none"):
        return False
    origin = request.headers.get("Origin")
    if origin is None:
        return True
    allowed = {f"{request.scheme}://{request.get_host()}", *settings.CSRF_TRUSTED_ORIGINS}
    return origin in allowed


def _sign_rate(group, request) -> str:
    # Staff raise the boost for an in-person event where many people share one Wi-Fi.
    boost = max(1, request.campaign.rate_limit_boost or 1)
    return f"{settings.SIGN_RATE_PER_MINUTE * boost}/m"


def _sign_key(group, request) -> str:
    # Per campaign: a rally on one carrier or one Wi-Fi must not use up every other campaign's.
    return f"{client_hash(request)}:{request.campaign.pk}"


def _sign_limited(request, campaign, seconds):
    """The sign form again, as typed, with when to press the button again (429, Retry-After)."""
    fields = ("name", "email", "zip_code", "src")
    typed = {name: request.POST.get(name, "")[:254] for name in fields}  # no field is longer
    typed["visibility"] = request.POST.get("visibility") or Visibility.COUNTED
    typed["keep_updated"] = bool(request.POST.get("keep_updated"))
    notice = _(
        "Many signatures came from this connection in the last minute. Your signature was not "
        "sent yet: what you typed is still below. Press “Sign the petition” again %(when)s."
    ) % {"when": retry_in_words(seconds)}
    response = _sign_page(request, campaign, SignForm(initial=typed), status=429, notice=notice)
    response["Retry-After"] = str(seconds)
    return response


# The campaign page must stay publicly cacheable at a surge, so its sign form has no per-visitor
# CSRF token. A signature forged from another site gains an attacker nothing they could not do by
# posting themselves (the signer must still confirm from their inbox), and the Origin /
# Sec-Fetch-Site check below refuses browsers' cross-site POSTs anyway.
@csrf_exempt
@public_page(params=("src",))
@require_http_methods(["GET", "HEAD", "POST"])
def sign(request, state, slug):
    if request.method != "POST":
        return _sign_page(request, _campaign(state, slug), None)
    campaign = _campaign_for_signing(state, slug)
    if not _same_origin(request):
        return HttpResponseForbidden(_("This form can only be sent from this site."))
    request.campaign = campaign
    seconds = retry_after(request, group="petitions.sign", key=_sign_key, rate=_sign_rate)
    if seconds:
        return _sign_limited(request, campaign, seconds)
    if SignForm.sent_by_a_bot(request.POST):
        # Same answer as a real signature, and nothing is written.
        return _see_signed(campaign)
    data = SignForm.valid_data(request.POST)
    if data is None:  # the form itself, to say what is wrong
        form = SignForm(request.POST)
        if not form.is_valid():
            return _sign_page(request, campaign, form, status=400)
        data = form.cleaned_data
    try:
        sign_petition(
            campaign,
            name=data["name"],
            email=data["email"],
            zip_code=data["zip_code"],
            visibility=data["visibility"],
            keep_updated=data["keep_updated"],
            language=get_language() or settings.LANGUAGE_CODE,
            source=data["src"],
        )
    except SigningClosed:
        return _sign_page(request, campaign, None, status=409)
    return _see_signed(campaign)


def _see_signed(campaign):
    response = redirect("petitions:signed", **_kwargs(campaign))
    response.status_code = 303
    return response


def _sign_page(request, campaign, form, status=200, notice=""):
    context = {
        "campaign": campaign,
        "sign_notice": notice,
        **campaign_page_context(request, campaign, form=form),
    }
    return render(request, "petitions/sign.html", context, status=status)


@public_page
@require_GET
def signed(request, state, slug):
    """ "Check your email": the same page whether the address was new or had signed before."""
    campaign = _campaign(state, slug)
    return render(
        request,
        "petitions/signed.html",
        {
            "campaign": campaign,
            "link_days": settings.CONFIRMATION_LINK_MAX_AGE.days,
            "cooldown_minutes": settings.SIGNING_EMAIL_COOLDOWN_MINUTES,
            **share_context(campaign),
        },
    )


@public_page
@require_GET
def count(request, state, slug):
    """The count as a visitor sees it, as JSON, cacheable by anyone for a few seconds.

    Kept in the shared page cache like the campaign page: visitors refreshing the count at a
    surge cost no database query between two renders.
    """
    campaign = _campaign(state, slug)
    tally = tally_for(campaign)
    response = JsonResponse(
        {
            "counted": tally.counted,
            "goal": tally.goal,
            "residents": tally.residents,
            "elsewhere": tally.elsewhere,
        }
    )
    patch_cache_control(response, public=True, max_age=settings.COUNT_CACHE_SECONDS)
    return response


def _link_problem(request, exc, status=400):
    template = (
        "petitions/link_expired.html"
        if isinstance(exc, LinkExpired)
        else "petitions/link_invalid.html"
    )
    return render(request, template, {}, status=status)


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def confirm(request, token):
    """GET shows what will be counted, in a form its owner may correct (mail scanners open links
    and must change nothing); POST confirms with the details the person saw."""
    if request.method == "POST":
        return _confirm(request, token)
    try:
        signature = signature_from_link(token, purpose="confirm")
    except LinkExpired:
        return _expired(request, token)
    except LinkInvalid as exc:
        return _link_problem(request, exc, status=404)
    return _confirm_page(request, signature, SignerDetailsForm(initial=_details(signature)))


def _details(signature) -> dict:
    return {
        "name": signature.name,
        "zip_code": signature.zip_code,
        "visibility": signature.visibility,
    }


def _confirm_page(request, signature, form, *, problem=None, status=200):
    if form is not None:
        label = visibility_label(signature.campaign, get_language() or "en")
        form.fields["visibility"].label = label
    context = {
        "signature": signature,
        "campaign": signature.campaign,
        "form": form,
        "problem": problem,
    }
    return render(request, "petitions/confirm.html", context, status=status)


def _confirm(request, token):
    # One locked read of the signature (in the service), not a look-up first: at a surge every
    # query counts.
    if is_ratelimited(
        request, group="petitions.confirm", key=client_key, rate=CONFIRM_RATE, increment=True
    ):
        return rate_limited(request)
    details = None
    # The page's form always sends the details; a bare POST confirms them as they are.
    if SignerDetailsForm.submitted(request.POST):
        form = SignerDetailsForm(request.POST)
        if not form.is_valid():
            try:
                signature = signature_from_link(token, purpose="confirm")
            except LinkExpired:
                return _expired(request, token)
            except LinkInvalid as exc:
                return _link_problem(request, exc, status=404)
            return _confirm_page(request, signature, form, status=400)
        details = SignerDetails(**form.cleaned_data)
    try:
        signature, new = confirm_signature(token, details=details)
    except LinkExpired:
        return _expired(request, token)
    except LinkInvalid as exc:
        return _link_problem(request, exc, status=404)
    except SignatureNotActive as exc:
        return _confirm_page(request, exc.signature, None, problem=exc.message, status=409)
    if not new:
        messages.success(request, _("Your signature is confirmed, with the details you saw."))
    # The thank-you page with the share links, not the campaign page's empty sign form.
    return redirect("petitions:thanks", **_kwargs(signature.campaign))


def _expired(request, token):
    """Explain, and offer to sign again (a new link is sent; the pending signature is kept)."""
    campaign = confirmation.campaign_of_expired_link(token)
    return render(request, "petitions/link_expired.html", {"campaign": campaign}, status=410)


def _link_page(request, token, *, purpose, act, template):
    """The page behind a withdraw or unsubscribe link: GET shows its button, POST does `act`."""
    try:
        signature = signature_from_link(token, purpose=purpose)
    except LinkInvalid as exc:
        return _link_problem(request, exc, status=404)
    done = request.method == "POST"
    if done:
        signature = act(token)
    return render(
        request, template, {"signature": signature, "campaign": signature.campaign, "done": done}
    )


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def withdraw(request, token):
    return _link_page(
        request,
        token,
        purpose="withdraw",
        act=withdraw_signature,
        template="petitions/withdraw.html",
    )


# One-click unsubscribe (RFC 8058) posts from the mail client without our CSRF token; the token in
# the URL is the secret, and the action only stops emails.
@csrf_exempt
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def unsubscribe(request, token):
    return _link_page(
        request,
        token,
        purpose="unsubscribe",
        act=confirmation.unsubscribe,
        template="petitions/unsubscribe.html",
    )


# The delivery kit: the campaign's active leader and staff; everyone else gets a 404.


@require_http_methods(["GET", "HEAD", "POST"])
@leader_required(staff_too=True)
def delivery(request, campaign, leadership):
    summary = delivery_summary(campaign)
    form = DeliveryForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and summary.tally.reached_goal and form.is_valid():
        try:
            record_delivery(campaign, user=request.user, **form.cleaned_data)
        except DeliveryNotReady as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Thank you. The delivery is recorded."))
            return redirect("petitions:delivery", **_kwargs(campaign))
    status = 400 if request.method == "POST" else 200
    if request.method == "POST" and not summary.tally.reached_goal:
        status = 409
    return render(
        request,
        "petitions/delivery.html",
        {
            "campaign": campaign,
            "summary": summary,
            "form": form,
            "deliveries": campaign.deliveries.order_by("-delivered_on"),
            "min_zip_group": MIN_ZIP_GROUP,
        },
        status=status,
    )


@require_GET
@leader_required(staff_too=True)
def delivery_pdf_view(request, campaign, leadership):
    summary = delivery_summary(campaign)
    if not summary.tally.reached_goal:
        raise Http404
    language = requested_language(request)
    pdf = export_delivery_pdf(summary, user=request.user, language=language)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="petition-{campaign.slug}.pdf"'
    return response
