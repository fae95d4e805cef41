"""The delivery event's pages: the leader's schedule, the public event page with its RSVP form,
the invited signer's RSVP link and the link that cancels an RSVP.

None is cached: the leader's page carries first names, the others forms and personal links.
"""

from django.conf import settings
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from campaigns.views.decorators import campaign_at, leader_required
from config.ratelimit import retry_after
from config.views import rate_limited

from .. import event_reads, events
from ..errors import EventError, InvitationInvalid
from ..forms_events import DeliveryEventForm, RsvpForm

RSVP_RATE = "10/m"


def _event_page(campaign):
    return redirect("petitions:event_schedule", **campaign.url_kwargs)


@require_http_methods(["GET", "HEAD", "POST"])
@leader_required(staff_too=True)
def schedule_event(request, campaign, leadership):
    """Schedule the delivery (or change it): invitations go out, RSVPs come back."""
    zone = event_reads.local_zone(campaign)
    event = campaign.delivery_events.scheduled().first()
    initial = DeliveryEventForm.initial_for(event, zone)
    form = DeliveryEventForm(request.POST or None, initial=initial, zone=zone)
    if request.method == "POST" and form.is_valid():
        details = events.EventDetails(
            starts_at=form.starts_at(),
            **{k: form.cleaned_data[k] for k in ("meeting_point", "bring", "safety_notes")},
            address_private=form.cleaned_data["address_private"],
        )
        try:
            events.schedule_delivery(campaign, user=request.user, details=details)
        except EventError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(
                request,
                _("The delivery is scheduled. Everyone coming hears about any change.")
                if event
                else _("The delivery is scheduled. Signers who asked for updates are invited."),
            )
            return _event_page(campaign)
    context = {
        "campaign": campaign,
        "event": event,
        "form": form,
        "when": event_reads.when_text(event) if event else "",
        "coming": event_reads.coming(event) if event else [],
    }
    return render(
        request, "petitions/events/schedule.html", context, status=400 if form.errors else 200
    )


@require_POST
@leader_required(staff_too=True)
def cancel_event(request, campaign, leadership):
    if events.cancel_delivery(campaign, user=request.user):
        messages.success(request, _("The delivery is cancelled. Everyone coming is told."))
    return _event_page(campaign)


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def event(request, state, slug):
    """The public page of the delivery: when, where (unless the leader keeps it for RSVPs),
    and a form to say you are coming."""
    campaign = campaign_at(state, slug)
    event = event_reads.current_event(campaign)
    if event is None:
        raise Http404
    form = RsvpForm(request.POST or None)
    status = 200
    if request.method == "POST":
        seconds = retry_after(request, group="petitions.event_rsvp", rate=RSVP_RATE)
        if seconds:
            return rate_limited(request, seconds=seconds)
        if form.is_bot:
            return redirect("petitions:event_rsvped", **campaign.url_kwargs)
        if form.is_valid():
            try:
                events.rsvp_by_form(
                    event,
                    first_name=form.cleaned_data["first_name"],
                    email=form.cleaned_data["email"],
                    language=get_language() or settings.LANGUAGE_CODE,
                )
            except EventError as exc:
                form.add_error(None, exc.message)
                status = 409
            else:
                # The same page whether this address had RSVPed before or not.
                return redirect("petitions:event_rsvped", **campaign.url_kwargs)
        else:
            status = 400
    context = {
        "campaign": campaign,
        "event": event,
        "open": event_reads.is_open(event),
        "when": event_reads.when_text(event),
        "form": form,
        "count": len(event_reads.coming(event)),
        "show_address": not event.address_private,
    }
    return render(request, "petitions/events/event.html", context, status=status)


@never_cache
@require_GET
def event_rsvped(request, state, slug):
    """'Check your email': the meeting point is never on this page (anyone can type any address)."""
    campaign = campaign_at(state, slug)
    return render(request, "petitions/events/rsvped.html", {"campaign": campaign})


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def rsvp_link(request, token):
    """The invitation's personal link: GET shows a button (mail scanners open links), POST RSVPs."""
    try:
        event, signature = event_reads.invitation_from_link(token)
    except InvitationInvalid:
        return render(request, "petitions/link_invalid.html", {}, status=404)
    problem, done = None, False
    if request.method == "POST":
        try:
            events.rsvp_from_invitation(token)
        except EventError as exc:
            problem = exc.message
        else:
            done = True
    coming = done or event.rsvps.active().filter(signature=signature).exists()
    context = {
        "campaign": event.campaign,
        "event": event,
        "open": event_reads.is_open(event),
        "when": event_reads.when_text(event),
        "first_name": (signature.name.split() or [""])[0],
        "coming": coming,
        "show_address": coming or not event.address_private,
        "problem": problem,
    }
    return render(request, "petitions/events/rsvp.html", context, status=409 if problem else 200)


# One-click unsubscribe (RFC 8058) posts here from the mail client without our CSRF token; the
# token in the URL is the secret, and the action only cancels one RSVP.
@csrf_exempt
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def rsvp_cancel(request, token):
    try:
        rsvp = event_reads.rsvp_from_cancel_link(token)
    except InvitationInvalid:
        return render(request, "petitions/link_invalid.html", {}, status=404)
    if request.method == "POST":
        rsvp = events.cancel_rsvp(token)
    context = {"campaign": rsvp.event.campaign, "rsvp": rsvp}
    return render(request, "petitions/events/rsvp_cancel.html", context)
