"""Maps drawn on the server as SVG, from data shipped with the app (nothing loaded at run time,
no tile server, no script): the world's countries from Natural Earth 1:110m (the ``world-atlas``
npm package's TopoJSON, ``static/countries-110m.json``), and each provinsi of Indonesia as a
symbol at its position (``tenants/provinsi_positions.csv``: the median of its islands'
coordinates from ``idn-area-data``), on Indonesia's Natural Earth outline. Sources and licenses:
``tenants/MAPS_SOURCE.md``. Every region links into the register, filtered to it."""

from __future__ import annotations

import csv
import json
import math
from functools import lru_cache
from pathlib import Path
from typing import Any

from babel import Locale

from sikd.core.config import REPO_ROOT

STATIC = Path(__file__).parent / "static"
POSITIONS = REPO_ROOT / "tenants" / "provinsi_positions.csv"
INDONESIA = "360"  # ISO 3166-1 numeric, the TopoJSON's feature ids
# Natural Earth's short names that are not the English (CLDR) name of the territory.
ALIASES = {
    "United States of America": "US", "Dem. Rep. Congo": "CD", "Dominican Rep.": "DO",
    "Central African Rep.": "CF", "Eq. Guinea": "GQ", "Bosnia and Herz.": "BA",
    "Solomon Is.": "SB", "Falkland Is.": "FK", "S. Sudan": "SS", "W. Sahara": "EH",
    "eSwatini": "SZ", "Macedonia": "MK", "Côte d'Ivoire": "CI", "Congo": "CG",
    "Timor-Leste": "TL", "Kosovo": "XK", "Fr. S. Antarctic Lands": "TF", "Czechia": "CZ",
    "Myanmar": "MM", "Turkey": "TR", "N. Cyprus": "", "Somaliland": "",
}  # fmt: skip
SHADES = ("#eef3f8", "#c6dbef", "#9ecae1", "#6baed6", "#3182bd", "#08519c")


@lru_cache(maxsize=1)
def _topology() -> dict[str, Any]:
    return json.loads((STATIC / "countries-110m.json").read_text())


@lru_cache(maxsize=1)
def _arcs() -> list[list[tuple[float, float]]]:
    topo = _topology()
    (sx, sy), (tx, ty) = topo["transform"]["scale"], topo["transform"]["translate"]
    out = []
    for arc in topo["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x, y = x + dx, y + dy
            points.append((x * sx + tx, y * sy + ty))
        out.append(points)
    return out


def _ring(indexes: list[int]) -> list[tuple[float, float]]:
    arcs, ring = _arcs(), []
    for i in indexes:
        points = arcs[i] if i >= 0 else list(reversed(arcs[~i]))
        ring.extend(points if not ring else points[1:])
    return ring


def _polygons(geometry: dict[str, Any]) -> list[list[list[tuple[float, float]]]]:
    if geometry["type"] == "Polygon":
        return [[_ring(r) for r in geometry["arcs"]]]
    if geometry["type"] == "MultiPolygon":
        return [[_ring(r) for r in poly] for poly in geometry["arcs"]]
    return []


@lru_cache(maxsize=1)
def _alpha2_by_name() -> dict[str, str]:
    names = {name: code for code, name in Locale("en").territories.items() if len(code) == 2}
    return {**names, **ALIASES}


class Frame:
    """Equirectangular projection of a lon/lat box onto a ``width``-wide SVG."""

    def __init__(self, west: float, east: float, south: float, north: float, width: int) -> None:
        self.west, self.north = west, north
        self.k = width / (east - west)
        self.width, self.height = width, round((north - south) * self.k)

    def xy(self, lon: float, lat: float) -> tuple[float, float]:
        return round((lon - self.west) * self.k, 1), round((self.north - lat) * self.k, 1)

    def path(self, geometry: dict[str, Any]) -> str:
        parts = []
        for poly in _polygons(geometry):
            for ring in poly:
                pts = [self.xy(lon, lat) for lon, lat in ring]
                parts.append("M" + "L".join(f"{x},{y}" for x, y in pts) + "Z")
        return "".join(parts)


def shade(value: int, top: int) -> str:
    if value <= 0 or top <= 0:
        return SHADES[0]
    step = 1 + min(len(SHADES) - 2, int((len(SHADES) - 2) * math.log1p(value) / math.log1p(top)))
    return SHADES[step]


def world(counts: dict[str, int], link) -> dict[str, Any]:
    """Each country as a path, coloured by its number of cooperations; partners link."""
    frame = Frame(-180, 180, -58, 84, 960)
    by_name, top = _alpha2_by_name(), max(counts.values(), default=0)
    shapes = []
    for g in _topology()["objects"]["countries"]["geometries"]:
        name = g.get("properties", {}).get("name", "")
        code = by_name.get(name, "")
        n = counts.get(code, 0) if code else 0
        shapes.append(
            {
                "d": frame.path(g),
                "name": name,
                "code": code,
                "count": n,
                "fill": "#d9822b" if g.get("id") == INDONESIA else shade(n, top),
                "href": link(code) if n else None,
            }
        )
    return {"width": frame.width, "height": frame.height, "shapes": shapes}


@lru_cache(maxsize=1)
def positions() -> dict[str, tuple[float, float]]:
    with POSITIONS.open(newline="") as fh:
        return {r["code"]: (float(r["lon"]), float(r["lat"])) for r in csv.DictReader(fh)}


def indonesia(rows: list[dict[str, Any]], link) -> dict[str, Any]:
    """``rows``: {code, name, total, overdue, dormant}: a circle per provinsi, its area by the
    number of cooperations, its colour by the share overdue or dormant."""
    frame = Frame(94.5, 141.5, -11.5, 6.5, 960)
    outline = [
        frame.path(g)
        for g in _topology()["objects"]["countries"]["geometries"]
        if g.get("id") == INDONESIA
    ]
    top = max((r["total"] for r in rows), default=0)
    marks = []
    for r in rows:
        if r["code"] not in positions():
            continue
        x, y = frame.xy(*positions()[r["code"]])
        share = (r["overdue"] + r["dormant"]) / r["total"] if r["total"] else 0
        radius = 6 + (22 * math.sqrt(r["total"] / top) if top else 0)
        colour = "#3a8f5c" if share < 0.1 else "#e9c46a" if share < 0.3 else "#b33c3c"
        marks.append({**r, "x": x, "y": y, "r": round(radius, 1), "fill": colour,
                      "share": round(100 * share), "href": link(r["code"])})  # fmt: skip
    return {"width": frame.width, "height": frame.height, "outline": outline, "marks": marks}
