"""What campaigns announce to the apps built on them (petitions), without knowing who listens."""

from django.dispatch import Signal

# New campaigns exist (the import, or staff adding one by hand): each needs a petition text.
# Sent inside the import's transaction, so a dry run rolls back what receivers wrote too.
campaigns_set_up = Signal()

# The leader set a delivery date: campaign, planned_on (a date). Petitions tells the signers who
# asked for updates, once the goal is reached.
delivery_planned = Signal()
# Staff recorded what happened: campaign, status (CampaignStatus), note.
outcome_recorded = Signal()
# A new or renewed 287(g) agreement in a campaign's county: campaign, agency (its name),
# renewed (bool), expires (a date or None), event (unique to that agreement and term, so
# signers hear of it once). The contract import sends it; petitions tells the signers.
agreement_changed = Signal()

# Campaigns whose head target no longer fits their agency (a city police department placed after
# its campaign was made, still addressed to a generic "head of agency"): campaign_ids. Sent inside
# the import's transaction; petitions retargets the unsigned ones (retarget_campaigns) and moves
# their sample text along; a signed campaign keeps its target and its text.
targets_outdated = Signal()
