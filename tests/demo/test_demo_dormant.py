"""The dormant list on the demo data names each case with its reason (issue 14's acceptance):
the demo holds at least one case of each reason of :mod:`sikd.register.dormant`: an LoI past its
year with no Rencana (PMDN25 tahap 3; Perwal 57/2023 Pasal 62(3)), an annual report not made
(PMDN25 tahap 12; Perwal 57/2023 Pasal 80(2)), and a running cooperation with no activity,
report or evaluation for twelve months (Perwal 57/2023 Pasal 80, 85)."""

from __future__ import annotations

import re

from sikd.demo import seed_demo_accounts, seed_demo_cooperations
from sikd.testing.web import text

REASONS = {
    "loi_tanpa_rencana": "Pernyataan Kehendak (LoI) sudah lewat masa berlakunya dan Rencana Kerja "
    "Sama belum disusun",
    "laporan_tahunan": "Laporan tahunan kepada Gubernur (minggu pertama Januari): belum "
    "disampaikan.",
    "tanpa_kegiatan": "Tidak ada kegiatan, laporan, atau evaluasi sejak",
}


def rows_of(page: str) -> dict[str, str]:
    """number → the text of its row on the dormant list."""
    out = {}
    for row in re.findall(r"<tr>(.*?)</tr>", page, re.S):
        number = re.search(r">(KS/[^<]+)</a>", row)
        if number:
            out[number.group(1)] = re.sub(r"\s+", " ", row)
    return out


def test_the_dormant_list_on_the_demo_names_each_case_with_its_reason(app_ctx, web):
    seed_demo_accounts("kata-sandi-demo-uji-1")
    seed_demo_cooperations(strict=True)
    page = text(web("KEMENDAGRI", ["sekjen_verifier"]).get("/kerja-sama/tidak-aktif"))
    rows = rows_of(page)
    for code, sentence in REASONS.items():
        named = [n for n, row in rows.items() if f'data-code="{code}"' in row and sentence in row]
        assert named, f"no demo case is listed with the reason {code}"
