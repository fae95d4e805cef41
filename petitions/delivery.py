"""The delivery kit's numbers and its printable petition: counts, ZIPs and consented names only.

Never an email, an IP address or the name of someone who chose to be counted only. ZIP codes
with fewer than MIN_ZIP_GROUP signers are folded into "other ZIP codes", so no small group can
be singled out.
"""

from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Count
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from campaigns.documents import Document
from campaigns.models import Campaign
from campaigns.services import mark_delivered

from . import updates
from .counting import Tally, fresh_tally
from .errors import DeliveryNotReady
from .models import (
    Delivery,
    ExportAudit,
    PetitionText,
    Signature,
    SignatureMethod,
    SignatureStatus,
    Visibility,
)

MIN_ZIP_GROUP = 5


@dataclass
class DeliverySummary:
    campaign: Campaign
    tally: Tally
    targets: list
    versions: list = field(default_factory=list)  # [(PetitionText, signatures)]
    zips: list = field(default_factory=list)  # [(zip, signatures)], largest first
    other_zips: int = 0  # signers from ZIPs with fewer than MIN_ZIP_GROUP each
    names: list = field(default_factory=list)

    @property
    def verified(self) -> int:
        """Signatures delivered: confirmed online, plus paper and in person when they count."""
        return self.tally.residents + self.tally.elsewhere

    @property
    def paper(self) -> int:
        """Signed on paper and delivered (none when staff turned paper off for the campaign)."""
        return self.tally.paper if self.campaign.paper_counts else 0

    @property
    def in_person(self) -> int:
        return self.tally.in_person if self.campaign.paper_counts else 0


def delivered_signatures(campaign: Campaign):
    qs = Signature.objects.filter(campaign=campaign, status=SignatureStatus.CONFIRMED)
    if not campaign.paper_counts:
        qs = qs.filter(method=SignatureMethod.ONLINE)
    return qs


def delivery_summary(campaign: Campaign) -> DeliverySummary:
    signatures = delivered_signatures(campaign)
    by_version = dict(signatures.values_list("petition_text").annotate(n=Count("pk")).order_by())
    versions = [
        (text, by_version[text.pk])
        for text in PetitionText.objects.filter(pk__in=by_version).order_by("version")
    ]
    zips, other = [], 0
    for zip_code, n in (
        signatures.values_list("zip_code").annotate(n=Count("pk")).order_by("-n", "zip_code")
    ):
        if n >= MIN_ZIP_GROUP:
            zips.append((zip_code, n))
        else:
            other += n
    named = (
        signatures.exclude(visibility=Visibility.COUNTED)
        .exclude(name="")
        .only("name", "visibility")
        .order_by("confirmed_at", "pk")
    )
    names = [name for name in (s.public_name() for s in named) if name]
    return DeliverySummary(
        campaign=campaign,
        tally=fresh_tally(campaign),
        targets=list(campaign.targets.all()),
        versions=versions,
        zips=zips,
        other_zips=other,
        names=names,
    )


def _number(n: int) -> str:
    """A count grouped as the active language writes it (1,234 in English, 1 234 in Spanish)."""
    return formats.number_format(n, force_grouping=True)


def _heading(pdf: Document, text: str, size: float = 13) -> None:
    pdf.ln(3)
    pdf.set_font("DejaVu", "B", size)
    pdf.multi_cell(0, size * 0.5, text, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(1)


def _paragraph(pdf: Document, text: str, size: float = 11) -> None:
    pdf.set_font("DejaVu", "", size)
    pdf.multi_cell(0, size * 0.48, text, new_x="LMARGIN", new_y="NEXT")


def _addressees(pdf: Document, summary: DeliverySummary) -> None:
    """To whom the petition goes, and on whose behalf."""
    campaign = summary.campaign
    _heading(pdf, _("To:"), 12)
    for target in summary.targets:
        lines = [target.name, target.office, target.address]
        _paragraph(pdf, "\n".join(line for line in lines if line))
        pdf.ln(1)
    _paragraph(
        pdf,
        _("Delivered on behalf of the people of %(place)s, %(state)s")
        % {"place": campaign.name, "state": campaign.state_name},
    )


def _petition_texts(pdf: Document, summary: DeliverySummary, language: str) -> None:
    """Each version people signed, with how many signed it when there were several."""
    several = len(summary.versions) > 1
    for text, n in summary.versions:
        _heading(pdf, text.title(language), 15)
        _paragraph(pdf, text.body(language))
        if several:
            pdf.ln(1)
            _paragraph(
                pdf, _("Signed in this version by %(count)s people.") % {"count": _number(n)}, 10
            )


def _counts(pdf: Document, summary: DeliverySummary) -> None:
    """The verified total, how it was verified, and its split by residence and by channel."""
    tally = summary.tally
    _heading(pdf, _("Verified signatures: %(count)s") % {"count": _number(summary.verified)}, 14)
    _paragraph(
        pdf,
        _(
            "Each online signature was confirmed from its signer's own email address; "
            "paper and in-person signatures were attested by the campaign's leader."
        ),
        10,
    )
    _paragraph(
        pdf,
        _("County residents: %(residents)s · Supporters elsewhere: %(elsewhere)s")
        % {"residents": _number(tally.residents), "elsewhere": _number(tally.elsewhere)},
    )
    _paragraph(
        pdf,
        _("Online: %(online)s · On paper: %(paper)s · In person: %(in_person)s")
        % {
            "online": _number(tally.online),
            "paper": _number(summary.paper),
            "in_person": _number(summary.in_person),
        },
    )


def _zip_codes(pdf: Document, summary: DeliverySummary) -> None:
    """Signatures per ZIP code, the small groups folded into one line."""
    _heading(pdf, _("Signatures by ZIP code"))
    pdf.set_font("DejaVu", "", 11)
    for zip_code, n in summary.zips:
        pdf.cell(40, 6, zip_code)
        pdf.cell(0, 6, _number(n), new_x="LMARGIN", new_y="NEXT")
    if summary.other_zips:
        pdf.cell(40, 6, _("Other ZIP codes"))
        pdf.cell(0, 6, _number(summary.other_zips), new_x="LMARGIN", new_y="NEXT")
    _paragraph(
        pdf,
        _("ZIP codes with fewer than %(n)s signers are grouped, to protect their privacy.")
        % {"n": MIN_ZIP_GROUP},
        9,
    )


def _names(pdf: Document, summary: DeliverySummary) -> None:
    """The names of those who chose to be named, and why the others are not."""
    _heading(pdf, _("Signers who chose to be named"))
    if summary.names:
        _paragraph(pdf, ", ".join(summary.names))
    _paragraph(
        pdf,
        _(
            "Other signers chose to be counted without their names. Many people in our "
            "community cannot safely put their name on a list that reaches law enforcement."
        ),
        9,
    )


def delivery_pdf(summary: DeliverySummary, *, language: str) -> bytes:
    """The printable petition for the sheriff's office (US Letter)."""
    campaign = summary.campaign
    with translation.override(language):
        pdf = Document(
            title=_("Petition to end 287(g) in %(place)s") % {"place": campaign.name}, margin=20
        )
        # A long list of names flows from page to page: this document lets fpdf2 break pages.
        pdf.set_auto_page_break(auto=True, margin=15)
        pdf.add_page()
        _addressees(pdf, summary)
        _petition_texts(pdf, summary, language)
        _counts(pdf, summary)
        _zip_codes(pdf, summary)
        _names(pdf, summary)
        pdf.ln(4)
        _paragraph(
            pdf,
            _("Printed %(date)s from end287g.")
            % {"date": formats.date_format(timezone.localdate(), "DATE_FORMAT")},
            8,
        )
    return bytes(pdf.output())


def record_delivery(campaign: Campaign, *, user, delivered_on, received_by, notes="", photo=None):
    """The leader handed the petition over: keep the record and mark the campaign delivered."""
    with transaction.atomic():
        campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
        tally = fresh_tally(campaign)
        if not tally.reached_goal:
            raise DeliveryNotReady
        delivery = Delivery(
            campaign=campaign,
            delivered_on=delivered_on,
            received_by=received_by,
            notes=notes,
            signatures_delivered=tally.counted,
            recorded_by=user,
        )
        if photo:
            delivery.photo = photo
        delivery.save()
        mark_delivered(campaign)
        updates.delivered(delivery)
    return delivery


def export_delivery_pdf(summary: DeliverySummary, *, user, language: str) -> bytes:
    """The printable petition for `user`; it carries signers' names (those who agreed), so every
    download is recorded, like staff exports."""
    pdf = delivery_pdf(summary, language=language)
    ExportAudit.objects.create(
        user=user,
        campaign=summary.campaign,
        rows=len(summary.names),
        description=f"Delivery PDF ({language}) with {len(summary.names)} names: {summary.campaign}",
    )
    return pdf
