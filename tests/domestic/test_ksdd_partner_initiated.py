"""KSDD offered by the other daerah (Perwal Kota Bekasi 57/2023 Pasal 35), and KSDD with a
daerah that does not use SIKD yet (a free-text partner), on the shipped rulebooks."""

from __future__ import annotations

from datetime import date

from sikd.testing.domestic import detail, inbox_ids, kinds_of, ksdd, set_fact, stage

SURAKARTA, SUKOHARJO, BEKASI, DEPOK = "33.72", "33.11", "32.75", "32.76"


def test_surakarta_offers_sukoharjo_runs_to_the_signed_pks_pasal_35(cast, app_ctx):
    """Pasal 35(3): the offering daerah's surat penawaran, signed by its Kepala Daerah, reaches
    the Kepala Daerah of the receiving daerah with the draft Kesepakatan Bersama; from then on
    Pasal 22-34 apply mutatis mutandis (35(1)-(2)), each step by the receiving side's own roles:
    its TKKSD discusses, its Bupati signs, its DPRD approves because Sukoharjo's TKKSD marked the
    cooperation as not budgeted in its APBD (27), its kepala Perangkat Daerah signs the PKS under
    its own surat kuasa (29(2))."""
    kinds, today = kinds_of(SURAKARTA), date.today()
    for role in ("kepala_daerah", "tkksd"):
        cast(SUKOHARJO, role)
    created = cast(SURAKARTA, "opd").post(
        "/api/v1/cooperations", json=ksdd(SUKOHARJO, "Pengelolaan Sampah Regional Solo Raya")
    )
    assert created.status_code == 201, created.get_json()
    cid = created.get_json()["id"]
    cast(SURAKARTA, "opd").act(cid, "ajukan_kak", kinds, today)
    cast(SURAKARTA, "tkksd").act(cid, "setujui", kinds, today)
    walikota = cast(SURAKARTA, "kepala_daerah")
    assert walikota.upload(cid, "kesepakatan_bersama", kinds, today).status_code == 201
    walikota.act(cid, "kirim_penawaran", kinds, today)

    bupati, sk_tkksd = cast(SUKOHARJO, "kepala_daerah"), cast(SUKOHARJO, "tkksd")
    assert cid in inbox_ids(bupati)
    docs = bupati.get(f"/api/v1/cooperations/{cid}/documents").get_json()
    assert {"surat_penawaran", "kesepakatan_bersama"} <= {d["kind"] for d in docs["items"]}
    set_fact(sk_tkksd, cid, "mitra_belum_dianggarkan")
    bupati.act(cid, "terima", kinds, today)
    cast(SURAKARTA, "tkksd").act(cid, "ajukan_pembahasan", kinds, today)
    sk_tkksd.act(cid, "disepakati", kinds, today)
    walikota.act(cid, "tandatangani", kinds, today, {"cara_penandatanganan": "bersama"})
    bupati.act(cid, "tandatangani", kinds, today)
    # Pasal 27: Surakarta is not burdened, so only Sukoharjo's DPRD approves at the DPRD stage
    assert stage(walikota, cid) == "persetujuan_dprd"
    assert detail(walikota, cid).get_json()["waiting_sides"] == ["partner"]
    sk_dprd = cast(SUKOHARJO, "sekretariat_dprd")
    assert cid in inbox_ids(sk_dprd)
    assert cid not in inbox_ids(cast(SURAKARTA, "sekretariat_dprd"))
    listing = sk_dprd.actions(cid)
    assert listing["actions"][0]["missing_documents"] == ["surat_persetujuan_dprd_mitra"]
    sk_dprd.act(cid, "setujui", kinds, today)  # uploads its DPRD letter, then approves
    assert stage(walikota, cid) == "penyusunan_pks"
    cast(SURAKARTA, "opd").upload(cid, "perjanjian_kerja_sama", kinds, today)
    cast(SURAKARTA, "tkksd").act(cid, "ajukan_pembahasan", kinds, today)
    sk_tkksd.act(cid, "disepakati", kinds, today)
    walikota.act(cid, "tandatangani", kinds, today)
    cast(SUKOHARJO, "opd").act(
        cid,
        "tandatangani_dengan_kuasa",
        kinds,
        today,
        {"nomor_surat_kuasa": "180/77/2026", "penerima_kuasa": "Kepala DLH Sukoharjo"},
    )
    assert stage(walikota, cid) == "penatausahaan"
    body = detail(bupati, cid).get_json()
    assert body["partner_tenant"]["code"] == SUKOHARJO
    assert body["partner_number"].startswith(f"KS/{SUKOHARJO}/")


def test_offer_from_a_daerah_not_in_sikd_starts_at_its_receipt_pasal_35_3(cast, app_ctx):
    """Pasal 35(3) for a daerah outside SIKD: the receiving daerah records the surat penawaran
    with the draft Kesepakatan Bersama; its Kepala Daerah accepts, and the draft goes straight
    to the discussion with the partner (recorded by the receiving daerah's TKKSD)."""
    kinds, today = kinds_of(SUKOHARJO), date.today()
    created = cast(SUKOHARJO, "tkksd").post(
        "/api/v1/cooperations",
        json=ksdd(
            None,
            "Pengembangan Agrowisata Lereng Lawu",
            partner_name="Pemerintah Kabupaten Karanganyar",
            prakarsa_origin="mitra",
        ),
    )
    assert created.status_code == 201, created.get_json()
    body = created.get_json()
    cid = body["id"]
    assert body["stage"] == "penerimaan_penawaran" and body["partner_tenant"] is None
    bupati = cast(SUKOHARJO, "kepala_daerah")
    assert cid in inbox_ids(bupati)
    bupati.act(cid, "terima", kinds, today)
    assert stage(bupati, cid) == "pembahasan_kesepakatan"
    # the partner is free text: Sukoharjo's TKKSD records the partner's agreement
    cast(SUKOHARJO, "tkksd").act(cid, "disepakati", kinds, today)
    assert stage(bupati, cid) == "penandatanganan_kesepakatan"


def test_partner_daerah_not_active_in_sikd_is_free_text(cast, app_ctx):
    """A daerah of the registry with nobody in SIKD yet is named but cannot hold a stage: the
    offering daerah records the partner's answer (its Kepala Daerah), and nothing is granted."""
    kinds, today = kinds_of(BEKASI), date.today()
    created = cast(BEKASI, "opd").post(
        "/api/v1/cooperations", json=ksdd(DEPOK, "Transportasi Terpadu Bekasi-Depok")
    )
    body = created.get_json()
    assert created.status_code == 201 and body["partner_tenant"] is None
    assert body["partner_name"] == "Pemerintah Kota Depok"
    cid = body["id"]
    cast(BEKASI, "opd").act(cid, "ajukan_kak", kinds, today)
    cast(BEKASI, "tkksd").act(cid, "setujui", kinds, today)
    walikota = cast(BEKASI, "kepala_daerah")
    walikota.act(cid, "kirim_penawaran", kinds, today)
    assert cid in inbox_ids(walikota)
    walikota.act(cid, "terima", kinds, today)
    assert stage(walikota, cid) == "penyusunan_kesepakatan"
    assert detail(cast(DEPOK, "kepala_daerah"), cid).status_code == 404


def test_partner_code_must_be_another_daerah(cast, app_ctx):
    opd = cast(BEKASI, "opd")
    for code in (BEKASI, "KEMLU", "99.99"):
        response = opd.post("/api/v1/cooperations", json=ksdd(code, "Kerja sama uji"))
        assert response.status_code == 422, code
        assert "partner_tenant_code" in response.get_json()["errors"]
