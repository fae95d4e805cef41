"""Petition texts: rendering the national template for each campaign, and versioning changes."""

from django.db import transaction
from django.db.models import Max

from campaigns.models import Campaign, TargetRole

from . import defaults
from .models import PetitionTemplate, PetitionText, PetitionTextStatus


class _Blank(dict):
    def __missing__(self, key):
        return "{" + key + "}"


def petition_placeholders(campaign: Campaign, language: str) -> dict[str, str]:
    targets = list(campaign.targets.all())
    head = next(
        (t for t in targets if t.role in (TargetRole.SHERIFF, TargetRole.AGENCY_HEAD)), None
    )
    agencies = sorted({t.office for t in targets if t.role != TargetRole.OFFICIAL and t.office})
    if language == "es":
        sheriff_default = "el Sheriff" if campaign.county_id else "la dirección de la agencia"
        joiner = " y "
    else:
        sheriff_default = "the Sheriff" if campaign.county_id else "the head of the agency"
        joiner = " and "
    return _Blank(
        county=campaign.name,
        state=campaign.state_name,
        sheriff=(head.name if head and head.name else sheriff_default),
        agency=joiner.join(agencies) or campaign.name,
    )


def render_petition(campaign: Campaign, template: PetitionTemplate | None = None) -> dict[str, str]:
    """The four texts of a campaign's petition, from the national template (or the built-in one)."""
    t = template or PetitionTemplate.objects.order_by("-updated_at").first()
    sources = {
        "title_en": t.title_en if t else defaults.TITLE_EN,
        "title_es": t.title_es if t else defaults.TITLE_ES,
        "body_en": t.body_en if t else defaults.BODY_EN,
        "body_es": t.body_es if t else defaults.BODY_ES,
    }
    return {
        key: text.format_map(petition_placeholders(campaign, key[-2:]))
        for key, text in sources.items()
    }


def ensure_petition_texts() -> int:
    """Give every campaign without a petition its version 1, rendered from the template."""
    missing = (
        Campaign.objects.filter(petition_texts__isnull=True)
        .select_related("county", "agency")
        .prefetch_related("targets")
    )
    texts = [PetitionText(campaign=c, version=1, **render_petition(c)) for c in missing]
    PetitionText.objects.bulk_create(texts, ignore_conflicts=True)
    return len(texts)


def current_petition(campaign: Campaign) -> PetitionText | None:
    return campaign.petition_texts.approved().order_by("-version").first()


@transaction.atomic
def propose_petition_text(campaign: Campaign, *, texts: dict[str, str], user) -> PetitionText:
    """A new version of a campaign's text. Before the first signature it takes effect at once;
    after it, it waits for staff approval (people must get the text they signed delivered)."""
    Campaign.objects.select_for_update().get(pk=campaign.pk)
    last = campaign.petition_texts.aggregate(v=Max("version"))["v"] or 0
    has_signatures = campaign.signatures.exists()
    status = (
        PetitionTextStatus.PROPOSED
        if has_signatures and not user.is_staff
        else PetitionTextStatus.APPROVED
    )
    return PetitionText.objects.create(
        campaign=campaign,
        version=last + 1,
        status=status,
        proposed_by=user,
        reviewed_by=user if status == PetitionTextStatus.APPROVED and user.is_staff else None,
        **texts,
    )
