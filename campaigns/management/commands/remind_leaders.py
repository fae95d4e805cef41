"""Remind leaders who have not finished the training, and reopen campaigns whose claim went nowhere.

A claim must not block a county forever: after half of CLAIM_TRAINING_DEADLINE the leader gets one
reminder; after the full deadline (and at least half of it after the reminder) the leadership ends
as "training not finished in time" and the campaign needs a leader again. Run it daily; running it
twice changes nothing more.
"""

from django.core.management.base import BaseCommand

from campaigns.services import reopen_stale_claims


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="Say what would happen; change nothing."
        )

    def handle(self, *args, dry_run=False, verbosity=1, **options):
        report = reopen_stale_claims(dry_run=dry_run)
        if verbosity >= 1:
            prefix = "Would remind" if dry_run else "Reminded"
            self.stdout.write(f"{prefix} {len(report.reminded)} leader(s).")
            prefix = "Would reopen" if dry_run else "Reopened"
            self.stdout.write(f"{prefix} {len(report.reopened)} campaign(s).")
        if verbosity >= 2:
            for leadership_id in report.reminded:
                self.stdout.write(f"  reminded leadership #{leadership_id}")
            for leadership_id in report.reopened:
                self.stdout.write(f"  reopened after leadership #{leadership_id}")
