"""Create the sample petition and the leaders' training if they do not exist yet.

Never overwrites what staff have edited in admin; run it on every deploy (idempotent).
"""

from django.core.management.base import BaseCommand
from django.db import transaction

from campaigns.models import TrainingStep
from campaigns.training_content import STEPS
from petitions import defaults
from petitions.models import PetitionTemplate


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true")

    @transaction.atomic
    def handle(self, dry_run=False, verbosity=1, **options):
        created = []
        if not PetitionTemplate.objects.exists():
            created.append("sample petition")
            if not dry_run:
                PetitionTemplate.objects.create(
                    title_en=defaults.TITLE_EN,
                    title_es=defaults.TITLE_ES,
                    body_en=defaults.BODY_EN,
                    body_es=defaults.BODY_ES,
                )
        for order, step in enumerate(STEPS, start=1):
            if not TrainingStep.objects.filter(slug=step["slug"]).exists():
                created.append(f"training step {step['slug']}")
                if not dry_run:
                    TrainingStep.objects.create(order=order, **step)
        if verbosity >= 1:
            self.stdout.write(
                ("Would create: " if dry_run else "Created: ") + (", ".join(created) or "nothing")
            )
