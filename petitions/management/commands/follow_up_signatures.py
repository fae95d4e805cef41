"""Sweep new online signatures now: flag possible repeats and queue their confirmation emails.

Signing queues this sweep itself (once a second while people sign), so it normally finds nothing.
Run it every few minutes from the scheduler as a safety net: a signature whose sweep was lost
(a server stopped between the insert and queuing the sweep) gets its email a few minutes late
instead of waiting for the next signer.
"""

import time

from django.core.management.base import BaseCommand

from petitions.tasks import follow_up_new_signatures


class Command(BaseCommand):
    help = "Queue the confirmation emails of new online signatures still waiting for them."

    def handle(self, *args, verbosity=1, **options):
        started = time.monotonic()
        done = follow_up_new_signatures.call()
        if verbosity >= 1:
            seconds = time.monotonic() - started
            self.stdout.write(f"Followed up {done} new signature(s) in {seconds:.2f} s.")
