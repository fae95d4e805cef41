"""The petitions services' refusals: each carries the (lazily translated) message a view shows.

One module for all: the services share them (a view catches PetitionError for any of them).
"""

from django.utils.translation import gettext_lazy as _

from campaigns.errors import Refused


class PetitionError(Refused):
    """A petitions refusal (the message handling is campaigns' Refused, shared by both apps)."""


class SigningClosed(PetitionError):
    message = _("This petition is not taking signatures right now.")


class MatchesChanged(PetitionError):
    message = _(
        "The number of matching signatures changed since you counted. Check the new number "
        "and invalidate again."
    )


class SignatureNotActive(PetitionError):
    message = _("This signature was withdrawn or is no longer valid, so it cannot be confirmed.")

    def __init__(self, signature=None):
        super().__init__()
        self.signature = signature


class DeliveryNotReady(PetitionError):
    message = _("The delivery kit opens when the petition reaches its goal.")


class OnlyTheLeaderGathers(PetitionError):
    """Paper sheets and the signing table are the active leader's (campaigns' NotLeading is the
    same refusal for a change of leader)."""

    message = _("Only the campaign's leader can gather signatures for it.")


class NotAttested(PetitionError):
    message = _("Confirm that each person on the sheet signed it in person.")


class SigningTableClosed(PetitionError):
    message = _("The signing table is closed. Open it again from your dashboard to keep going.")


class AlreadyChecked(PetitionError):
    message = _("This signature was already checked.")


class ReasonRequired(PetitionError):
    message = _("A reason is required.")


class EventError(PetitionError):
    """A refusal about a delivery event (a petitions refusal like the others)."""


class EventInPast(EventError):
    message = _("Choose a date and time that has not passed yet.")


class EventNotOpen(EventError):
    message = _("This delivery is cancelled or already happened, so it takes no more RSVPs.")


class InvitationInvalid(EventError):
    message = _("This invitation link does not work (anymore).")
