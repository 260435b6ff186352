"""The KSDPL sister-city journey of Kota Bekasi through the HTTP API, as the acceptance tests
drive it (DOMAIN.md §3–4; Permendagri 25/2020; Perwal Kota Bekasi 57/2023 Pasal 57–81)."""

from __future__ import annotations

import pytest

from sikd.rules import effective_rulebook

SISTER_CITY = {
    "type": "KSDPL",
    "subtype": "kota_kembar",
    "title": "Kota Kembar Bekasi – Kota Contoh",
    "partner_name": "Pemerintah Kota Contoh",
    "partner_kind": "pemerintah_daerah",
    "partner_country": "JP",
    "objek": ["pertukaran_budaya", "promosi_potensi_daerah"],
    "persyaratan": [
        p["code"]
        for p in effective_rulebook("32.75").as_dict()["persyaratan"]
        if "KSDPL" in (p.get("types") or ["KSDPL"])
    ],
    "prakarsa_origin": "daerah",
    "pemetaan_ref": "Keputusan Wali Kota tentang Daftar Rencana Program Kerja Sama 2026",
}


@pytest.fixture
def kinds():
    """Kota Bekasi's document kinds (its effective rulebook), for ``ApiUser.act``/``upload``."""
    return effective_rulebook("32.75").as_dict()["document_kinds"]


def journey_people(client, make_user) -> dict:
    """The API users :func:`to_gubernur_with_rencana` takes, each a new account of its role."""
    from sikd.testing import TEST_PASSWORD, ApiUser

    def person(code, role):
        return ApiUser(client, make_user(code, [role]), TEST_PASSWORD)

    return {
        "opd": person("32.75", "opd"),
        "tkksd": person("32.75", "tkksd"),
        "walikota": person("32.75", "kepala_daerah"),
        "dprd": person("32.75", "sekretariat_dprd"),
        "sekjen": person("KEMENDAGRI", "sekjen_verifier"),
        "kemlu": person("KEMLU", "kemlu_reviewer"),
    }


def stage_of(p, coop_id):
    return p["tkksd"].get(f"/api/v1/cooperations/{coop_id}").get_json()["stage"]


def to_gubernur_with_rencana(p, kinds, today):
    """Prakarsa → … → the rencana lands with the Jawa Barat Gubernur verifier.

    ``p`` maps opd, tkksd, walikota, dprd (Kota Bekasi), sekjen (Kemendagri) and kemlu to API
    users."""
    created = p["opd"].post("/api/v1/cooperations", json=SISTER_CITY)
    assert created.status_code == 201, created.get_json()
    cid = created.get_json()["id"]
    p["tkksd"].act(cid, "lanjut_penjajakan", kinds, today)
    p["walikota"].act(cid, "sepakat", kinds, today)
    p["sekjen"].act(cid, "beri_tanggapan", kinds, today)
    p["kemlu"].act(cid, "beri_tanggapan_kemlu", kinds, today)
    p["walikota"].act(cid, "loi_ditandatangani", kinds, today)
    p["opd"].act(cid, "ajukan_telaah", kinds, today)
    p["tkksd"].act(cid, "ajukan_ke_dprd", kinds, today)
    p["dprd"].act(cid, "setujui", kinds, today)
    p["walikota"].act(cid, "sampaikan", kinds, today)
    assert stage_of(p, cid) == "rencana_di_gubernur"
    return cid
