"""Helpers of the security tests: a sister-city cooperation by title, carried as far as Kemlu."""

from __future__ import annotations

from sikd.rules import effective_rulebook

SISTER_CITY = {
    "type": "KSDPL",
    "subtype": "kota_kembar",
    "partner_name": "Pemerintah Kota Contoh",
    "partner_kind": "pemerintah_daerah",
    "partner_country": "JP",
    "objek": ["pertukaran_budaya", "promosi_potensi_daerah"],
    "prakarsa_origin": "daerah",
    "pemetaan_ref": "Keputusan Wali Kota tentang Daftar Rencana Program Kerja Sama 2026",
}


def sister_city(title: str) -> dict:
    persyaratan = [
        p["code"]
        for p in effective_rulebook("32.75").as_dict()["persyaratan"]
        if "KSDPL" in (p.get("types") or ["KSDPL"])
    ]
    return {**SISTER_CITY, "title": title, "persyaratan": persyaratan}


def create(p, title: str) -> int:
    created = p["opd"].post("/api/v1/cooperations", json=sister_city(title))
    assert created.status_code == 201, created.get_json()
    return created.get_json()["id"]


def carry_to_kemlu(p, kinds, today, title: str) -> int:
    """A KSDPL of Kota Bekasi from prakarsa until Kemendagri sends it to Kemlu (Perwal Bekasi
    57/2023 Pasal 60-69; Permendagri 25/2020 tahap 1-8)."""
    cid = create(p, title)
    p["tkksd"].act(cid, "lanjut_penjajakan", kinds, today)
    p["walikota"].act(cid, "sepakat", kinds, today)
    p["sekjen"].act(cid, "beri_tanggapan", kinds, today)
    p["kemlu"].act(cid, "beri_tanggapan_kemlu", kinds, today)
    p["walikota"].act(cid, "loi_ditandatangani", kinds, today)
    p["opd"].act(cid, "ajukan_telaah", kinds, today)
    p["tkksd"].act(cid, "ajukan_ke_dprd", kinds, today)
    p["dprd"].act(cid, "setujui", kinds, today)
    p["walikota"].act(cid, "sampaikan", kinds, today)
    p["gubernur"].act(cid, "teruskan", kinds, today, inputs={"catatan": "Sudah diverifikasi."})
    p["sekjen"].act(cid, "pertimbangan_lanjut", kinds, today)
    p["walikota"].act(cid, "sampaikan", kinds, today)
    p["gubernur"].act(cid, "teruskan", kinds, today)
    p["sekjen"].act(cid, "kirim_ke_kemlu", kinds, today)
    return cid
