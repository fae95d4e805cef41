"""What campaigns announce to the apps built on them (petitions), without knowing who listens."""

from django.dispatch import Signal

# New campaigns exist (the import, or staff adding one by hand): each needs a petition text.
# Sent inside the import's transaction, so a dry run rolls back what receivers wrote too.
campaigns_set_up = Signal()
