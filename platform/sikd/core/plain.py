"""Legal bases in plain words for people: no product-rule codes, regulation names written out.

The rulebooks cite briefly (``PERWAL57 Pasal 66(3)``, ``ketentuan SIKD, DOMAIN §4``); the
services keep those texts as they are (they are stored on hops and decisions). Pages pass
what they show through :func:`plain_basis`.
"""

from __future__ import annotations

import re

# Product rules of SIKD (not a regulation's article), explained in words.
PRODUCT_RULES = {
    "4": (
        "Aturan produk SIKD (bukan pasal peraturan): pengajuan kabupaten/kota ke Kementerian "
        "Dalam Negeri melewati Gubernur, yang meneruskannya dalam 5 hari; bila tidak diteruskan, "
        "pengajuan langsung sampai ke Kementerian Dalam Negeri"
    ),
}
_PRODUCT = re.compile(r"ketentuan SIKD,?\s*DOMAIN\s*§\s*(\d+)")
_AYAT = re.compile(r"\bPasal (\d+)\((\d+)\)")
_NAMES = (
    ("Perwal Bekasi ", "Perwal Kota Bekasi "),
    ("PERWAL57", "Perwal Kota Bekasi 57/2023"),
    ("PMDN25", "Permendagri 25/2020"),
    ("PMDN23", "Permendagri 23/2009"),
)


def plain_basis(text: str | None) -> str:
    """``PERWAL57 Pasal 66(3)`` → ``Perwal Kota Bekasi 57/2023 Pasal 66 ayat (3)``;
    ``ketentuan SIKD, DOMAIN §4`` → the rule in words."""
    out = text or ""
    out = _PRODUCT.sub(
        lambda m: PRODUCT_RULES.get(m.group(1), "Aturan produk SIKD (bukan pasal peraturan)"),
        out,
    )
    for short, full in _NAMES:
        out = out.replace(short, full)
    return _AYAT.sub(lambda m: f"Pasal {m.group(1)} ayat ({m.group(2)})", out)
