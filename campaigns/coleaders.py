"""Co-leaders: the leader invites up to two people by email to share the campaign office.

Only the lead leader invites, removes, hands the campaign on to a co-leader or steps down; a
co-leader uses the dashboard and the tools through the one leader check (Leadership.objects.of_team)
and may step down. Each write locks the campaign row, as every change of leader does, so two
invitations sent at once cannot both take the last seat; the database's seat constraint is the
final guard for co-leaders themselves.
"""

from datetime import timedelta

from allauth.account.models import EmailAddress
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from config.outbox import enqueue_with_transaction

from .models import (
    CO_LEADER_SEATS,
    Campaign,
    CoLeaderInvitation,
    CoLeadership,
    CoLeadershipEnd,
    Leadership,
    LeadershipEnd,
)
from .services import (
    CampaignTaken,
    LeaderChangeRefused,
    NotLeading,
    check_leader_limit,
    end_leadership,
)
from .tasks import notify_staff_of_claim, send_co_leader_invitation

INVITATION_DAYS = 7


class InvitationsFull(LeaderChangeRefused):
    message = _(
        "A campaign has at most two co-leaders, counting invitations still waiting. Remove one "
        "or cancel an invitation first."
    )


class AlreadyOnTeam(LeaderChangeRefused):
    message = _("This person already helps lead this campaign.")


class AlreadyInvited(LeaderChangeRefused):
    message = _("An invitation to this address is already waiting.")


class InvitationInvalid(LeaderChangeRefused):
    message = _(
        "This invitation cannot be used: it has expired, was already used or cancelled, or was "
        "sent to another email address. Log in with the address it was sent to, or ask the "
        "leader for a new one."
    )


def invitation_for(token: str) -> CoLeaderInvitation | None:
    return CoLeaderInvitation.objects.select_related(
        "leadership__campaign__county", "leadership__campaign__agency"
    ).by_token(token)


def _holds_address(user, email: str) -> bool:
    """The person logged in owns `email`: it is their login, verified (allauth's record)."""
    return (
        user.is_authenticated
        and user.email.lower() == email.lower()
        and EmailAddress.objects.filter(user=user, email__iexact=email, verified=True).exists()
    )


def usable_invitation(token: str, user, *, now=None) -> CoLeaderInvitation:
    """The invitation `user` may accept with this link, or InvitationInvalid: pending, for their
    own verified address, from a leader still leading. The same answer for every failure, so a
    forwarded link tells a stranger nothing."""
    invitation = invitation_for(token)
    if (
        invitation is None
        or not CoLeaderInvitation.objects.pending(now=now).filter(pk=invitation.pk).exists()
        or not invitation.leadership.is_active
        or not _holds_address(user, invitation.email)
    ):
        raise InvitationInvalid
    return invitation


def _lock_lead_term(campaign: Campaign, user) -> Leadership:
    """The campaign locked, and `user`'s own active lead term on it (a co-leader has none)."""
    locked = Campaign.objects.select_for_update().get(pk=campaign.pk)
    leadership = locked.leaderships.active().filter(user=user).first()
    if leadership is None:
        raise NotLeading
    return leadership


def _seats_taken(leadership: Leadership, *, now) -> int:
    return (
        leadership.co_leaderships.active().count()
        + leadership.co_leader_invitations.pending(now=now).count()
    )


def invite_co_leader(campaign: Campaign, *, by, email: str, language: str) -> CoLeaderInvitation:
    """The lead leader invites `email`; the invitation email goes out after commit."""
    now = timezone.now()
    email = email.strip()
    with transaction.atomic():
        leadership = _lock_lead_term(campaign, by)
        team = [by.email, *leadership.co_leaderships.active().values_list("user__email", flat=True)]
        if email.lower() in {address.lower() for address in team}:
            raise AlreadyOnTeam
        pending = leadership.co_leader_invitations.pending(now=now)
        if pending.filter(email__iexact=email).exists():
            raise AlreadyInvited
        if _seats_taken(leadership, now=now) >= CO_LEADER_SEATS:
            raise InvitationsFull
        invitation = CoLeaderInvitation.objects.create(
            leadership=leadership,
            email=email,
            language=language,
            created_at=now,
            expires_at=now + timedelta(days=INVITATION_DAYS),
        )
        enqueue_with_transaction(send_co_leader_invitation, invitation_id=invitation.pk)
    return invitation


def cancel_invitation(campaign: Campaign, *, by, invitation_id: int) -> bool:
    """The lead leader withdraws an invitation still waiting; False when there was none."""
    with transaction.atomic():
        leadership = _lock_lead_term(campaign, by)
        return bool(
            leadership.co_leader_invitations.pending()
            .filter(pk=invitation_id)
            .update(cancelled_at=timezone.now())
        )


def accept_invitation(
    token: str, user, *, public_name: str, language: str | None = None
) -> CoLeadership:
    """The invited person, logged in with the invited address, joins the campaign office.

    Once: the invitation is locked and must still be pending; the campaign is locked so the seat
    count is read after any other change of its team; a seat the database already holds refuses.
    """
    now = timezone.now()
    invitation = usable_invitation(token, user, now=now)
    try:
        with transaction.atomic():
            campaign = invitation.leadership.campaign
            Campaign.objects.select_for_update().get(pk=campaign.pk)
            invitation = CoLeaderInvitation.objects.select_for_update().get(pk=invitation.pk)
            usable_invitation(token, user, now=now)  # again, under the locks
            leadership = invitation.leadership
            if leadership.user_id == user.pk or (
                leadership.co_leaderships.active().filter(user=user).exists()
            ):
                raise AlreadyOnTeam
            taken = set(leadership.co_leaderships.active().values_list("seat", flat=True))
            free = [seat for seat in range(1, CO_LEADER_SEATS + 1) if seat not in taken]
            if not free:
                raise InvitationsFull
            co_leadership = CoLeadership.objects.create(
                leadership=leadership,
                user=user,
                public_name=public_name.strip(),
                seat=free[0],
                started_at=now,
            )
            invitation.accepted_at = now
            invitation.co_leadership = co_leadership
            invitation.save(update_fields=["accepted_at", "co_leadership"])
            if language and language != user.language:
                # Their campaign's emails come in the language they joined it in, as for a claim.
                user.language = language
                user.save(update_fields=["language"])
    except IntegrityError as exc:
        raise InvitationsFull from exc
    return co_leadership


def _end(co_leadership: CoLeadership, *, reason: str, by, now=None) -> None:
    co_leadership.ended_at = now or timezone.now()
    co_leadership.ended_by = by
    co_leadership.end_reason = reason
    co_leadership.save(update_fields=["ended_at", "ended_by", "end_reason"])


def remove_co_leader(campaign: Campaign, *, by, co_leadership_id: int) -> CoLeadership:
    """The lead leader ends a co-leader's place; their next page is a 404."""
    with transaction.atomic():
        leadership = _lock_lead_term(campaign, by)
        co_leadership = leadership.co_leaderships.active().filter(pk=co_leadership_id).first()
        if co_leadership is None:
            raise NotLeading(_("This person is not a co-leader of this campaign."))
        _end(co_leadership, reason=CoLeadershipEnd.REMOVED, by=by)
    return co_leadership


def step_down_as_co_leader(campaign: Campaign, user) -> CoLeadership:
    """A co-leader leaves; the leader and the campaign carry on."""
    with transaction.atomic():
        Campaign.objects.select_for_update().get(pk=campaign.pk)
        co_leadership = (
            CoLeadership.objects.active()
            .filter(user=user, leadership__campaign=campaign, leadership__ended_at__isnull=True)
            .first()
        )
        if co_leadership is None:
            raise NotLeading(_("You are not a co-leader of this campaign."))
        _end(co_leadership, reason=CoLeadershipEnd.STEPPED_DOWN, by=user)
    return co_leadership


def hand_over(campaign: Campaign, *, by, co_leadership_id: int) -> Leadership:
    """The lead leader hands the campaign to one of their co-leaders, who becomes the leader.

    The campaign stays led: the old term ends as handed over, a new one starts for the co-leader
    (with its own training clock, and the limit on campaigns one person may lead); any other
    co-leader keeps their seat on the new term. Staff are told, as for a claim.
    """
    now = timezone.now()
    try:
        with transaction.atomic():
            leadership = _lock_lead_term(campaign, by)
            chosen = leadership.co_leaderships.active().filter(pk=co_leadership_id).first()
            if chosen is None:
                raise NotLeading(_("This person is not a co-leader of this campaign."))
            check_leader_limit(chosen.user)
            staying = list(leadership.co_leaderships.active().exclude(pk=chosen.pk))
            _end(chosen, reason=CoLeadershipEnd.BECAME_LEADER, by=by, now=now)
            end_leadership(leadership, reason=LeadershipEnd.HANDED_OVER, by=by, now=now)
            new_term = Leadership.objects.create(
                campaign=leadership.campaign,
                user=chosen.user,
                public_name=chosen.public_name,
                claimed_at=now,
                shared_at=leadership.shared_at,
                delivery_planned_on=leadership.delivery_planned_on,
            )
            for seat, co_leadership in enumerate(staying, start=1):
                CoLeadership.objects.create(
                    leadership=new_term,
                    user=co_leadership.user,
                    public_name=co_leadership.public_name,
                    seat=seat,
                    started_at=co_leadership.started_at,
                )
            enqueue_with_transaction(notify_staff_of_claim, leadership_id=new_term.pk)
    except IntegrityError as exc:
        raise CampaignTaken from exc
    return new_term


def co_leadership_of(campaign: Campaign, user) -> CoLeadership | None:
    """`user`'s active place as a co-leader of the campaign's current leader, if any."""
    if not getattr(user, "pk", None):
        return None
    return (
        CoLeadership.objects.active()
        .filter(user=user, leadership__campaign=campaign, leadership__ended_at__isnull=True)
        .first()
    )


def team(leadership: Leadership) -> dict:
    """What the dashboard's co-leader block shows: the co-leaders, invitations still waiting and
    how many seats are left."""
    now = timezone.now()
    co_leaders = list(leadership.co_leaderships.active())
    pending = list(leadership.co_leader_invitations.pending(now=now).order_by("created_at"))
    return {
        "co_leaders": co_leaders,
        "invitations": pending,
        "seats_left": max(0, CO_LEADER_SEATS - len(co_leaders) - len(pending)),
    }
