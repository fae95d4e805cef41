"""The base of every refusal a service raises: a rule said no, and the person who tried is told why.

Each app's refusals build on Refused (petitions' through PetitionError), so the message handling
is written once and a view shows `exc.message` whatever the refusal.
"""

from django.utils.translation import gettext_lazy as _


class Refused(Exception):
    """A refusal with the (lazily translated) message a page shows; a subclass names its default."""

    message = _("Something went wrong.")

    def __init__(self, message=None):
        if message is not None:
            self.message = message
        super().__init__(str(self.message))
