"""The U.S. map as inline SVG, drawn on the server from the vendored us-atlas county shapes."""

import hashlib
import json
from functools import cache
from pathlib import Path

from django.conf import settings
from django.core.cache import cache as default_cache
from django.db.models import Exists, OuterRef, Q
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.text import capfirst
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from .geography import zip_for_county
from .models import IN_FORCE_STATUSES, Campaign, CampaignStatus, Contract, Jurisdiction
from .places import place_name
from .states import STATE_FIPS, STATE_NAMES, state_name

ATLAS = Path(settings.BASE_DIR) / "static" / "vendor" / "us-atlas" / "counties-albers-10m.json"
VIEWBOX = "0 0 975 610"
CACHE_SECONDS = 60 * 60 * 24

# Decimals kept per layer: whole pixels are enough for the background states at 975 wide; the
# marked counties keep one decimal so that the small Virginia cities do not collapse to a dot.
STATE_DECIMALS = 0
COUNTY_DECIMALS = 1
# Douglas-Peucker tolerance in map pixels, per layer: below what a screen shows at full width.
# Arcs are simplified once per tolerance, so a border shared by two shapes stays identical.
STATE_TOLERANCE = 0.6
COUNTY_TOLERANCE = 0.25


class Holding:
    """What a county holds, as the maps shade it (also the CSS class of its shape)."""

    IN_FORCE = "in-force"  # at least one agreement in force (a sheriff's or a city police's)
    ENDED = "ended"  # agreements on file, none in force
    NONE = "none"


@cache
def _topology() -> dict:
    with ATLAS.open(encoding="utf-8") as f:
        return json.load(f)


@cache
def _arcs(tolerance: float) -> tuple[tuple[tuple[float, float], ...], ...]:
    """Every arc as absolute coordinates: TopoJSON stores quantized deltas plus one transform."""
    topology = _topology()
    (sx, sy), (tx, ty) = topology["transform"]["scale"], topology["transform"]["translate"]
    decoded = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x += dx
            y += dy
            points.append((x * sx + tx, y * sy + ty))
        decoded.append(_simplify(points, tolerance))
    return tuple(decoded)


def _simplify(points: list[tuple[float, float]], tolerance: float) -> tuple:
    """Douglas-Peucker, iterative; both ends kept (they join arcs)."""
    if len(points) < 3:
        return tuple(points)
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    limit = tolerance * tolerance
    while stack:
        first, last = stack.pop()
        (ax, ay), (bx, by) = points[first], points[last]
        dx, dy = bx - ax, by - ay
        length = dx * dx + dy * dy
        worst, worst_at = -1.0, 0
        for i in range(first + 1, last):
            px, py = points[i]
            if length:
                t = max(0.0, min(1.0, ((px - ax) * dx + (py - ay) * dy) / length))
                ex, ey = ax + t * dx - px, ay + t * dy - py
            else:
                ex, ey = ax - px, ay - py
            distance = ex * ex + ey * ey
            if distance > worst:
                worst, worst_at = distance, i
        if worst > limit:
            keep[worst_at] = True
            stack.append((first, worst_at))
            stack.append((worst_at, last))
    return tuple(p for p, k in zip(points, keep, strict=True) if k)


def _ring(indexes: list[int], tolerance: float) -> list[tuple[float, float]]:
    """A closed ring from arc indexes; ~i (a negative index) means arc i walked backwards."""
    arcs = _arcs(tolerance)
    points: list[tuple[float, float]] = []
    for index in indexes:
        arc = arcs[~index][::-1] if index < 0 else arcs[index]
        # Consecutive arcs share their joining point: keep it once.
        points.extend(arc[1:] if points else arc)
    return points


def _polygons(geometry: dict) -> list[list[list[int]]]:
    if geometry["type"] == "Polygon":
        return [geometry["arcs"]]
    if geometry["type"] == "MultiPolygon":
        return geometry["arcs"]
    return []


def _path_data(geometry: dict, decimals: int, tolerance: float) -> str:
    """SVG path data, relative moves after the first point, rounded, without repeated points."""
    scale = 10**decimals
    parts = []
    for polygon in _polygons(geometry):
        for ring in polygon:
            rounded = []
            for x, y in _ring(ring, tolerance):
                point = (round(x * scale), round(y * scale))
                if not rounded or point != rounded[-1]:
                    rounded.append(point)
            if rounded[-1] == rounded[0]:
                rounded.pop()
            if len(rounded) < 3:
                continue
            (x0, y0), steps = rounded[0], []
            px, py = x0, y0
            for x, y in rounded[1:]:
                steps.append(f"{_number(x - px, decimals)} {_number(y - py, decimals)}")
                px, py = x, y
            parts.append(f"M{_number(x0, decimals)} {_number(y0, decimals)}l{' '.join(steps)}z")
    # Negative numbers carry their own separator: "1 -2" -> "1-2" saves a byte per point.
    return "".join(parts).replace(" -", "-")


def _number(value: int, decimals: int) -> str:
    if not decimals:
        return str(value)
    text = f"{value / 10**decimals:.{decimals}f}".rstrip("0").rstrip(".")
    if text.startswith("0."):
        return text[1:]
    if text.startswith("-0."):
        return "-" + text[2:]
    return text


@cache
def _geometries(layer: str) -> dict[str, dict]:
    return {g["id"]: g for g in _topology()["objects"][layer]["geometries"] if "id" in g}


@cache
def state_paths() -> tuple[tuple[str, str], ...]:
    """(state code or "", path) per state: the light background, each state linking to its page."""
    codes = {fips: code for code, fips in STATE_FIPS.items()}
    return tuple(
        (codes.get(g.get("id", ""), ""), _path_data(g, STATE_DECIMALS, STATE_TOLERANCE))
        for g in _topology()["objects"]["states"]["geometries"]
    )


@cache
def county_path(fips: str) -> str:
    geometry = _geometries("counties").get(fips)
    return _path_data(geometry, COUNTY_DECIMALS, COUNTY_TOLERANCE) if geometry else ""


def _status_phrase(status: str) -> str:
    label = str(CampaignStatus(status).label)
    return label[:1].lower() + label[1:]


def county_label(name: str, state: str, status: str) -> str:
    return _("%(county)s, %(state)s: 287(g) campaign, %(status)s") % {
        "county": capfirst(place_name(name, state, get_language() or "en", article=False)),
        "state": state_name(state),
        "status": _status_phrase(status),
    }


def city_police_label(name: str, state: str) -> str:
    return _("%(county)s, %(state)s: 287(g) agreements of city police") % {
        "county": name,
        "state": state_name(state),
    }


def holding_phrase(holding: str) -> str:
    """What a county holds, in words (the map's colours say it again, never alone)."""
    if holding == Holding.IN_FORCE:
        return _("a 287(g) agreement in force")
    if holding == Holding.ENDED:
        return _("287(g) agreements that ended")
    return _("no 287(g) agreement on file")


def state_link_label(code: str) -> str:
    return _("%(state)s: its counties, statewide agencies and campaigns") % {
        "state": state_name(code)
    }


# Each link is named by its <title> alone (SVG's own way to name a link; an aria-label repeating
# it would add ~90 KB to the national map).


def _svg(counties: list[dict]) -> str:
    title = escape(_("Map of the United States with every county that has a 287(g) contract"))
    out = [
        f'<svg class="us-map" viewBox="{VIEWBOX}" role="group" aria-labelledby="us-map-title" '
        f'xmlns="http://www.w3.org/2000/svg"><title id="us-map-title">{title}</title>'
    ]
    for code, path in state_paths():
        if code in STATE_NAMES:
            label = escape(state_link_label(code))
            url = escape(reverse("campaigns:state", kwargs={"state": code.lower()}))
            out.append(
                f'<a href="{url}"><title>{label}</title><path class="state" d="{path}"/></a>'
            )
        else:
            out.append(f'<path class="state" aria-hidden="true" d="{path}"/>')
    for county in counties:
        if not county["drawn"]:
            continue
        label = escape(county["label"])
        out.append(
            f'<a href="{escape(county["url"])}"><title>{label}</title>'
            f'<path class="contract {county["holding"]}" d="{county_path(county["fips"])}"/></a>'
        )
    out.append("</svg>")
    return "".join(out)


def render_us_map() -> dict:
    """Context for the map page: the SVG, and the same counties as a list grouped by state.

    One small query per view; the drawing is cached under a hash of exactly what it shows (which
    campaigns, their names, addresses and statuses) and the language, so any change redraws it.
    """
    # A county where only a city's police has an agreement is on the map too (its row has no
    # slug): the same single query fetches both kinds.
    found = (
        Campaign.objects.public()
        .filter(Q(county__isnull=False) | Q(agency__jurisdiction=Jurisdiction.CITY))
        .annotate(
            fips=Coalesce("county_id", "agency__county_id"),
            in_force=Exists(
                Contract.objects.filter(
                    agency__county_id=OuterRef("fips"), status__in=IN_FORCE_STATUSES
                )
            ),
        )
        .order_by("state", "county__name")
        .values_list(
            "county_id",
            "county__name",
            "agency__county_id",
            "agency__county__name",
            "state",
            "slug",
            "status",
            "in_force",
        )
    )
    rows, police = [], set()
    for fips, name, city_fips, city_county, state, slug, status, in_force in found:
        holding = Holding.IN_FORCE if in_force else Holding.ENDED
        if fips:
            rows.append((fips, name, state, slug, status, holding))
        else:
            police.add((city_fips, city_county, state, "", status, holding))
    drawn = {row[0] for row in rows}
    rows += sorted(row for row in police if row[0] not in drawn)
    version = hashlib.sha256(repr(rows).encode()).hexdigest()[:20]
    key = f"us-map:{get_language()}:{version}"
    context = _drawn.get(key)
    if context is None:
        context = default_cache.get(key)
        if context is None:
            context = _build(rows)
            default_cache.set(key, context, CACHE_SECONDS)
        _remember(key, context)
    context = dict(context)
    # Safe: _svg and _county_list escape every name, label and address they put in the markup.
    context["map_svg"] = mark_safe(context["map_svg"])  # noqa: S308
    context["map_list"] = mark_safe(context["map_list"])  # noqa: S308
    return context


# The last drawings of this process, by language and version: a flushed or cold shared cache
# then costs each worker one query and a hash, not a redraw of a thousand counties (~150 ms).
# Bounded: two languages, and the version before an import while the new one settles.
_drawn: dict[str, dict] = {}
DRAWINGS_KEPT = 4


def _remember(key: str, context: dict) -> None:
    while len(_drawn) >= DRAWINGS_KEPT:
        del _drawn[next(iter(_drawn))]
    _drawn[key] = context


def _build(rows: list[tuple]) -> dict:
    counties = []
    by_fips: dict[str, dict] = {}
    for fips, name, state, slug, status, holding in rows:
        if fips in by_fips:  # one more police campaign in a county already listed
            by_fips[fips]["needs_leader"] |= status == CampaignStatus.OPEN
            continue
        if slug:
            url = Campaign(state=state, slug=slug).get_absolute_url()
            label = county_label(name, state, status)
        else:
            # Its ZIP code's search lists every city police of the county, grouped.
            url = f"{reverse('campaigns:search')}?q={zip_for_county(fips)}"
            label = city_police_label(name, state)
        by_fips[fips] = {
            "fips": fips,
            "name": name,
            "state": state,
            "url": url,
            "status": status,
            "holding": holding,
            "holding_text": holding_phrase(holding),
            "needs_leader": status == CampaignStatus.OPEN,
            "label": f"{label}; {holding_phrase(holding)}",
            "drawn": bool(county_path(fips)),
        }
        counties.append(by_fips[fips])
    counties.sort(key=lambda c: (c["state"], c["name"]))
    by_state: dict[str, list[dict]] = {}
    for county in counties:
        by_state.setdefault(county["state"], []).append(county)
    groups = [
        {
            "code": code,
            "name": state_name(code),
            "url": reverse("campaigns:state", kwargs={"state": code.lower()}),
            "counties": items,
        }
        for code, items in sorted(by_state.items(), key=lambda kv: state_name(kv[0]))
    ]
    return {
        "map_svg": _svg(counties),
        "map_list": _county_list(groups),
        "map_counties": counties,
        "map_states": groups,
        "map_missing": [c for c in counties if not c["drawn"]],
    }


def _county_list(groups: list[dict]) -> str:
    """The counties beside the map, by state, as HTML: drawn once per version with the SVG (a
    thousand list items through the template engine cost as much as the drawing)."""
    needs_leader = escape(_("needs a leader"))
    out = []
    for group in groups:
        out.append(
            f'<h3 class="h5 mt-3"><a href="{escape(group["url"])}">{escape(group["name"])}</a>'
            "</h3>\n<ul>\n"
        )
        for county in group["counties"]:
            title = capfirst(
                place_name(county["name"], county["state"], get_language() or "en", article=False)
            )
            leader = f" · {needs_leader}" if county["needs_leader"] else ""
            out.append(
                f'  <li><a href="{escape(county["url"])}">{escape(title)}</a>: '
                f"{escape(county['holding_text'])}{leader}</li>\n"
            )
        out.append("</ul>\n")
    return "".join(out)


# A state's own map: big enough on a phone to tap a county.

# The narrowest phone we design for (390 px) less the page's side padding.
PHONE_WIDTH = 358
# WCAG 2.2's minimum target (24 px), with a margin for the borders drawn over each shape.
TARGET_PX = 26
# The share of a state's counties whose shape should reach the target on a phone; the rest (a
# Virginia independent city, a tiny Georgia county) are reached through the list beside the map.
TAPPABLE_SHARE = 0.9
# Wider than this the map is more scrolling than map: the list carries the smallest counties.
MAX_WIDTH = 1200


@cache
def _county_box(fips: str) -> tuple[float, float, float, float]:
    xs, ys = [], []
    for polygon in _polygons(_geometries("counties")[fips]):
        for ring in polygon:
            for x, y in _ring(ring, COUNTY_TOLERANCE):
                xs.append(x)
                ys.append(y)
    return min(xs), min(ys), max(xs), max(ys)


@cache
def state_frame(code: str) -> dict:
    """The state's counties as drawn (FIPS -> atlas name), its view box and its size on screen."""
    prefix = STATE_FIPS.get(code, "--")
    counties = {
        fips: g.get("properties", {}).get("name", fips)
        for fips, g in _geometries("counties").items()
        if fips.startswith(prefix) and _polygons(g)
    }
    if not counties:
        return {"counties": {}, "view_box": "", "width": 0, "height": 0, "fits": True}
    boxes = [_county_box(fips) for fips in counties]
    x0, y0 = min(b[0] for b in boxes) - 1, min(b[1] for b in boxes) - 1
    x1, y1 = max(b[2] for b in boxes) + 1, max(b[3] for b in boxes) + 1
    sides = sorted(min(b[2] - b[0], b[3] - b[1]) for b in boxes)
    small = sides[int(len(sides) * (1 - TAPPABLE_SHARE))]
    scale = max(PHONE_WIDTH / (x1 - x0), TARGET_PX / small) if small else 1
    scale = min(scale, MAX_WIDTH / (x1 - x0))
    width = round((x1 - x0) * scale)
    return {
        "counties": counties,
        "view_box": f"{x0:.1f} {y0:.1f} {x1 - x0:.1f} {y1 - y0:.1f}",
        "width": width,
        "height": round((y1 - y0) * scale),
        # A state that fits a phone's width is drawn to the width of the page; a bigger one at
        # its own size, in a box that scrolls sideways.
        "fits": width <= PHONE_WIDTH * 1.05,
    }


def state_svg(code: str, counties: list[dict]) -> str:
    """A state's counties, each a link named with what it holds; `counties` carries the url,
    label and holding of every drawn county. Cached by the caller's page cache."""
    frame = state_frame(code)
    title = escape(
        _("Map of %(state)s: every county and the 287(g) agreements it holds")
        % {"state": state_name(code)}
    )
    size = "" if frame["fits"] else f' width="{frame["width"]}" height="{frame["height"]}"'
    out = [
        f'<svg class="state-map" viewBox="{frame["view_box"]}"{size} role="group" '
        f'aria-labelledby="state-map-title" xmlns="http://www.w3.org/2000/svg">'
        f'<title id="state-map-title">{title}</title>'
    ]
    for county in counties:
        if not county["drawn"]:
            continue
        label = escape(county["label"])
        out.append(
            f'<a href="{escape(county["url"])}"><title>{label}</title>'
            f'<path class="county {county["holding"]}" d="{county_path(county["fips"])}"/></a>'
        )
    out.append("</svg>")
    # Safe: every name, label and address above is escaped.
    return mark_safe("".join(out))  # noqa: S308
