"""Events of a campaign that other apps act on (petitions tells signers): campaigns imports nothing
from petitions, it only announces. Sent inside the service's transaction, so a receiver's writes
(an outbox task) commit or roll back with the event."""

from django.dispatch import Signal

# campaign, planned_on (a date)
delivery_planned = Signal()
# campaign, status (CampaignStatus), note
outcome_recorded = Signal()
# A new or renewed 287(g) agreement in a campaign's county: campaign, agency (its name),
# renewed (bool), expires (a date or None), event (unique to that agreement and term, so
# signers hear of it once). The contract import sends it; petitions tells the signers.
agreement_changed = Signal()
