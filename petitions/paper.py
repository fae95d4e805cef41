"""The printable paper sign-up sheet: the petition, the campaign's link and QR code, and lines to sign.

Each line asks only what the online form asks, minus the email: a name, a ZIP code and what the
decision-maker may see (counted only when nothing is ticked), and a signature that stays on the paper.
The lines are numbered as the leader's entry form numbers them, so a sheet types in line by line.
"""

from django.utils import translation
from django.utils.translation import gettext as _

from campaigns.asks import call_to_action, target_title, visibility_label
from campaigns.documents import BRAND, Document, Printed
from campaigns.models import Campaign
from campaigns.tools import campaign_url

from .texts import current_petition

SHEET_LINES = 20
# Roomy enough to print a name by hand; the lines share what the page leaves after the header.
MAX_LINE_HEIGHT = 9.5
MARGIN = 9
# Column widths on US Letter landscape between 9 mm margins (261.4 mm).
COLUMNS = (("number", 8), ("name", 70), ("zip", 26), ("choice", 104.4), ("signature", 53))


def _choices() -> list[str]:
    return [_("Counted only"), _("First name and initial"), _("Full name")]


def sheet_pdf(campaign: Campaign, *, language: str) -> bytes:
    return sheet(campaign, language=language).data


def sheet(campaign: Campaign, *, language: str) -> Printed:
    """US Letter landscape, two sides. The front: the campaign, the ask, the QR code and all
    SHEET_LINES numbered lines on one page. The back: the petition's full text, at a size that
    reads, with the same header (the whole petition and twenty lines do not fit one side)."""
    petition = current_petition(campaign)
    url = campaign_url(campaign, language=language)
    qr_url = campaign_url(campaign, language=language, source="sheet")
    with translation.override(language):
        pdf = Document(
            title=_("Sign-up sheet: end 287(g) in %(place)s") % {"place": campaign.name},
            orientation="landscape",
            margin=MARGIN,
        )
        pdf.add_page()
        y, qr_bottom = _top(pdf, campaign, qr_url)
        y = pdf.text(
            _("Prefer to sign online? Scan the code or type: %(url)s") % {"url": url},
            y=y,
            width=pdf.epw - 34,
            size=8.5,
            style="B",
            leading=1.25,
        )
        bottom = pdf.text(
            _(
                "Tick what %(head)s may see of you; if you tick nothing, you are only counted. "
                "No email, phone, address or immigration status is asked. The campaign's leader "
                "types in this sheet and then keeps it safe or destroys it."
            )
            % {"head": target_title(campaign, language)}
            + " "
            + _("The petition's full text is on the back of this sheet."),
            y=y,
            width=pdf.epw - 34,
            size=7.5,
            leading=1.25,
        )
        _lines(pdf, max(bottom, qr_bottom) + 2, campaign)

        if petition:
            pdf.add_page()
            y, qr_bottom = _top(pdf, campaign, qr_url)
            y = max(y, qr_bottom) + 4
            heading = petition.title(language)
            body = petition.body(language)
            size = 12.5
            while size > 7 and (
                pdf.text_height(heading, width=pdf.epw, size=size + 2, style="B")
                + pdf.text_height(body, width=pdf.epw, size=size)
                > pdf.bottom - y - 4
            ):
                size -= 0.25
            y = pdf.text(heading, y=y, size=size + 2, style="B") + 2
            pdf.text(body, y=y, size=size)
    return pdf.printed()


def _top(pdf: Document, campaign: Campaign, qr_url: str) -> tuple[float, float]:
    """The band, the campaign's title and the ask beside the QR code: the y below the words and
    the y below the code."""
    y = pdf.band(height=7, size=11) + 2
    qr_size = 28
    y_qr = y
    pdf.qr(qr_url, x=pdf.w - pdf.r_margin - qr_size, y=y_qr, size=qr_size)
    width = pdf.epw - qr_size - 6
    title = _("End 287(g) in %(place)s") % {"place": f"{campaign.name}, {campaign.state_name}"}
    size = 14.0
    while size > 10 and len(pdf.lines(title, width=width, size=size, style="B")) > 1:
        size -= 0.5
    y = pdf.text(title, y=y, width=width, size=size, style="B", leading=1.2)
    ask = call_to_action(campaign, translation.get_language() or "en")
    y = pdf.text(ask, y=y, width=width, size=10, style="B", color=BRAND, leading=1.3)
    return y + 0.5, y_qr + qr_size


def _lines(pdf: Document, top: float, campaign: Campaign) -> None:
    """The column headings, then SHEET_LINES numbered lines sharing the rest of the page."""
    language = translation.get_language() or "en"
    header_height = 7
    line_height = min(MAX_LINE_HEIGHT, (pdf.bottom - top - header_height) / SHEET_LINES)
    labels = {
        "number": "#",
        "name": _("Name (please print)"),
        "zip": _("ZIP code"),
        "choice": _("%(what)s (tick one)") % {"what": visibility_label(campaign, language)},
        "signature": _("Signature"),
    }
    pdf.set_fill_color(235, 228, 218)
    x = pdf.l_margin
    for key, width in COLUMNS:
        pdf.set_xy(x, top)
        pdf.cell(width, header_height, "", border=1, fill=True)
        size = pdf.fitted_size([labels[key]], width - 2 * pdf.c_margin, 8.5, "B")
        lead = header_height / (size * 0.3528)
        pdf.text(labels[key], x=x, y=top, width=width, size=size, style="B", leading=lead)
        x += width

    choices = _choices()
    box = 3.2
    # Each tick box sits just before its words; the words get the room their language needs.
    choice_width = dict(COLUMNS)["choice"]
    pad = 1.5
    label_room = choice_width - len(choices) * (box + 2 * pad + 1)
    label_size = min(8.0, pdf.fitted_size(["".join(choices)], label_room - 2 * pdf.c_margin, 8))
    label_widths = [pdf.get_string_width(c) + 2 * pdf.c_margin for c in choices]
    spare = (choice_width - sum(label_widths) - len(choices) * (box + pad + 1)) / len(choices)
    number_size = 9
    for number in range(1, SHEET_LINES + 1):
        y = top + header_height + (number - 1) * line_height
        x = pdf.l_margin
        for key, width in COLUMNS:
            pdf.rect(x, y, width, line_height)
            if key == "number":
                lead = line_height / (number_size * 0.3528)
                pdf.text(str(number), x=x, y=y, width=width, size=number_size, leading=lead)
            elif key == "choice":
                slot_x = x + pad
                for label, label_width in zip(choices, label_widths, strict=True):
                    pdf.checkbox(slot_x, y + (line_height - box) / 2, box)
                    lead = line_height / (label_size * 0.3528)
                    pdf.text(
                        label,
                        x=slot_x + box + 0.5,
                        y=y,
                        width=label_width,
                        size=label_size,
                        leading=lead,
                    )
                    slot_x += box + 0.5 + label_width + spare
            x += width
