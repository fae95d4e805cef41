"""The leader's progress at a glance: signatures per day and per channel, drawn on the server.

Counts only, never who: the figures are confirmed signatures grouped by day and by channel, and a
channel shows once it has MIN_CHANNEL_GROUP signatures (petitions.reads.signatures_by_channel).
The drawing is plain SVG geometry a template writes out; the same figures go in a text table.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Count, Max
from django.db.models.functions import TruncDate
from django.utils import timezone

from campaigns.models import Campaign

from .models import Signature, SignatureStatus
from .reads import signatures_by_channel

CHART_DAYS = 28
WIDTH, HEIGHT = 320, 120
PLOT_TOP, PLOT_BOTTOM, PLOT_LEFT = 12, 96, 28


@dataclass
class Bar:
    label: str
    count: int
    x: float
    y: float
    width: float
    height: float
    day: date | None = None

    @property
    def text_y(self) -> float:  # the baseline of a label written beside a horizontal bar
        return self.y + 11

    @property
    def end_x(self) -> float:  # just past the bar's end, where its figure is written
        return round(self.x + self.width + 4, 1)


@dataclass
class Chart:
    bars: list[Bar]
    top: int  # the value the plot's top line stands for
    width: int = WIDTH
    height: int = HEIGHT
    plot_top: int = PLOT_TOP
    plot_bottom: int = PLOT_BOTTOM
    plot_left: int = PLOT_LEFT

    @property
    def label_x(self) -> int:  # right edge of the figures on the vertical axis
        return self.plot_left - 4

    @property
    def foot_y(self) -> int:  # baseline of the dates under the bars
        return self.height - 6


def _confirmed(campaign: Campaign):
    return Signature.objects.filter(campaign=campaign, status=SignatureStatus.CONFIRMED)


def signatures_per_day(campaign: Campaign, *, days: int = CHART_DAYS) -> list[tuple[date, int]]:
    """Confirmed signatures per day (the day each was confirmed), the last `days` days, oldest first."""
    today = timezone.localdate()
    first = today - timedelta(days=days - 1)
    rows = (
        _confirmed(campaign)
        .filter(confirmed_at__date__gte=first)
        .annotate(day=TruncDate("confirmed_at", tzinfo=timezone.get_current_timezone()))
        .values("day")
        .annotate(n=Count("id"))
        .order_by()
    )
    counts = {row["day"]: row["n"] for row in rows}
    return [
        (first + timedelta(days=n), counts.get(first + timedelta(days=n), 0)) for n in range(days)
    ]


def days_since_last_signature(campaign: Campaign) -> int | None:
    last = _confirmed(campaign).aggregate(last=Max("confirmed_at"))["last"]
    if last is None:
        return None
    return (timezone.localdate() - timezone.localtime(last).date()).days


def _nice_top(value: int) -> int:
    for step in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000):
        if value <= step * 4:
            return -(-value // step) * step if value else step * 4
    return -(-value // 1000) * 1000


def _day_chart(per_day: list[tuple[date, int]]) -> Chart:
    top = _nice_top(max((n for _day, n in per_day), default=0))
    plot_height = PLOT_BOTTOM - PLOT_TOP
    slot = (WIDTH - PLOT_LEFT) / len(per_day)
    bars = []
    for i, (day, n) in enumerate(per_day):
        height = plot_height * n / top
        bars.append(
            Bar(
                label=day.isoformat(),
                count=n,
                x=round(PLOT_LEFT + i * slot + slot * 0.15, 1),
                y=round(PLOT_BOTTOM - height, 1),
                width=round(slot * 0.7, 1),
                height=round(height, 1),
                day=day,
            )
        )
    return Chart(bars=bars, top=top)


def _channel_chart(channels: list[tuple[str, int]]) -> Chart:
    """Horizontal bars, one row per channel, 18 units apart; labels are written beside them."""
    top = max((n for _label, n in channels), default=1)
    row = 22
    bar_left, bar_room = 150, WIDTH - 150 - 36
    bars = [
        Bar(
            label=label,
            count=n,
            x=bar_left,
            y=i * row + 4,
            width=round(max(bar_room * n / top, 1), 1),
            height=14,
        )
        for i, (label, n) in enumerate(channels)
    ]
    return Chart(bars=bars, top=top, height=max(len(channels) * row + 4, row))


def progress_at_a_glance(campaign: Campaign) -> dict:
    """The dashboard's charts and figures: per day (last four weeks), per channel, days since."""
    per_day = signatures_per_day(campaign)
    channels = signatures_by_channel(campaign)
    return {
        "day_chart": _day_chart(per_day),
        "day_total": sum(n for _day, n in per_day),
        "chart_days": CHART_DAYS,
        "channel_chart": _channel_chart(channels) if channels else None,
        "days_since_last": days_since_last_signature(campaign),
    }
