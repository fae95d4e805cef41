"""The leader's team: inviting co-leaders, the invitation link, removing one, handing the campaign
to one, a co-leader stepping down. Inviting, removing and handing over are the lead leader's alone; the invitation page answers the same to
everyone the invitation is not for."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from accounts.adapter import site_language

from .. import coleaders
from ..forms import CoLeaderInviteForm, CommitmentForm
from ..services import LeaderChangeRefused
from .decorators import leader_required


def _dashboard(campaign):
    return redirect(reverse("campaigns:dashboard", kwargs=campaign.url_kwargs) + "#team-title")


@require_POST
@leader_required(lead_only=True)
def invite(request, campaign, leadership):
    form = CoLeaderInviteForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Enter the email address of the person to invite."))
        return _dashboard(campaign)
    try:
        coleaders.invite_co_leader(
            campaign,
            by=request.user,
            email=form.cleaned_data["email"],
            language=form.cleaned_data["language"],
        )
    except LeaderChangeRefused as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            _("Invitation sent to %(email)s. The link works for 7 days.")
            % {"email": form.cleaned_data["email"]},
        )
    return _dashboard(campaign)


@require_POST
@leader_required(lead_only=True)
def cancel_invitation(request, campaign, leadership, invitation_id):
    if coleaders.cancel_invitation(campaign, by=request.user, invitation_id=invitation_id):
        messages.success(request, _("Invitation cancelled: its link no longer works."))
    return _dashboard(campaign)


@require_POST
@leader_required(lead_only=True)
def remove(request, campaign, leadership, co_leadership_id):
    try:
        removed = coleaders.remove_co_leader(
            campaign, by=request.user, co_leadership_id=co_leadership_id
        )
    except LeaderChangeRefused as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            _("%(name)s is no longer a co-leader of this campaign.")
            % {"name": removed.public_name},
        )
    return _dashboard(campaign)


@leader_required(lead_only=True)
def hand_over(request, campaign, leadership, co_leadership_id):
    """The lead leader makes a co-leader the leader (asked once more, then done)."""
    co_leadership = leadership.co_leaderships.active().filter(pk=co_leadership_id).first()
    if co_leadership is None:
        raise Http404
    if request.method == "POST":
        try:
            coleaders.hand_over(campaign, by=request.user, co_leadership_id=co_leadership.pk)
        except LeaderChangeRefused as exc:
            messages.error(request, exc.message)
            return _dashboard(campaign)
        messages.success(
            request,
            _("%(name)s now leads the campaign. Thank you for your work.")
            % {"name": co_leadership.public_name},
        )
        return redirect("campaigns:my_campaigns")
    return render(
        request,
        "campaigns/leader/hand_over.html",
        {"campaign": campaign, "co_leadership": co_leadership},
    )


@leader_required()
def step_down(request, campaign, leadership):
    """A co-leader leaves (the lead leader's own page is campaigns:step_down)."""
    if coleaders.co_leadership_of(campaign, request.user) is None:
        raise Http404
    if request.method == "POST":
        try:
            coleaders.step_down_as_co_leader(campaign, request.user)
        except LeaderChangeRefused as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("You are no longer a co-leader. Thank you for your work."))
        return redirect("campaigns:my_campaigns")
    return render(request, "campaigns/leader/co_leader_step_down.html", {"campaign": campaign})


@never_cache
def accept(request, token):
    """The emailed link: log in (or sign up, coming back here) with the invited address, then
    commit as every leader does and choose a public name."""
    if not request.user.is_authenticated:
        query = urlencode({"next": request.get_full_path()})
        return redirect(f"{reverse('account_signup')}?{query}")
    try:
        invitation = coleaders.usable_invitation(token, request.user)
    except LeaderChangeRefused as exc:
        return render(
            request,
            "campaigns/leader/invitation_invalid.html",
            {"message": exc.message},
            status=404,
        )
    campaign = invitation.leadership.campaign
    form = CommitmentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            coleaders.accept_invitation(
                token,
                request.user,
                public_name=form.cleaned_data["public_name"],
                language=site_language(),
            )
        except LeaderChangeRefused as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("You are now a co-leader of this campaign. Welcome!"))
            return redirect("campaigns:dashboard", **campaign.url_kwargs)
    return render(
        request,
        "campaigns/leader/accept_co_lead.html",
        {"campaign": campaign, "invitation": invitation, "form": form},
        status=400 if form.errors else 200,
    )
