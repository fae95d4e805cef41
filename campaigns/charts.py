"""Bar charts drawn on the server as SVG: no script, readable by screen readers, sharp on any phone.

Each chart carries role="img" with a title and description, and the page shows the same numbers
beside it as a table; the drawing is only the glance. Each label sits above its bar, so a long
label ("Warrant service officer", "Carolina del Norte") keeps the full width on a phone.
"""

from dataclasses import dataclass

WIDTH = 360  # the viewBox, about a phone's width: 15 units stay about 15 px
VALUE_ROOM = 64
LABEL_HEIGHT = 18
BAR = 16
ROW = LABEL_HEIGHT + BAR + 12


@dataclass
class Bar:
    label: str
    value: int
    display: str  # the value as the page writes numbers (grouped for the language)
    top: int
    width: float

    @property
    def label_y(self) -> int:
        return self.top + LABEL_HEIGHT - 4

    @property
    def y(self) -> int:
        return self.top + LABEL_HEIGHT

    @property
    def text_y(self) -> int:
        return self.y + BAR - 3

    @property
    def value_x(self) -> float:
        return round(self.width + 6, 1)


def bar_chart(items: list[tuple[str, int]], *, display=str) -> dict:
    """Geometry of a horizontal bar chart for the template `campaigns/record/_bar_chart.html`."""
    top = max((value for _label, value in items), default=0) or 1
    span = WIDTH - VALUE_ROOM
    bars = [
        Bar(label, value, display(value), i * ROW, round(value * span / top, 1))
        for i, (label, value) in enumerate(items)
    ]
    return {
        "bars": bars,
        "width": WIDTH,
        "height": max(len(bars) * ROW - 8, ROW),
        "bar_height": BAR,
    }
