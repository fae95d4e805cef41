"""The leader's updates to signers: write one for staff to approve, see how many each reached."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from campaigns.views.decorators import leader_required

from .. import updates
from ..forms import CampaignUpdateForm
from ..models import CampaignUpdate, Signature, UpdateStatus


@require_http_methods(["GET", "HEAD", "POST"])
@leader_required(staff_too=True)
def campaign_updates(request, campaign, leadership):
    form = CampaignUpdateForm(request.POST or None)
    if request.method == "POST" and leadership is not None and form.is_valid():
        try:
            update = updates.write_update(campaign, author=request.user, **form.cleaned_data)
        except updates.UpdateRefused as exc:
            form.add_error(None, exc.message)
        else:
            if update.status == UpdateStatus.PENDING:
                messages.success(request, _("Thank you. Staff will review your update soon."))
            else:
                messages.success(request, _("Your update is on its way to your signers."))
            return redirect(request.path)
    return render(
        request,
        "petitions/updates/leader.html",
        {
            "campaign": campaign,
            "leadership": leadership,
            "form": form,
            "next_allowed": updates.next_update_allowed(campaign),
            "audience": Signature.objects.wanting_updates(campaign.pk).count(),
            "updates": CampaignUpdate.objects.filter(campaign=campaign).order_by("-created_at"),
        },
        status=400 if request.method == "POST" else 200,
    )
