"""Background work for leaders: emails to staff and leaders, and the daily training reminder run."""

from collections import defaultdict
from datetime import date

from django.conf import settings
from django.core.mail import EmailMessage
from django.tasks import task
from django.urls import reverse
from django.utils import translation

from config.mail import render_email, send_or_retry

from .models import CoLeaderInvitation, Contract, Leadership


def _send(template: str, leadership: Leadership, to: list[str], task_obj, attempt: int, **extra):
    """Render in one language (whatever the worker has active) and send, retried when mail is down."""
    # The leader's language for their own emails; staff notices in the site's default.
    language = leadership.user.language if to == [leadership.user.email] else "en"
    with translation.override(language):  # the links in that language too (/es/…)
        context = {"leadership": leadership, "campaign": leadership.campaign, **extra}
        context.update(_campaign_urls(leadership))
    subject, body = render_email(template, language, context)
    return send_or_retry(
        EmailMessage(subject, body, to=to), task_obj, attempt, leadership_id=leadership.pk
    )


def _campaign_urls(leadership: Leadership) -> dict:
    campaign = leadership.campaign
    kwargs = campaign.url_kwargs
    return {
        "campaign_url": settings.SITE_URL + campaign.get_absolute_url(),
        "dashboard_url": settings.SITE_URL + reverse("campaigns:dashboard", kwargs=kwargs),
        "training_url": settings.SITE_URL + reverse("campaigns:training", kwargs=kwargs),
        "admin_url": settings.SITE_URL
        + reverse("admin:campaigns_campaign_change", args=[campaign.pk]),
    }


@task
def notify_staff_of_claim(leadership_id: int, attempt: int = 1) -> None:
    """Tell staff a campaign has a new leader, so they can welcome them and watch for abuse."""
    if not settings.STAFF_NOTIFY_EMAILS:
        return
    leadership = Leadership.objects.select_related("campaign", "user").get(pk=leadership_id)
    _send(
        "campaigns/leader/email/staff_claim",
        leadership,
        settings.STAFF_NOTIFY_EMAILS,
        notify_staff_of_claim,
        attempt,
    )


@task
def remind_leader_of_training(leadership_id: int, attempt: int = 1) -> None:
    leadership = Leadership.objects.select_related("campaign", "user").get(pk=leadership_id)
    if not leadership.is_active or leadership.training_completed_at:
        return
    _send(
        "campaigns/leader/email/training_reminder",
        leadership,
        [leadership.user.email],
        remind_leader_of_training,
        attempt,
        deadline=leadership.training_deadline,
    )


@task
def notify_leader_of_reopening(leadership_id: int, attempt: int = 1) -> None:
    leadership = Leadership.objects.select_related("campaign", "user").get(pk=leadership_id)
    _send(
        "campaigns/leader/email/claim_reopened",
        leadership,
        [leadership.user.email],
        notify_leader_of_reopening,
        attempt,
    )


@task
def send_co_leader_invitation(invitation_id: int, attempt: int = 1) -> None:
    """The invitation to co-lead, in the language the leader chose, with its one-time link."""
    invitation = (
        CoLeaderInvitation.objects.pending()
        .select_related("leadership__campaign", "leadership__user")
        .filter(pk=invitation_id)
        .first()
    )
    if invitation is None:  # cancelled or expired before the worker got to it
        return
    leadership = invitation.leadership
    with translation.override(invitation.language):
        accept_url = settings.SITE_URL + reverse(
            "campaigns:accept_co_lead", kwargs={"token": invitation.token}
        )
    subject, body = render_email(
        "campaigns/leader/email/co_leader_invitation",
        invitation.language,
        {
            "leadership": leadership,
            "campaign": leadership.campaign,
            "invitation": invitation,
            "accept_url": accept_url,
        },
    )
    send_or_retry(
        EmailMessage(subject, body, to=[invitation.email]),
        send_co_leader_invitation,
        attempt,
        invitation_id=invitation_id,
    )


def notify_leader_of_list_changes(
    leadership_id: int,
    listed_on: str,
    new_ids: list[int],
    unlisted_ids: list[int],
    changed_ids: list[int],
    attempt: int = 1,
) -> bool:
    """A newer ICE list touched the leader's campaign: new agreements (theirs or in their
    county), agreements no longer on the list, agreements whose model changed. One email."""
    leadership = (
        Leadership.objects.select_related("campaign", "user").filter(pk=leadership_id).first()
    )
    if leadership is None or not leadership.is_active:
        return False
    day = date.fromisoformat(listed_on)
    contracts = Contract.objects.select_related("agency").order_by("agency__name", "model")
    changed = list(contracts.filter(pk__in=changed_ids))
    before = defaultdict(list)
    for old in contracts.filter(agency_id__in={c.agency_id for c in changed}, unlisted_since=day):
        before[old.agency_id].append(old)
    language = leadership.user.language
    with translation.override(language):
        context = {
            "leadership": leadership,
            "campaign": leadership.campaign,
            "listed_on": day,
            "new": list(contracts.filter(pk__in=new_ids)),
            "unlisted": list(contracts.filter(pk__in=unlisted_ids)),
            "changed": [(c, before[c.agency_id]) for c in changed],
            **_campaign_urls(leadership),
        }
    subject, body = render_email("campaigns/leader/email/list_changes", language, context)
    return send_or_retry(
        EmailMessage(subject, body, to=[leadership.user.email]),
        notify_leader_of_list_changes,
        attempt,
        leadership_id=leadership_id,
        listed_on=listed_on,
        new_ids=new_ids,
        unlisted_ids=unlisted_ids,
        changed_ids=changed_ids,
    )
