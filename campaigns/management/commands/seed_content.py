"""Create the sample petition and the leaders' training if they do not exist yet.

Never overwrites what staff have edited in admin; run it on every deploy (idempotent). Two
upgrades: a template still holding the first Spanish wording ("Pongan fin al contrato 287(g) en
Etowah County") gets the second one, and so do unsigned campaigns still showing it; a template on
the second wording ("ask you not to renew, and to end") gets the current one, with each
campaign's own decision makers and ask, and so do unsigned campaigns showing it. A text someone
signed, or one written for its campaign, stays.
"""

from django.core.management.base import BaseCommand
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from campaigns.models import HEAD_ROLES, Campaign, TrainingStep
from campaigns.states import state_name
from campaigns.training_content import STEPS
from petitions import defaults
from petitions.models import PetitionTemplate, PetitionText, PetitionTextStatus, Signature
from petitions.texts import apply_petition_template, render_petition


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
        upgraded = _upgrade_spanish(dry_run=dry_run)
        if upgraded:
            created.append(f"the current Spanish petition on {upgraded} campaigns")
        moved = _upgrade_to_ask(dry_run=dry_run)
        if moved:
            created.append(f"the petition with its own ask on {moved} campaigns")
        for order, step in enumerate(STEPS, start=1):
            if not TrainingStep.objects.filter(slug=step["slug"]).exists():
                created.append(f"training step {step['slug']}")
                if not dry_run:
                    TrainingStep.objects.create(order=order, **step)
        if verbosity >= 1:
            self.stdout.write(
                ("Would create: " if dry_run else "Created: ") + (", ".join(created) or "nothing")
            )


def _previous_spanish(campaign: Campaign) -> tuple[str, str]:
    """The Spanish title and body as the first wording and its placeholders rendered them."""
    targets = list(campaign.targets.all())
    head = next((t for t in targets if t.role in HEAD_ROLES), None)
    offices = sorted({t.office for t in targets if t.role in HEAD_ROLES and t.office})
    values = {
        "county": campaign.name,
        "state": state_name(campaign.state, language="es"),
        "sheriff": head.name
        if head and head.name
        else ("el Sheriff" if campaign.county_id else "la dirección de la agencia"),
        "agency": " y ".join(offices) or campaign.name,
    }
    return (
        defaults.PREVIOUS_TITLE_ES.format_map(values),
        defaults.PREVIOUS_BODY_ES.format_map(values),
    )


def _upgrade_spanish(*, dry_run: bool) -> int:
    """Templates and unsigned campaigns still on the first Spanish wording move to the current."""
    templates = PetitionTemplate.objects.filter(
        title_es=defaults.PREVIOUS_TITLE_ES, body_es=defaults.PREVIOUS_BODY_ES
    )
    if not dry_run:
        templates.update(title_es=defaults.SECOND_TITLE_ES, body_es=defaults.SECOND_BODY_ES)
    template = PetitionTemplate.objects.order_by("-updated_at").first()
    if template is None or (template.title_es, template.body_es) != (
        defaults.SECOND_TITLE_ES,
        defaults.SECOND_BODY_ES,
    ):
        return 0  # staff wrote their own Spanish: theirs to apply
    unsigned = (
        Campaign.objects.filter(~Exists(Signature.objects.filter(campaign=OuterRef("pk"))))
        .select_related("county", "agency")
        .prefetch_related("targets", "petition_texts")
    )
    now = timezone.now()
    new = []
    for campaign in unsigned:
        texts = sorted(campaign.petition_texts.all(), key=lambda t: t.version)
        approved = [t for t in texts if t.status == PetitionTextStatus.APPROVED]
        if not approved or (approved[-1].title_es, approved[-1].body_es) != _previous_spanish(
            campaign
        ):
            continue
        current = approved[-1]
        spanish = render_petition(campaign, template)
        new.append(
            PetitionText(
                campaign=campaign,
                version=texts[-1].version + 1,
                title_en=current.title_en,
                body_en=current.body_en,
                title_es=spanish["title_es"],
                body_es=spanish["body_es"],
                reviewed_at=now,
            )
        )
    if not dry_run:
        PetitionText.objects.bulk_create(new)
    return len(new)


_SECOND = {
    "title_en": defaults.SECOND_TITLE_EN,
    "title_es": defaults.SECOND_TITLE_ES,
    "body_en": defaults.SECOND_BODY_EN,
    "body_es": defaults.SECOND_BODY_ES,
}
_CURRENT = {
    "title_en": defaults.TITLE_EN,
    "title_es": defaults.TITLE_ES,
    "body_en": defaults.BODY_EN,
    "body_es": defaults.BODY_ES,
}


def _upgrade_to_ask(*, dry_run: bool) -> int:
    """A template still holding the second wording (one ask, "residents of" any place) gets the
    current one, which names each campaign's decision makers and ask; unsigned campaigns still
    showing the second wording move with it (apply_petition_template: signed texts never change).
    """
    template = PetitionTemplate.objects.order_by("-updated_at").first()
    if template is None or any(getattr(template, k) != v for k, v in _SECOND.items()):
        return 0
    if dry_run:
        return 0
    for key, value in _CURRENT.items():
        setattr(template, key, value)
    template.save()
    return apply_petition_template(template, previous=PetitionTemplate(**_SECOND))
