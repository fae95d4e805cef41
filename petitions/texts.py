"""The petition's texts: the national sample, each campaign's versions, proposing and reviewing them."""

from django.db import transaction
from django.db.models import Exists, Max, OuterRef
from django.utils import formats, timezone, translation

from campaigns import asks, places
from campaigns.models import HEAD_ROLES, Campaign
from campaigns.states import state_name
from config.admin_site import acts_as_staff

from . import defaults
from .models import PetitionTemplate, PetitionText, PetitionTextStatus, Signature


class _Blank(dict):
    def __missing__(self, key):
        return "{" + key + "}"


def petition_placeholders(campaign: Campaign, language: str, ask=None) -> dict[str, str]:
    """What {county}, {state}, {sheriff}, {agency}, {where}, {residents}, {decision_makers} and
    {ask_sentence} become in `language`: in Spanish, places and agencies with their article ("el
    condado de Etowah"), see campaigns.places; who decides and what is asked, campaigns.asks."""
    targets = list(campaign.targets.all())
    head = next((t for t in targets if t.role in HEAD_ROLES), None)
    agencies = sorted({t.office for t in targets if t.role in HEAD_ROLES and t.office})
    if language == "es":
        sheriff_default = "el sheriff" if campaign.county_id else "la dirección de la agencia"
        joiner = " y "
        agencies = [places.agency_name(a, language) for a in agencies]
        sheriff = head.name if head and head.name else ""
        if sheriff.startswith("Sheriff "):  # a title, lowercase in Spanish: "el sheriff Pat Doe"
            sheriff = "el sheriff " + sheriff.removeprefix("Sheriff ")
    else:
        sheriff_default = "the Sheriff" if campaign.county_id else "the head of the agency"
        joiner = " and "
        sheriff = head.name if head and head.name else ""
    county = places.campaign_place(campaign, language)
    agency = joiner.join(agencies) or county
    return _Blank(
        county=county,
        state=state_name(campaign.state, language=language),
        sheriff=sheriff or sheriff_default,
        agency=agency,
        where=asks.where(campaign, language),
        residents=asks.residents(campaign, language),
        decision_makers=_decision_makers(campaign, language, head, agency),
        ask_sentence=_ask_sentence(ask or asks.campaign_ask(campaign), language, agency),
    )


def _decision_makers(campaign: Campaign, language: str, head, agency: str) -> str:
    """ "the police chief, Camp Hill Police Department, and the mayor and city council of Camp
    Hill, Alabama"; a named head by their name ("Sheriff Pat Doe")."""
    name = head.name if head and head.name else asks.target_title(campaign, language)
    if language == "es" and name.startswith("Sheriff "):
        name = "el sheriff " + name.removeprefix("Sheriff ")
    elected = asks.elected_body(campaign, language)
    if language == "es":
        return places.contract_articles(f"{name}, a {agency} y a {elected}")
    return f"{name}, {agency}, and {elected}"


def _ask_sentence(ask, language: str, agency: str) -> str:
    """The petition's ask in `language` (defaults.ASK_SENTENCES), its date written out."""
    with translation.override(language):
        day = formats.date_format(ask.end_date, "DATE_FORMAT") if ask.end_date else ""
    sentence = defaults.ASK_SENTENCES["es" if language == "es" else "en"][ask.kind]
    return sentence.format(agency=agency, date=day)


def petition_template() -> PetitionTemplate:
    """The national sample petition staff edited last, or the built-in one (unsaved) before any."""
    return PetitionTemplate.objects.order_by("-updated_at").first() or PetitionTemplate(
        title_en=defaults.TITLE_EN,
        title_es=defaults.TITLE_ES,
        body_en=defaults.BODY_EN,
        body_es=defaults.BODY_ES,
    )


def render_petition(
    campaign: Campaign, template: PetitionTemplate | None = None, ask=None
) -> dict[str, str]:
    """The four texts of a campaign's petition, from the national template (or the built-in one)."""
    t = template or petition_template()
    ask = ask or asks.campaign_ask(campaign)
    sources = {
        "title_en": t.title_en,
        "title_es": t.title_es,
        "body_en": t.body_en,
        "body_es": t.body_es,
    }
    texts = {
        key: text.format_map(petition_placeholders(campaign, key[-2:], ask))
        for key, text in sources.items()
    }
    for key in ("title_es", "body_es"):
        texts[key] = places.contract_articles(texts[key])
    return texts


def ensure_petition_texts() -> int:
    """Give every campaign without a petition its version 1, rendered from the template."""
    missing = (
        Campaign.objects.filter(petition_texts__isnull=True)
        .select_related("county", "agency")
        .prefetch_related("targets")
    )
    # One template for all: fetched per campaign, it was 1,400 of the 2026 import's queries.
    template = petition_template()
    missing = list(missing)
    by_campaign = asks.campaign_asks(missing)
    texts = [
        PetitionText(campaign=c, version=1, **render_petition(c, template, by_campaign[c.pk]))
        for c in missing
    ]
    PetitionText.objects.bulk_create(texts, ignore_conflicts=True)
    return len(texts)


def unsigned_campaigns(campaign_ids) -> list[int]:
    """Those of the campaigns nobody has signed (in any way)."""
    return list(
        Campaign.objects.filter(pk__in=list(campaign_ids))
        .filter(~Exists(Signature.objects.filter(campaign=OuterRef("pk"))))
        .values_list("pk", flat=True)
    )


@transaction.atomic
def update_sample_texts(campaign_ids) -> int:
    """Unsigned campaigns still showing the sample petition (no leader's or staff's own text,
    none waiting for review) get it rendered again for who they now address. Returns how many."""
    campaigns = list(
        Campaign.objects.select_for_update(no_key=True, of=("self",))
        .filter(pk__in=unsigned_campaigns(campaign_ids))
        .exclude(petition_texts__status=PetitionTextStatus.PROPOSED)
        .select_related("county", "agency")
        .prefetch_related("targets")
    )
    template = petition_template()
    by_campaign = asks.campaign_asks(campaigns)
    now = timezone.now()
    new = []
    for campaign in campaigns:
        text = current_petition(campaign)
        if text is None or text.proposed_by_id is not None:
            continue
        fields = render_petition(campaign, template, by_campaign[campaign.pk])
        if fields != _petition_fields(text):
            last = campaign.petition_texts.aggregate(v=Max("version"))["v"]
            new.append(PetitionText(campaign=campaign, version=last + 1, reviewed_at=now, **fields))
    PetitionText.objects.bulk_create(new)
    return len(new)


def _petition_fields(text: PetitionText) -> dict[str, str]:
    return {
        "title_en": text.title_en,
        "title_es": text.title_es,
        "body_en": text.body_en,
        "body_es": text.body_es,
    }


@transaction.atomic
def apply_petition_template(
    template: PetitionTemplate, *, previous: PetitionTemplate, user=None
) -> int:
    """Staff edited the sample petition: every campaign still showing what the previous template
    rendered, and not signed yet, gets a new approved version rendered from the new one.

    A text someone signed never changes under them (each signature records its version), and a
    text a leader or staff wrote for their campaign stays theirs. Returns how many changed.
    """
    unsigned = (
        Campaign.objects.select_for_update(no_key=True, of=("self",))
        .filter(~Exists(Signature.objects.filter(campaign=OuterRef("pk"))))
        # A leader's own text waiting for review stays theirs: a newer sample would outrank it.
        .exclude(petition_texts__status=PetitionTextStatus.PROPOSED)
        .select_related("county", "agency")
        .prefetch_related("targets")
    )
    campaigns = list(unsigned)
    by_campaign = asks.campaign_asks(campaigns)
    current, last = {}, {}
    texts = PetitionText.objects.filter(campaign_id__in=[c.pk for c in campaigns])
    for text in texts.order_by("version"):
        last[text.campaign_id] = text.version
        if text.status == PetitionTextStatus.APPROVED:
            current[text.campaign_id] = text
    now = timezone.now()
    new = []
    for campaign in campaigns:
        text = current.get(campaign.pk)
        if text is None or _petition_fields(text) != render_petition(
            campaign, previous, by_campaign[campaign.pk]
        ):
            continue
        fields = render_petition(campaign, template, by_campaign[campaign.pk])
        if fields != _petition_fields(text):
            new.append(
                PetitionText(
                    campaign=campaign,
                    version=last[campaign.pk] + 1,
                    reviewed_by=user,
                    reviewed_at=now,
                    **fields,
                )
            )
    PetitionText.objects.bulk_create(new)
    return len(new)


def current_petition(campaign: Campaign) -> PetitionText | None:
    return campaign.petition_texts.current_first().first()


def current_petition_id(campaign: Campaign) -> int | None:
    if hasattr(campaign, "current_petition_id"):  # Campaign.objects.with_current_petition()
        return campaign.current_petition_id
    petition = current_petition(campaign)
    return petition.pk if petition else None


def text_goes_live_at_once(campaign: Campaign, user) -> bool:
    """Whether a new text from `user` replaces the campaign's text without staff review.

    Once anyone has signed, never: signers must get delivered the text they signed, so staff
    approve every new version (theirs included). Before that, staff's text goes live at once, and
    so does a leader's once staff have approved a text of theirs; a new leader's first text waits,
    so that a squatter cannot put their words on a campaign page (the sample text stays meanwhile).
    """
    if campaign.signatures.exists():
        return False
    if acts_as_staff(user):
        return True
    return (
        PetitionText.objects.approved()
        .filter(proposed_by=user, reviewed_by__isnull=False)
        .exclude(reviewed_by=user)
        .exists()
    )


@transaction.atomic
def propose_petition_text(campaign: Campaign, *, texts: dict[str, str], user) -> PetitionText:
    """A new version of a campaign's text: live at once or waiting for staff (see above)."""
    Campaign.objects.select_for_update().get(pk=campaign.pk)
    last = campaign.petition_texts.aggregate(v=Max("version"))["v"] or 0
    at_once = text_goes_live_at_once(campaign, user)
    return PetitionText.objects.create(
        campaign=campaign,
        version=last + 1,
        status=PetitionTextStatus.APPROVED if at_once else PetitionTextStatus.PROPOSED,
        proposed_by=user,
        reviewed_by=user if at_once and acts_as_staff(user) else None,
        **texts,
    )


def _review_text(text: PetitionText, *, status: str, user) -> bool:
    """Move a proposed version (locked) to `status`; whether it moved (only a proposal does)."""
    text = PetitionText.objects.select_for_update().get(pk=text.pk)
    if text.status != PetitionTextStatus.PROPOSED:
        return False
    text.status = status
    text.reviewed_by = user
    text.reviewed_at = timezone.now()
    text.save(update_fields=["status", "reviewed_by", "reviewed_at"])
    return True


@transaction.atomic
def approve_petition_text(text: PetitionText, *, user) -> bool:
    """Staff approve a proposed version: it becomes the text new signers sign."""
    if not acts_as_staff(user):
        return False
    return _review_text(text, status=PetitionTextStatus.APPROVED, user=user)


@transaction.atomic
def reject_petition_text(text: PetitionText, *, user) -> bool:
    """Staff reject a proposed version: the campaign keeps the text it shows."""
    return _review_text(text, status=PetitionTextStatus.REJECTED, user=user)
