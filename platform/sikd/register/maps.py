"""Maps drawn on the server as SVG, from data shipped with the app (nothing loaded at run time,
no tile server, no script): the world's countries from Natural Earth 1:110m (the ``world-atlas``
npm package's TopoJSON, ``static/countries-110m.json``), and Indonesia's provinsi from the npm
package ``@svg-maps/indonesia`` 1.0.0 (CC BY 4.0; ``static/provinsi-indonesia.json``, made by
``scripts/maps/svg_maps_indonesia.py``). That package has the 34 provinsi before the 2022 split
of Papua: its Papua shape stands for Papua, Papua Selatan, Papua Tengah and Papua Pegunungan, its
Papua Barat for Papua Barat and Papua Barat Daya (``group``), and says so. Sources and licenses:
``tenants/MAPS_SOURCE.md``. Every region links into the register, filtered to it."""

from __future__ import annotations

import json
import math
from functools import lru_cache
from pathlib import Path
from typing import Any

from babel import Locale

STATIC = Path(__file__).parent / "static"
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


WORLD_FRAME = Frame(-180, 180, -58, 84, 960)


@lru_cache(maxsize=1)
def _world_outlines() -> tuple[tuple[str, str, str, bool], ...]:
    """(path, name, alpha-2 code, is Indonesia) per country: the projection is the same on
    every request, so it is drawn once per process."""
    by_name = _alpha2_by_name()
    out = []
    for g in _topology()["objects"]["countries"]["geometries"]:
        name = g.get("properties", {}).get("name", "")
        out.append((WORLD_FRAME.path(g), name, by_name.get(name, ""), g.get("id") == INDONESIA))
    return tuple(out)


def world(counts: dict[str, int], link) -> dict[str, Any]:
    """Each country as a path, coloured by its number of cooperations; partners link."""
    top = max(counts.values(), default=0)
    shapes = []
    for d, name, code, indonesia in _world_outlines():
        n = counts.get(code, 0) if code else 0
        shapes.append(
            {
                "d": d,
                "name": name,
                "code": code,
                "count": n,
                "fill": "#d9822b" if indonesia else shade(n, top),
                "href": link(code) if n else None,
            }
        )
    return {"width": WORLD_FRAME.width, "height": WORLD_FRAME.height, "shapes": shapes}


# How a provinsi is coloured: by its number of cooperations, or by the share of them overdue or
# dormant (of its own and its kab/kota's).
MEASURES = {
    "jumlah": "Jumlah kerja sama",
    "lewat_tenggat": "Bagian yang lewat tenggat",
    "tidak_aktif": "Bagian yang tidak aktif",
}
SHARE_BINS = ((0.1, "#3a8f5c", "di bawah 10%"), (0.3, "#e9c46a", "10% sampai di bawah 30%"),
              (2.0, "#b33c3c", "30% atau lebih"))  # fmt: skip
EMPTY = "#e6e0d4"


@lru_cache(maxsize=1)
def provinsi_shapes() -> dict[str, Any]:
    """{viewBox, attribution, shapes: [{code, id, name, group, d}]}: 34 shapes; ``group`` lists
    the provinsi codes a shape stands for (itself, or the provinsi split from it since)."""
    return json.loads((STATIC / "provinsi-indonesia.json").read_text())


def shape_of_provinsi() -> dict[str, str]:
    """Each provinsi code → the code of the shape that draws it."""
    return {member: s["code"] for s in provinsi_shapes()["shapes"] for member in s["group"]}


def _fill(measure: str, total: int, overdue: int, dormant: int, top: int) -> tuple[str, int]:
    if not total:
        return EMPTY, 0
    if measure == "jumlah":
        return shade(total, top), total
    share = (overdue if measure == "lewat_tenggat" else dormant) / total
    colour = next(c for limit, c, _ in SHARE_BINS if share < limit)
    return colour, round(100 * share)


def legend(measure: str, shapes: list[dict[str, Any]]) -> list[tuple[str, str]]:
    """The colours on the map, each with what it means (for a count: the counts drawn in it)."""
    if measure != "jumlah":
        return [(EMPTY, "tidak ada kerja sama"), *((c, label) for _, c, label in SHARE_BINS)]
    out = [(EMPTY, "tidak ada kerja sama")]
    for colour in SHADES[1:]:
        counts = [s["total"] for s in shapes if s["total"] and s["fill"] == colour]
        if counts:
            low, high = min(counts), max(counts)
            out.append((colour, f"{low}" if low == high else f"{low}–{high}"))
    return out


def indonesia(rows: list[dict[str, Any]], link, measure: str = "jumlah") -> dict[str, Any]:
    """``rows``: {code, name, total, overdue, dormant} per provinsi (all 38, zeros included): a
    path per shape of the package, coloured by ``measure`` over the provinsi it stands for, its
    label naming each of them; ``link(codes)`` gives the register of those provinsi."""
    if measure not in MEASURES:
        measure = "jumlah"
    data = provinsi_shapes()
    by_code = {r["code"]: r for r in rows}
    sums = []
    for shape in data["shapes"]:
        members = [by_code[c] for c in shape["group"] if c in by_code]
        sums.append(tuple(sum(m[k] for m in members) for k in ("total", "overdue", "dormant")))
    top = max((t for t, _, _ in sums), default=0)
    shapes = []
    for shape, (total, overdue, dormant) in zip(data["shapes"], sums, strict=True):
        members = [by_code[c] for c in shape["group"] if c in by_code]
        names = [m["name"] for m in members] or [shape["name"]]
        fill, value = _fill(measure, total, overdue, dormant, top)
        label = names[0]
        if len(names) > 1:
            label = f"{names[0]} (batas sebelum pemekaran 2022: {', '.join(names)})"
        shapes.append(
            {
                "code": shape["code"],
                "group": shape["group"],
                "d": shape["d"],
                "name": label,
                "total": total,
                "overdue": overdue,
                "dormant": dormant,
                "value": value,
                "fill": fill,
                "href": link(shape["group"]),
            }
        )
    x, y, w, h = data["viewBox"]
    return {
        "viewBox": f"{x:g} {y:g} {w:g} {h:g}",
        "shapes": shapes,
        "measure": measure,
        "measures": MEASURES,
        "legend": legend(measure, shapes),
        "attribution": data["attribution"],
    }
