"""Queue the reminder of everyone who RSVPed to a delivery starting in the next 24 hours.

Run it hourly from cron: each RSVP is reminded once (the run that queues a reminder marks it), and
an event moved to another day earns a new one.
"""

from django.core.management.base import BaseCommand

from petitions.events import send_delivery_reminders


class Command(BaseCommand):
    help = "Send the day-before reminder to people who RSVPed to a delivery event (once each)."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Count without sending.")

    def handle(self, *args, dry_run=False, verbosity=1, **options):
        count = send_delivery_reminders(dry_run=dry_run)
        if verbosity >= 1:
            verb = "Would remind" if dry_run else "Reminded"
            self.stdout.write(f"{verb} {count} people of a delivery in the next 24 hours.")
