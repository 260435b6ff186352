"""Vendor the provinsi shapes of the npm package ``@svg-maps/indonesia`` 1.0.0 (CC BY 4.0) into
``platform/sikd/register/static/provinsi-indonesia.json``, keyed by our provinsi code.

Usage (outside the app, once per package version)::

    npm pack @svg-maps/indonesia@1.0.0 && tar xzf svg-maps-indonesia-1.0.0.tgz
    python scripts/maps/svg_maps_indonesia.py package/indonesia.svg

The paths use only relative ``m`` (with implicit line-tos) and ``z``; they are rewritten with
each point rounded to 0.1 unit in absolute terms (the map is 793 units wide), so no border
moves by more than 0.05 unit. Nothing else is changed.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

OUT = Path(__file__).parents[2] / "platform/sikd/register/static/provinsi-indonesia.json"
# The package's ids (ISO 3166-2:ID without the prefix) → our provinsi code (Kepmendagri
# 300.2.2-2138/2025, tenants/regions.csv). The package predates the 2022 split of Papua: its
# "Papua" is today's Papua, Papua Selatan, Papua Tengah and Papua Pegunungan; its "Papua Barat"
# is today's Papua Barat and Papua Barat Daya.
CODES = {
    "id-ac": "11", "id-su": "12", "id-sb": "13", "id-ri": "14", "id-ja": "15", "id-ss": "16",
    "id-be": "17", "id-la": "18", "id-bb": "19", "id-kr": "21", "id-jk": "31", "id-jb": "32",
    "id-jt": "33", "id-yo": "34", "id-ji": "35", "id-bt": "36", "id-ba": "51", "id-nb": "52",
    "id-nt": "53", "id-kb": "61", "id-kt": "62", "id-ks": "63", "id-ki": "64", "id-ku": "65",
    "id-sa": "71", "id-st": "72", "id-sn": "73", "id-sg": "74", "id-go": "75", "id-sr": "76",
    "id-ma": "81", "id-mu": "82", "id-pa": "91", "id-pb": "92",
}  # fmt: skip
GROUPS = {"91": ["91", "93", "94", "95"], "92": ["92", "96"]}


def _num(v: int) -> str:
    """Tenths of a unit as the shortest decimal: 13 → "1.3", -2 → "-.2", 30 → "3"."""
    sign, v = ("-" if v < 0 else ""), abs(v)
    whole, tenth = divmod(v, 10)
    return sign + (str(whole) if whole else "") + (f".{tenth}" if tenth else "") if v else "0"


def compact(d: str) -> str:
    """The same outline, each point rounded to 0.1 unit in absolute terms (no drift), written
    back as relative steps; repeated points are dropped."""
    tokens = re.findall(r"[mz]|-?\d*\.?\d+(?:e-?\d+)?", d)
    out: list[str] = []
    x = y = 0.0  # exact position
    px = py = 0  # position written so far, in tenths
    start = (0.0, 0.0, 0, 0)
    i = 0
    while i < len(tokens):
        tok = tokens[i]
        if tok == "z":
            out.append("z")
            x, y, px, py = start
            i += 1
            continue
        move = tok == "m"
        if move:
            i += 1
        x, y = x + float(tokens[i]), y + float(tokens[i + 1])
        i += 2
        qx, qy = round(x * 10), round(y * 10)
        if move:
            out.append(f"m{_num(qx - px)},{_num(qy - py)}")
            start = (x, y, qx, qy)
        elif (qx, qy) != (px, py):
            out.append(f" {_num(qx - px)},{_num(qy - py)}")
        px, py = qx, qy
    return "".join(out)


def main(svg: str) -> None:
    text = Path(svg).read_text()
    view = [float(v) for v in re.search(r'viewBox="([^"]+)"', text).group(1).split()]
    shapes = []
    for sid, name, d in re.findall(r'<path\s+id="([^"]+)"\s+name="([^"]+)"\s+d="([^"]+)"', text):
        code = CODES[sid]
        shapes.append({"code": code, "id": sid, "name": name, "group": GROUPS.get(code, [code]),
                       "d": compact(d)})  # fmt: skip
    assert sorted(s["id"] for s in shapes) == sorted(CODES), "the package's ids changed"
    data = {
        "source": "npm @svg-maps/indonesia 1.0.0 (indonesia.svg), based on MapSVG",
        "license": "CC BY 4.0",
        "attribution": "Batas provinsi: @svg-maps/indonesia 1.0.0 (Bashir Arrohman, berdasarkan "
        "MapSVG), lisensi CC BY 4.0; koordinat dibulatkan",
        "viewBox": view,
        "shapes": sorted(shapes, key=lambda s: s["code"]),
    }
    OUT.write_text(json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n")


if __name__ == "__main__":
    main(sys.argv[1])
