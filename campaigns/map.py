"""The U.S. map as inline SVG, drawn on the server from the vendored us-atlas county shapes."""

import hashlib
import json
from functools import cache
from pathlib import Path

from django.conf import settings
from django.core.cache import cache as default_cache
from django.db.models import Q
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.text import capfirst
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from .geography import zip_for_county
from .models import Campaign, CampaignStatus, Jurisdiction
from .places import place_name
from .states import state_name

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
def states_path() -> str:
    """All states as one path: the light background, drawn once per process."""
    return "".join(
        _path_data(g, STATE_DECIMALS, STATE_TOLERANCE)
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


def _svg(counties: list[dict]) -> str:
    title = escape(_("Map of the United States with every county that has a 287(g) contract"))
    out = [
        f'<svg class="us-map" viewBox="{VIEWBOX}" role="group" aria-labelledby="us-map-title" '
        f'xmlns="http://www.w3.org/2000/svg"><title id="us-map-title">{title}</title>'
        f'<path class="state" aria-hidden="true" d="{states_path()}"/>'
    ]
    for county in counties:
        if not county["drawn"]:
            continue
        label = escape(county["label"])
        out.append(
            f'<a href="{escape(county["url"])}" aria-label="{label}"><title>{label}</title>'
            f'<path class="contract" d="{county_path(county["fips"])}"/></a>'
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
        .order_by("state", "county__name")
        .values_list(
            "county_id",
            "county__name",
            "agency__county_id",
            "agency__county__name",
            "state",
            "slug",
            "status",
        )
    )
    rows, police = [], set()
    for fips, name, city_fips, city_county, state, slug, status in found:
        if fips:
            rows.append((fips, name, state, slug, status))
        else:
            police.add((city_fips, city_county, state, "", status))
    drawn = {row[0] for row in rows}
    rows += sorted(row for row in police if row[0] not in drawn)
    version = hashlib.sha256(repr(rows).encode()).hexdigest()[:20]
    key = f"us-map:{get_language()}:{version}"
    context = default_cache.get(key)
    if context is None:
        context = _build(rows)
        default_cache.set(key, context, CACHE_SECONDS)
    context = dict(context)
    # Safe: _svg escapes every name, label and address it puts in the markup.
    context["map_svg"] = mark_safe(context["map_svg"])  # noqa: S308
    return context


def _build(rows: list[tuple]) -> dict:
    counties = []
    by_fips: dict[str, dict] = {}
    for fips, name, state, slug, status in rows:
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
            "needs_leader": status == CampaignStatus.OPEN,
            "label": label,
            "drawn": bool(county_path(fips)),
        }
        counties.append(by_fips[fips])
    counties.sort(key=lambda c: (c["state"], c["name"]))
    by_state: dict[str, list[dict]] = {}
    for county in counties:
        by_state.setdefault(county["state"], []).append(county)
    groups = [
        {"code": code, "name": state_name(code), "counties": items}
        for code, items in sorted(by_state.items(), key=lambda kv: state_name(kv[0]))
    ]
    return {
        "map_svg": _svg(counties),
        "map_counties": counties,
        "map_states": groups,
        "map_missing": [c for c in counties if not c["drawn"]],
    }
