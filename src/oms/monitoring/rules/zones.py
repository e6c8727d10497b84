"""Zones as shapes, and where a batch of fixes is relative to them (vectorised with shapely 2 / numpy).

- A polygon zone is a GeoJSON Polygon or MultiPolygon in longitude/latitude (RFC 7946: edges are straight
  in that coordinate space, so the test is done there). Shapes are prepared once per compiled order.
- A circle zone is a GeoJSON Point with a radius in metres. Distances are measured in a local metric
  projection centred on the point (equirectangular: east-west metres scaled by cos(latitude)); over the
  few kilometres of a curfew address or a zone the error is far below a GPS fix's accuracy.
- A point exactly on the boundary counts as inside the zone (``intersects``, not ``contains``): on an
  exclusion zone's edge is in the zone, on an inclusion zone's edge is still in it.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass

import numpy as np
import shapely
from shapely.geometry import MultiPolygon, Point, Polygon, shape

EARTH_RADIUS_M = 6_371_008.8  # mean Earth radius (IUGG)
MAX_RADIUS_M = 50_000
MAX_VERTICES = 20_000
# A fix exactly on a circle's edge, once degrees are turned into metres, may land a rounding error outside.
EDGE_TOLERANCE_M = 1e-6


class ZoneError(ValueError):
    def __init__(self, message: str, field: str = "geojson"):
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class ZoneShape:
    """A zone ready for evaluation: a prepared polygon, or a circle (centre and radius)."""

    polygon: Polygon | MultiPolygon | None = None
    centre: tuple[float, float] | None = None  # (longitude, latitude)
    radius_m: float | None = None

    def contains(self, lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
        """Inside or on the boundary, for each (lon, lat): a boolean array."""
        lon = np.asarray(lon, dtype=float)
        lat = np.asarray(lat, dtype=float)
        if self.polygon is not None:
            return shapely.intersects_xy(self.polygon, lon, lat)
        return distance_m(self.centre, lon, lat) <= self.radius_m + EDGE_TOLERANCE_M


def distance_m(centre: tuple[float, float], lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    """Metres from ``centre`` in the local equirectangular projection around it."""
    lon0, lat0 = centre
    scale = math.radians(1) * EARTH_RADIUS_M
    dx = (np.asarray(lon, dtype=float) - lon0) * scale * math.cos(math.radians(lat0))
    dy = (np.asarray(lat, dtype=float) - lat0) * scale
    return np.hypot(dx, dy)


def _geometry_of(data) -> tuple[dict, dict]:
    """The geometry object and the properties of a GeoJSON Feature, a one-feature FeatureCollection or a
    bare geometry."""
    if not isinstance(data, dict):
        raise ZoneError("The GeoJSON must be an object")
    kind = data.get("type")
    if kind == "FeatureCollection":
        features = data.get("features")
        if not isinstance(features, list) or len(features) != 1:
            raise ZoneError("Give one feature per zone (import a collection as several zones)")
        return _geometry_of(features[0])
    if kind == "Feature":
        props = data.get("properties") or {}
        if not isinstance(props, dict):
            raise ZoneError("The feature's properties must be an object")
        return data.get("geometry"), props
    return data, {}


def parse_zone(data, radius_m=None) -> tuple[dict, int | None]:
    """Check a zone's GeoJSON and return (geometry as a dict, radius in metres or None).

    A Point is a circle and needs a radius (``radius_m``, or the feature's ``radius_m`` property),
    1 to 50,000 m. A Polygon or MultiPolygon must be valid (closed rings, no self-intersection) with at most
    20,000 vertices. Coordinates are longitude -180..180, latitude -90..90."""
    geometry, props = _geometry_of(data)
    if not isinstance(geometry, dict) or geometry.get("type") not in ("Point", "Polygon", "MultiPolygon"):
        raise ZoneError("The zone must be a Point (with a radius), a Polygon or a MultiPolygon")
    try:
        geom = shape(geometry)
    except Exception:  # shapely raises several kinds for malformed coordinates
        raise ZoneError("The coordinates are not a valid geometry") from None
    if geom.is_empty:
        raise ZoneError("The geometry is empty")
    coords = shapely.get_coordinates(geom)
    if coords.shape[0] > MAX_VERTICES:
        raise ZoneError(f"At most {MAX_VERTICES} vertices")
    if not np.all(np.isfinite(coords)):
        raise ZoneError("Coordinates must be numbers")
    if np.any(np.abs(coords[:, 0]) > 180) or np.any(np.abs(coords[:, 1]) > 90):
        raise ZoneError("Coordinates are longitude (-180 to 180) then latitude (-90 to 90)")
    if isinstance(geom, Point):
        radius = radius_m if radius_m is not None else props.get("radius_m")
        if isinstance(radius, bool) or not isinstance(radius, int | float) or not 1 <= radius <= MAX_RADIUS_M:
            raise ZoneError(f"A circle needs a radius of 1 to {MAX_RADIUS_M} metres", "radius_m")
        return shapely.geometry.mapping(geom), int(round(radius))
    if not geom.is_valid:
        raise ZoneError(f"The polygon is not valid: {shapely.is_valid_reason(geom)}")
    return json.loads(shapely.to_geojson(geom)), None


def compile_zone(geojson: str, radius_m: int | None) -> ZoneShape:
    geom = shapely.from_geojson(geojson)
    if isinstance(geom, Point):
        return ZoneShape(centre=(geom.x, geom.y), radius_m=float(radius_m or 0))
    shapely.prepare(geom)
    return ZoneShape(polygon=geom)


def circle_geojson(lon: float, lat: float) -> str:
    return json.dumps({"type": "Point", "coordinates": [lon, lat]})
