"""Recompute every campaign's stored tally from its signature rows and report the drift fixed.

Visitors, lists and the map read the stored tallies, refreshed from the rows by a task a few
seconds after each change. Run nightly: if a refresh was ever missed, this finds and fixes it, and
emails STAFF_NOTIFY_EMAILS so someone looks at why.
"""

from django.conf import settings
from django.core.management.base import BaseCommand

from campaigns.models import Campaign
from petitions.counting import refresh_tallies
from petitions.tasks import tell_staff_of_drift

BATCH = 500


class Command(BaseCommand):
    help = "Recompute every campaign's signature tally and report any drift it fixed."

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="Report drift without fixing it."
        )

    def handle(self, *args, dry_run=False, verbosity=1, **options):
        ids = list(Campaign.objects.order_by("pk").values_list("pk", flat=True))
        drift = []
        for start in range(0, len(ids), BATCH):
            campaigns = Campaign.objects.filter(pk__in=ids[start : start + BATCH])
            drift += refresh_tallies(campaigns, dry_run=dry_run)
        verb = "would fix" if dry_run else "fixed"
        for d in drift:
            if verbosity >= 1:
                self.stdout.write(f"Drift {verb}: {d.describe()}")
        if verbosity >= 1:
            self.stdout.write(f"Recounted {len(ids)} campaigns; drift {verb} in {len(drift)}.")
        if drift and not dry_run and settings.STAFF_NOTIFY_EMAILS:
            # Queued, so a mail outage neither fails the recount nor loses the report.
            tell_staff_of_drift.enqueue(drift=[d.describe() for d in drift])
