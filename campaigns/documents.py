"""What our printed documents share: the vendored fonts, US Letter page setup, the QR code, and a
record of where each block was drawn, so tests can check that nothing overlaps or runs off the page.

The flyer, the paper sign-up sheet and the delivery PDF all build on `Document`. Text is measured
before it is drawn (fpdf2's dry run), blocks are placed top-down, and each drawn block leaves a `Box`.
"""

from dataclasses import dataclass, field
from io import BytesIO
from pathlib import Path

import segno
from django.conf import settings
from fpdf import FPDF

FONT_DIR = Path(settings.BASE_DIR) / "static" / "fonts"
FONT_REGULAR = FONT_DIR / "DejaVuSans.ttf"
FONT_BOLD = FONT_DIR / "DejaVuSans-Bold.ttf"
FONT = "DejaVu"

BRAND = (122, 31, 31)
OK = (120, 200, 140)
WHITE = (255, 255, 255)
INK = (20, 20, 20)


@dataclass(frozen=True)
class Box:
    """A drawn block: its page (1-based), what it is, and its corners in the document's unit."""

    page: int
    kind: str  # "text", "qr", "image", "band" (a filled bar with its words), "checkbox"
    x0: float
    y0: float
    x1: float
    y1: float
    label: str = ""

    def overlaps(self, other: "Box", tolerance: float = 0.01) -> bool:
        return (
            self.page == other.page
            and self.x0 < other.x1 - tolerance
            and other.x0 < self.x1 - tolerance
            and self.y0 < other.y1 - tolerance
            and other.y0 < self.y1 - tolerance
        )


@dataclass
class Printed:
    """A finished document or image: its bytes, its size, its margin and the boxes drawn on it."""

    data: bytes
    width: float
    height: float
    margin: float
    boxes: list[Box] = field(default_factory=list)


def qr_png(url: str, *, scale: int = 10) -> BytesIO:
    """The QR code of a link, as a PNG with the standard quiet zone."""
    out = BytesIO()
    segno.make(url, error="m").save(out, kind="png", scale=scale, border=2)
    out.seek(0)
    return out


class Document(FPDF):
    """A US Letter page in mm with our fonts, margins, metadata and a layout record."""

    def __init__(self, *, title: str, orientation: str = "portrait", margin: float = 15):
        super().__init__(orientation=orientation, format="Letter", unit="mm")
        self.set_title(title)
        self.set_author("End 287(g)")
        self.add_font(FONT, "", str(FONT_REGULAR))
        self.add_font(FONT, "B", str(FONT_BOLD))
        self.set_margins(margin, margin, margin)
        # Builders place every block themselves; an automatic break would move a block unseen.
        self.set_auto_page_break(auto=False, margin=margin)
        self.margin = margin
        self.boxes: list[Box] = []
        self.set_text_color(*INK)

    @property
    def bottom(self) -> float:
        return self.h - self.margin

    def record(self, kind: str, x0: float, y0: float, x1: float, y1: float, label: str = ""):
        self.boxes.append(Box(self.page, kind, x0, y0, x1, y1, label))

    def lines(self, text: str, *, width: float, size: float, style: str = "") -> list[str]:
        """How `text` wraps in `width` at this size (measured, nothing drawn)."""
        self.set_font(FONT, style, size)
        return self.multi_cell(width, size * 0.45, text, dry_run=True, output="LINES")

    def text_height(self, text: str, *, width: float, size: float, style: str = "", leading=1.3):
        return len(self.lines(text, width=width, size=size, style=style)) * size * 0.3528 * leading

    def text(
        self,
        text: str,
        *,
        x: float | None = None,
        y: float | None = None,
        width: float | None = None,
        size: float = 11,
        style: str = "",
        leading: float = 1.3,
        color=INK,
    ) -> float:
        """Draw wrapped text from (x, y) and record its measured box; returns the y below it."""
        x = self.l_margin if x is None else x
        y = self.get_y() if y is None else y
        width = (self.w - self.r_margin - x) if width is None else width
        lines = self.lines(text, width=width, size=size, style=style)
        line_height = size * 0.3528 * leading
        self.set_text_color(*color)
        for n, line in enumerate(lines):
            self.set_xy(x, y + n * line_height)
            self.cell(width, line_height, line)
        self.set_text_color(*INK)
        drawn = max((self.get_string_width(line) for line in lines), default=0)
        bottom = y + len(lines) * line_height
        if lines:
            # A cell sets its words in from its left edge by the cell margin.
            left = x + self.c_margin
            self.record("text", left, y, left + drawn, bottom, text[:60])
        self.set_xy(x, bottom)
        return bottom

    def fitted_size(self, texts: list[str], width: float, size: float, style: str = "") -> float:
        """The largest font size up to `size` at which each text fits on one line of `width`."""
        self.set_font(FONT, style, size)
        while size > 5 and max(self.get_string_width(t) for t in texts) > width:
            size -= 0.25
            self.set_font(FONT, style, size)
        return size

    def band(self, text: str = "END 287(g)", *, height: float = 9, size: float = 13) -> float:
        """The brand bar across the top of the page; returns the y below it."""
        y = self.t_margin
        self.set_fill_color(*BRAND)
        self.set_text_color(*WHITE)
        self.set_font(FONT, "B", size)
        self.set_xy(self.l_margin, y)
        self.cell(self.epw, height, "  " + text, fill=True)
        self.set_text_color(*INK)
        self.record("band", self.l_margin, y, self.l_margin + self.epw, y + height, text)
        return y + height

    def qr(self, url: str, *, x: float, y: float, size: float) -> None:
        self.image(qr_png(url), x=x, y=y, w=size, h=size)
        self.record("qr", x, y, x + size, y + size, url)

    def checkbox(self, x: float, y: float, size: float) -> None:
        self.rect(x, y, size, size)
        self.record("checkbox", x, y, x + size, y + size)

    def printed(self) -> Printed:
        return Printed(bytes(self.output()), self.w, self.h, self.margin, list(self.boxes))
