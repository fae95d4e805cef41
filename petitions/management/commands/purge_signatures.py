"""Remove signers' names and emails from campaigns that ended, or were delivered, more than N days ago.

People at risk signed these lists: once a campaign is won, lost or closed, or its petition handed
over, contact details serve no purpose. Counts, ZIP codes and statuses stay, so numbers and the ZIP
breakdown stay right. Schedule it daily (see the README).
"""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from petitions.events import purge_rsvps
from petitions.retention import purge_signatures


class Command(BaseCommand):
    help = (
        "Blank names and emails of signatures on campaigns closed, or delivered, more than "
        "--days ago."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--days",
            type=int,
            default=settings.PURGE_AFTER_DAYS,
            help=(
                f"Days after the outcome or delivery date (default {settings.PURGE_AFTER_DAYS})."
            ),
        )
        parser.add_argument("--dry-run", action="store_true", help="Report without purging.")

    def handle(self, *args, days, dry_run=False, verbosity=1, **options):
        if days < 0:
            raise CommandError("--days must be zero or more.")
        report = purge_signatures(days=days, dry_run=dry_run)
        # RSVPs to a delivery event keep their address only until shortly after it.
        rsvps = purge_rsvps(dry_run=dry_run)
        verb = "Would purge" if dry_run else "Purged"
        if verbosity >= 2:
            for campaign in report.campaigns:
                ended = campaign.outcome_date or campaign.get_status_display()
                self.stdout.write(f"  {campaign} ({ended})")
        if verbosity >= 1:
            self.stdout.write(
                f"{verb} {report.signatures} signatures in {len(report.campaigns)} campaigns."
            )
            self.stdout.write(f"{verb} the addresses of {rsvps} RSVPs to past delivery events.")
