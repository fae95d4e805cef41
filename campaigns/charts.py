"""Bar charts drawn on the server as SVG: no script, readable by screen readers, sharp on any phone.

Each chart carries role="img" with a title and description, and the page shows the same numbers
beside it as a table; the drawing is only the glance.
"""

from dataclasses import dataclass

WIDTH = 400  # the viewBox: at a phone's 358 px a 13-unit label stays about 12 px
LABEL_WIDTH = 132
VALUE_ROOM = 52
ROW = 26
BAR = 18


@dataclass
class Bar:
    label: str
    value: int
    display: str  # the value as the page writes numbers (grouped for the language)
    y: int
    width: float

    @property
    def text_y(self) -> int:
        return self.y + BAR - 4

    @property
    def value_x(self) -> float:
        return LABEL_WIDTH + self.width + 4


def bar_chart(items: list[tuple[str, int]], *, display=str) -> dict:
    """Geometry of a horizontal bar chart for the template `campaigns/record/_bar_chart.html`."""
    top = max((value for _label, value in items), default=0) or 1
    span = WIDTH - LABEL_WIDTH - VALUE_ROOM
    bars = [
        Bar(label, value, display(value), i * ROW, round(value * span / top, 1))
        for i, (label, value) in enumerate(items)
    ]
    return {
        "bars": bars,
        "width": WIDTH,
        "height": max(len(bars) * ROW, ROW),
        "label_x": LABEL_WIDTH - 6,
        "bar_x": LABEL_WIDTH,
        "bar_height": BAR,
    }
