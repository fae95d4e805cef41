"""Pressing the decision-maker: call and email links with their words, click counts, proposals.

A click is counted per campaign, per kind and per day, and nothing else: no cookie, no address,
no time of day. Leaders propose a target's public contact details; staff approve them.
"""

from dataclasses import dataclass
from urllib.parse import quote

from django.db import IntegrityError, transaction
from django.db.models import F, Sum
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from config.admin_site import acts_as_staff

from . import places
from .models import (
    TARGET_CONTACT_FIELDS,
    Campaign,
    Leadership,
    PressClick,
    PressKind,
    ProposalStatus,
    Target,
    TargetContactProposal,
)


class NotTheirTarget(Exception):
    message = gettext_lazy("This decision-maker is not part of your campaign.")


class NothingProposed(Exception):
    message = gettext_lazy("Fill in at least one contact detail.")


def _place(campaign: Campaign, language: str) -> str:
    return places.campaign_place(campaign, language)


def _who(target: Target, language: str) -> str:
    """Who the words address: the person, else their office (in Spanish, named in Spanish)."""
    return target.name or places.agency_name(target.office, language) or target.get_role_display()


def _articles(text: str, language: str) -> str:
    return places.contract_articles(text) if language.startswith("es") else text


def call_script(target: Target, language: str) -> str:
    """What to say on the phone, short enough to read aloud."""
    campaign = target.campaign
    with translation.override(language):
        script = _(
            "Hello, my name is ___ and I live in {place}. I am calling to ask {who} not to renew "
            "the 287(g) agreement with ICE. It turns local officers into immigration agents and "
            "breaks trust between our neighbors and the police. Will you pass on my message? "
            "Thank you."
        ).format(place=_place(campaign, language), who=_who(target, language))
    return _articles(script, language)


def email_words(target: Target, language: str) -> tuple[str, str]:
    """The subject and body of the email to a target; the sender adds their name."""
    campaign = target.campaign
    with translation.override(language):
        subject = _("Please do not renew the 287(g) agreement in {place}").format(
            place=_place(campaign, language)
        )
        body = _(
            "Dear {who},\n\nI live in {place}, and I ask you not to renew the 287(g) agreement "
            "with ICE. Under 287(g), local officers act as immigration agents: people are "
            "questioned about their status and held for ICE, and our neighbors become afraid to "
            "call the police. Please end the agreement.\n\nSincerely,\n"
        ).format(place=_place(campaign, language), who=_who(target, language))
    return _articles(subject, language), _articles(body, language)


def press_href(target: Target, kind: str, language: str) -> str:
    """The tel: or mailto: address a "Call" or "Email" click ends at ("" when it is unknown)."""
    if kind == PressKind.CALL and target.phone:
        digits = "".join(c for c in target.phone if c.isdigit() or c == "+")
        return f"tel:{digits}"
    if kind == PressKind.EMAIL and target.email:
        subject, body = email_words(target, language)
        return f"mailto:{quote(target.email, safe='@')}?subject={quote(subject)}&body={quote(body)}"
    return ""


@dataclass
class PressTarget:
    """A target as the campaign page's press block shows it."""

    target: Target
    call_script: str
    call_script_en: str  # read aloud to an office that answers in English
    upcoming_meeting: bool


def press_targets(campaign: Campaign, language: str) -> list[PressTarget]:
    today = timezone.localdate()
    return [
        PressTarget(
            target=target,
            call_script=call_script(target, language) if target.phone else "",
            call_script_en=call_script(target, "en") if target.phone and language != "en" else "",
            upcoming_meeting=bool(target.meeting_next and target.meeting_next >= today),
        )
        for target in campaign.targets.all()
    ]


def count_press_click(campaign: Campaign, *, kind: str) -> None:
    """Add one to today's count of this kind for the campaign (a row a day, made on first click).

    The increment is one UPDATE with F(): concurrent clicks add up in the database, none is lost.
    """
    rows = PressClick.objects.filter(campaign=campaign, kind=kind, day=timezone.localdate())
    if rows.update(count=F("count") + 1):
        return
    try:
        with transaction.atomic():
            PressClick.objects.create(
                campaign=campaign, kind=kind, day=timezone.localdate(), count=1
            )
    except IntegrityError:
        # Another click made today's row first: add to it.
        rows.update(count=F("count") + 1)


def press_totals(campaign: Campaign) -> dict[str, int]:
    """Clicks on "Call" and "Email" since the campaign began, by kind."""
    rows = campaign.press_clicks.values("kind").annotate(n=Sum("count")).order_by()
    totals = dict.fromkeys(PressKind.values, 0)
    totals.update({row["kind"]: row["n"] for row in rows})
    return totals


def propose_target_contact(
    leadership: Leadership, *, target: Target, note: str = "", by=None, **details
) -> TargetContactProposal:
    """A leader proposes a target's public contact details; nothing shows until staff approve."""
    if target.campaign_id != leadership.campaign_id:
        raise NotTheirTarget
    values = {field: details.get(field) or "" for field in TARGET_CONTACT_FIELDS}
    values["meeting_next"] = details.get("meeting_next") or None
    if not any(values.values()):
        raise NothingProposed
    return TargetContactProposal.objects.create(
        target=target, proposed_by=by or leadership.user, note=note, **values
    )


@transaction.atomic
def approve_target_contact(proposal: TargetContactProposal, *, user) -> bool:
    """Staff approve a proposal: each detail it gives is copied onto the target."""
    if not acts_as_staff(user):
        return False
    proposal = TargetContactProposal.objects.select_for_update().get(pk=proposal.pk)
    if proposal.status != ProposalStatus.PROPOSED:
        return False
    target = Target.objects.select_for_update().get(pk=proposal.target_id)
    changed = [field for field in TARGET_CONTACT_FIELDS if getattr(proposal, field)]
    for field in changed:
        setattr(target, field, getattr(proposal, field))
    target.save(update_fields=changed)
    proposal.status = ProposalStatus.APPROVED
    proposal.reviewed_by = user
    proposal.reviewed_at = timezone.now()
    proposal.save(update_fields=["status", "reviewed_by", "reviewed_at"])
    return True


@transaction.atomic
def reject_target_contact(proposal: TargetContactProposal, *, user) -> bool:
    if not acts_as_staff(user):
        return False
    proposal = TargetContactProposal.objects.select_for_update().get(pk=proposal.pk)
    if proposal.status != ProposalStatus.PROPOSED:
        return False
    proposal.status = ProposalStatus.REJECTED
    proposal.reviewed_by = user
    proposal.reviewed_at = timezone.now()
    proposal.save(update_fields=["status", "reviewed_by", "reviewed_at"])
    return True
