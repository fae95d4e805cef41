"""The printable paper sign-up sheet: the petition, the campaign's link and QR code, and lines to sign.

Each line asks only what the online form asks, minus the email: a name, a ZIP code and what the
sheriff may see (counted only when nothing is ticked), and a signature that stays on the paper.
The lines are numbered as the leader's entry form numbers them, so a sheet types in line by line.
"""

from django.utils import translation
from django.utils.translation import gettext as _
from fpdf import FPDF

from campaigns.models import Campaign
from campaigns.tools import BRAND, FONT_BOLD, FONT_REGULAR, WHITE, campaign_url, qr_png

from .services import current_petition

SHEET_LINES = 20
LINE_HEIGHT = 9.5
# Column widths on US Letter landscape with 12 mm margins (255 mm between them).
COLUMNS = (("number", 8), ("name", 72), ("zip", 22), ("choice", 102), ("signature", 51))


def _choices() -> list[str]:
    return [_("Counted only"), _("First name and initial"), _("Full name")]


def sheet_pdf(campaign: Campaign, *, language: str) -> bytes:
    """US Letter landscape: the petition on top, then SHEET_LINES numbered lines."""
    petition = current_petition(campaign)
    url = campaign_url(campaign, language=language)
    qr_url = campaign_url(campaign, language=language, source="sheet")
    with translation.override(language):
        pdf = FPDF(orientation="landscape", format="Letter", unit="mm")
        pdf.set_title(_("Sign-up sheet: end 287(g) in %(place)s") % {"place": campaign.name})
        pdf.set_author("End 287(g)")
        pdf.add_font("DejaVu", "", str(FONT_REGULAR))
        pdf.add_font("DejaVu", "B", str(FONT_BOLD))
        pdf.set_margins(12, 10, 12)
        pdf.set_auto_page_break(auto=False)
        pdf.add_page()

        pdf.set_fill_color(*BRAND)
        pdf.set_text_color(*WHITE)
        pdf.set_font("DejaVu", "B", 11)
        pdf.cell(0, 7, "  END 287(g)", fill=True, new_x="LMARGIN", new_y="NEXT")
        pdf.set_text_color(20, 20, 20)
        pdf.ln(2)

        # The QR code and the link on the right; the petition on the left, beside them.
        qr_size = 32
        text_width = pdf.epw - qr_size - 6
        top = pdf.get_y()
        pdf.image(qr_png(qr_url), x=pdf.w - pdf.r_margin - qr_size, y=top, w=qr_size, h=qr_size)
        pdf.set_font("DejaVu", "B", 14)
        title = (
            petition.title(language)
            if petition
            else _("End 287(g) in %(place)s") % {"place": campaign.name}
        )
        pdf.multi_cell(text_width, 6.5, title, new_x="LMARGIN", new_y="NEXT")
        pdf.ln(1)
        if petition:
            pdf.set_font("DejaVu", "", 8.5)
            pdf.multi_cell(text_width, 3.9, petition.body(language), new_x="LMARGIN", new_y="NEXT")
        pdf.set_y(max(pdf.get_y(), top + qr_size) + 2)
        pdf.set_font("DejaVu", "B", 9.5)
        pdf.multi_cell(
            0,
            4.6,
            _("Prefer to sign online? Scan the code or type: %(url)s") % {"url": url},
            new_x="LMARGIN",
            new_y="NEXT",
        )
        pdf.set_font("DejaVu", "", 8.5)
        pdf.multi_cell(
            0,
            4,
            _(
                "Tick what the sheriff may see of you; if you tick nothing, you are only counted. "
                "No email, phone, address or immigration status is asked. The campaign's leader "
                "types in this sheet and then keeps it safe or destroys it."
            ),
            new_x="LMARGIN",
            new_y="NEXT",
        )
        pdf.ln(2)
        _lines(pdf)
    return bytes(pdf.output())


def _fit(pdf: FPDF, texts: list[str], width: float, size: float, style: str = "") -> None:
    """The largest font size up to `size` at which every text fits in `width` (translations vary)."""
    pdf.set_font("DejaVu", style, size)
    while size > 5 and max(pdf.get_string_width(t) for t in texts) > width:
        size -= 0.25
        pdf.set_font("DejaVu", style, size)


def _header(pdf: FPDF) -> None:
    labels = {
        "number": "#",
        "name": _("Name (please print)"),
        "zip": _("ZIP code"),
        "choice": _("What the sheriff may see (tick one)"),
        "signature": _("Signature"),
    }
    pdf.set_fill_color(235, 228, 218)
    for key, width in COLUMNS:
        _fit(pdf, [labels[key]], width - 2, 8.5, "B")
        pdf.cell(width, 7, labels[key], border=1, fill=True)
    pdf.ln(7)


def _lines(pdf: FPDF) -> None:
    bottom = pdf.h - 10
    _header(pdf)
    choices = _choices()
    for number in range(1, SHEET_LINES + 1):
        if pdf.get_y() + LINE_HEIGHT > bottom:
            pdf.add_page()
            _header(pdf)
        y = pdf.get_y()
        x = pdf.l_margin
        for key, width in COLUMNS:
            pdf.rect(x, y, width, LINE_HEIGHT)
            if key == "number":
                pdf.set_font("DejaVu", "", 9)
                pdf.set_xy(x, y)
                pdf.cell(width, LINE_HEIGHT, str(number), align="C")
            elif key == "choice":
                # Three boxes to tick, each with its words, so the line needs no legend.
                slot = width / len(choices)
                _fit(pdf, choices, slot - 6, 7.5)
                for n, label in enumerate(choices):
                    box_x = x + n * slot + 1.5
                    pdf.rect(box_x, y + (LINE_HEIGHT - 3.5) / 2, 3.5, 3.5)
                    pdf.set_xy(box_x + 4.5, y)
                    pdf.cell(slot - 6, LINE_HEIGHT, label)
            x += width
        pdf.set_xy(pdf.l_margin, y + LINE_HEIGHT)
