"""Plain language: no raw basis codes shown to people. Regulations are written out
(«Perwal Kota Bekasi 57/2023 Pasal 66 ayat (3)»), SIKD's own rule is explained in words, and a
deadline counted from a document's date says so."""

from __future__ import annotations

import re

from sikd.core.plain import plain_basis
from sikd.testing.web import text


def test_bases_are_written_out_for_people():
    assert plain_basis("PERWAL57 Pasal 66(3)") == "Perwal Kota Bekasi 57/2023 Pasal 66 ayat (3)"
    assert plain_basis("Perwal Bekasi 57/2023 Pasal 60(3) huruf b") == (
        "Perwal Kota Bekasi 57/2023 Pasal 60 ayat (3) huruf b"
    )
    said = plain_basis("PMDN25 tahap 6; penerusan melalui Gubernur: ketentuan SIKD, DOMAIN §4")
    assert "DOMAIN" not in said and "§" not in said
    assert said.startswith("Permendagri 25/2020 tahap 6")
    assert "Aturan produk SIKD (bukan pasal peraturan)" in said and "5 hari" in said


def test_the_rules_page_shows_no_codes_on_the_shipped_rulebooks(web):
    """Perwal Kota Bekasi 57/2023 Pasal 62 ayat (3) and 66 ayat (3) as people read them."""
    page = text(web("32.75", ["tkksd"]).get("/aturan"))
    assert "DOMAIN §" not in page and "ketentuan SIKD" not in page
    assert not re.search(r"\b(PERWAL57|PMDN25|PMDN23)\b", page)
    assert not re.search(r"Pasal \d+\(\d+\)", page)
    assert "Perwal Kota Bekasi 57/2023 Pasal 66 ayat (3)" in page
    assert "Aturan produk SIKD" in page
    assert "pada tanggal «masa berlaku sampai» di dokumen LoI" in page
