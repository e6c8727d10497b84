"""Draw an order's zones and recent trail as an inline SVG: no tile server, no script, works offline.

Coordinates are projected with a local equirectangular projection around the middle of everything
drawn (metres east and north), scaled to fit the picture with a margin, north up. Circles keep their
radius in metres. Only presentation attributes are used (no inline ``style``), so the page's content
security policy holds. Labels are escaped.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

from oms.monitoring.rules.zones import EARTH_RADIUS_M

COLOURS = {  # GOV.UK palette: red for places to keep out of, green to stay in, blue for curfew/attendance
    "exclusion_zone": "#d4351c",
    "inclusion_zone": "#00703c",
    "curfew": "#1d70b8",
    "attendance": "#4c2c92",
}


@dataclass(frozen=True)
class MapZone:
    kind: str
    label: str
    geometry: dict  # GeoJSON Point, Polygon or MultiPolygon
    radius_m: float | None = None


def _rings(geometry: dict) -> list[list[tuple[float, float]]]:
    if geometry["type"] == "Polygon":
        return [[tuple(p[:2]) for p in ring] for ring in geometry["coordinates"]]
    if geometry["type"] == "MultiPolygon":
        return [[tuple(p[:2]) for p in ring] for polygon in geometry["coordinates"] for ring in polygon]
    return []


def render(
    zones: Sequence[MapZone],
    trail: Sequence[tuple[float, float]],
    *,
    width: int = 640,
    height: int = 480,
    title: str = "Map of the order's zones and recent trail",
) -> str:
    """The SVG text. ``trail`` is (longitude, latitude) oldest first; the last point is marked."""
    points: list[tuple[float, float]] = list(trail)
    for zone in zones:
        if zone.geometry["type"] == "Point":
            lon, lat = zone.geometry["coordinates"][:2]
            r_lat = (zone.radius_m or 0) / (math.radians(1) * EARTH_RADIUS_M)
            r_lon = r_lat / max(math.cos(math.radians(lat)), 1e-6)
            points += [(lon - r_lon, lat - r_lat), (lon + r_lon, lat + r_lat)]
        else:
            points += [p for ring in _rings(zone.geometry) for p in ring]
    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="100%" role="img" '
        f'aria-labelledby="map-title" class="oms-monitoring-map"><title id="map-title">{escape(title)}</title>'
        f'<rect x="0" y="0" width="{width}" height="{height}" fill="#f3f2f1"/>'
    )
    if not points:
        return (
            head
            + f'<text x="{width / 2}" y="{height / 2}" text-anchor="middle" fill="#505a5f">Nothing to show</text></svg>'
        )
    lon0 = (min(p[0] for p in points) + max(p[0] for p in points)) / 2
    lat0 = (min(p[1] for p in points) + max(p[1] for p in points)) / 2
    metre = math.radians(1) * EARTH_RADIUS_M
    cos0 = math.cos(math.radians(lat0))

    def metres(lon: float, lat: float) -> tuple[float, float]:
        return (lon - lon0) * metre * cos0, (lat - lat0) * metre

    xy = [metres(*p) for p in points]
    span = max(max(abs(x) for x, _ in xy) * 2, max(abs(y) for _, y in xy) * 2 * width / height, 50.0)
    scale = (width - 40) / span  # pixels per metre, 20 px margin each side

    def px(lon: float, lat: float) -> tuple[float, float]:
        x, y = metres(lon, lat)
        return round(width / 2 + x * scale, 1), round(height / 2 - y * scale, 1)

    parts = [head]
    for zone in zones:
        colour = COLOURS.get(zone.kind, "#505a5f")
        label = escape(zone.label)
        if zone.geometry["type"] == "Point":
            cx, cy = px(*zone.geometry["coordinates"][:2])
            r = round((zone.radius_m or 0) * scale, 1)
            parts.append(
                f'<circle cx="{cx}" cy="{cy}" r="{max(r, 2)}" fill="{colour}" fill-opacity="0.15" '
                f'stroke="{colour}" stroke-width="2"><title>{label}</title></circle>'
            )
        else:
            d = " ".join(
                "M " + " L ".join(f"{x} {y}" for x, y in (px(*p) for p in ring)) + " Z"
                for ring in _rings(zone.geometry)
            )
            parts.append(
                f'<path d="{d}" fill="{colour}" fill-opacity="0.15" fill-rule="evenodd" stroke="{colour}" '
                f'stroke-width="2"><title>{label}</title></path>'
            )
    if trail:
        line = " ".join(f"{x},{y}" for x, y in (px(*p) for p in trail))
        parts.append(f'<polyline points="{line}" fill="none" stroke="#0b0c0c" stroke-width="1.5"/>')
        for p in trail[:-1]:
            x, y = px(*p)
            parts.append(f'<circle cx="{x}" cy="{y}" r="2" fill="#0b0c0c"/>')
        x, y = px(*trail[-1])
        parts.append(
            f'<circle cx="{x}" cy="{y}" r="6" fill="#ffdd00" stroke="#0b0c0c" stroke-width="2">'
            "<title>Latest fix</title></circle>"
        )
    # A scale bar: a round number of metres near a fifth of the width.
    target = (width / 5) / scale
    bar_m = 10 ** math.floor(math.log10(target))
    bar_m *= 5 if target / bar_m >= 5 else 2 if target / bar_m >= 2 else 1
    bar_px = round(bar_m * scale, 1)
    label = f"{bar_m / 1000:g} km" if bar_m >= 1000 else f"{bar_m:g} m"
    parts.append(
        f'<line x1="20" y1="{height - 20}" x2="{20 + bar_px}" y2="{height - 20}" stroke="#0b0c0c" stroke-width="3"/>'
        f'<text x="20" y="{height - 28}" fill="#0b0c0c" font-size="14">{label}</text>'
        f'<text x="{width - 20}" y="30" text-anchor="end" fill="#0b0c0c" font-size="14">N ↑</text></svg>'
    )
    return "".join(parts)
