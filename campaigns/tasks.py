"""Background work for leaders: emails to staff and leaders, and the daily training reminder run."""

from django.conf import settings
from django.core.mail import EmailMessage
from django.tasks import task
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from .models import Leadership


def _send(template: str, context: dict, to: list[str], language: str = "en") -> None:
    with translation.override(language):
        subject = " ".join(render_to_string(f"{template}_subject.txt", context).split())
        body = render_to_string(f"{template}.txt", context)
    EmailMessage(subject, body, to=to).send()


def _campaign_urls(leadership: Leadership) -> dict:
    campaign = leadership.campaign
    kwargs = {"state": campaign.state.lower(), "slug": campaign.slug}
    return {
        "campaign_url": settings.SITE_URL + campaign.get_absolute_url(),
        "dashboard_url": settings.SITE_URL + reverse("campaigns:dashboard", kwargs=kwargs),
        "training_url": settings.SITE_URL + reverse("campaigns:training", kwargs=kwargs),
        "admin_url": settings.SITE_URL
        + reverse("admin:campaigns_campaign_change", args=[campaign.pk]),
    }


@task
def notify_staff_of_claim(leadership_id: int) -> None:
    """Tell staff a campaign has a new leader, so they can welcome them and watch for abuse."""
    if not settings.STAFF_NOTIFY_EMAILS:
        return
    leadership = Leadership.objects.select_related("campaign", "user").get(pk=leadership_id)
    context = {"leadership": leadership, "campaign": leadership.campaign}
    context.update(_campaign_urls(leadership))
    _send("campaigns/leader/email/staff_claim", context, settings.STAFF_NOTIFY_EMAILS)


@task
def remind_leader_of_training(leadership_id: int) -> None:
    leadership = Leadership.objects.select_related("campaign", "user").get(pk=leadership_id)
    if not leadership.is_active or leadership.training_completed_at:
        return
    deadline = leadership.claimed_at + settings.CLAIM_TRAINING_DEADLINE
    context = {"leadership": leadership, "campaign": leadership.campaign, "deadline": deadline}
    context.update(_campaign_urls(leadership))
    _send("campaigns/leader/email/training_reminder", context, [leadership.user.email])


@task
def notify_leader_of_reopening(leadership_id: int) -> None:
    leadership = Leadership.objects.select_related("campaign", "user").get(pk=leadership_id)
    context = {"leadership": leadership, "campaign": leadership.campaign}
    context.update(_campaign_urls(leadership))
    _send("campaigns/leader/email/claim_reopened", context, [leadership.user.email])


@task
def remind_leaders() -> dict:
    """The scheduled run of `manage.py remind_leaders`."""
    from .services import reopen_stale_claims

    report = reopen_stale_claims()
    return {"reminded": len(report.reminded), "reopened": len(report.reopened)}
