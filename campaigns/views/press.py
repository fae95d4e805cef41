"""Pressing the decision-maker: the counted "Call" and "Email" links, a leader's proposed details."""

from django.contrib import messages
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from .. import press
from ..forms import TargetContactForm
from ..models import Campaign, PressKind, ProposalStatus, Target, TargetContactProposal
from .decorators import leader_required


class PhoneOrMailRedirect(HttpResponseRedirect):
    # Django refuses other schemes by default; these two open the phone's dialer or mail app.
    allowed_schemes = ["tel", "mailto"]


@never_cache
@require_GET
def press_click(request, state, slug, target_id, kind):
    """Count one click of this kind for the campaign, then hand over to the dialer or mail app.

    Nothing about the visitor is read or kept: no cookie is set, no address or time is stored.
    """
    if kind not in PressKind.values:
        raise Http404
    target = get_object_or_404(
        Target.objects.select_related("campaign"),
        pk=target_id,
        campaign__state=state.upper(),
        campaign__slug=slug,
    )
    href = press.press_href(target, kind, get_language())
    if not href:
        raise Http404
    press.count_press_click(target.campaign, kind=kind)
    return PhoneOrMailRedirect(href)


def press_dashboard_context(campaign: Campaign) -> dict:
    """The dashboard's press block: the targets, proposals waiting, calls and emails counted."""
    return {
        "press_targets": list(campaign.targets.all()),
        "press_totals": press.press_totals(campaign),
        "contact_proposals": TargetContactProposal.objects.filter(
            target__campaign=campaign, status=ProposalStatus.PROPOSED
        ).count(),
    }


@leader_required(staff_too=True)
def propose_contact(request, campaign, leadership, target_id):
    target = get_object_or_404(campaign.targets, pk=target_id)
    if leadership is None:  # staff edit the target in the admin
        return redirect("admin:campaigns_target_change", target.pk)
    initial = {field: getattr(target, field) for field in press.TARGET_CONTACT_FIELDS}
    form = TargetContactForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            press.propose_target_contact(
                leadership, target=target, by=request.user, **form.cleaned_data
            )
        except press.NothingProposed as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(
                request, _("Thank you. Staff will check the details and put them on the page.")
            )
            return redirect("campaigns:dashboard", **campaign.url_kwargs)
    return render(
        request,
        "campaigns/leader/propose_contact.html",
        {"campaign": campaign, "target": target, "form": form},
        status=400 if form.errors else 200,
    )
