"""KSDD between two daerah that both use SIKD, through the HTTP API (Perwal Kota Bekasi
57/2023 Pasal 21-35 on the shipped rulebooks; DOMAIN.md §5)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from sikd.audit.models import AuditEntry
from sikd.core.extensions import db
from sikd.tenancy.scope import system_scope
from sikd.testing.domestic import detail, inbox_ids, ksdd, set_fact, stage

BEKASI, BOGOR, JABAR, DEPOK = "32.75", "32.01", "32", "32.76"


def _offer(cast, kinds, today) -> int:
    """Bogor uses SIKD; Kota Bekasi prepares the KSDD and sends the offer (Pasal 22-23)."""
    for role in ("kepala_daerah", "tkksd", "opd", "sekretariat_dprd"):
        cast(BOGOR, role)
    created = cast(BEKASI, "opd").post(
        "/api/v1/cooperations", json=ksdd(BOGOR, "Penanganan Banjir DAS Kali Bekasi")
    )
    assert created.status_code == 201, created.get_json()
    body = created.get_json()
    assert body["partner_tenant"]["code"] == BOGOR
    assert body["partner_name"] == "Pemerintah Kabupaten Bogor"
    cid = body["id"]
    # before the offer the partner sees nothing of Bekasi's preparation
    assert detail(cast(BOGOR, "tkksd"), cid).status_code == 404
    cast(BEKASI, "opd").act(cid, "ajukan_kak", kinds, today)
    cast(BEKASI, "tkksd").act(cid, "setujui", kinds, today)
    cast(BEKASI, "kepala_daerah").act(cid, "kirim_penawaran", kinds, today)
    return cid


def test_offer_lands_in_the_partner_inbox_pasal_23(cast, kinds, app_ctx):
    """Pasal 23: the surat penawaran with the KAK goes to the partner's Kepala Daerah, whose
    inbox has it; the offering city cannot answer for Bogor; a third daerah sees nothing."""
    today = date.today()
    cid = _offer(cast, kinds, today)
    assert stage(cast(BOGOR, "kepala_daerah"), cid) == "tanggapan_mitra"
    assert cid in inbox_ids(cast(BOGOR, "kepala_daerah"))
    assert cid in inbox_ids(cast(BOGOR, "tkksd"))
    assert cid not in inbox_ids(cast(BEKASI, "kepala_daerah"))
    answer = cast(BEKASI, "kepala_daerah").post(
        f"/api/v1/cooperations/{cid}/actions/terima", json={"inputs": {}}
    )
    assert answer.status_code == 409 and answer.get_json()["code"] == "wrong_level"
    depok = cast(DEPOK, "tkksd")
    assert detail(depok, cid).status_code == 404
    assert depok.get(f"/api/v1/cooperations/{cid}/timeline").status_code == 404
    assert cid not in inbox_ids(depok)
    listing = depok.get("/api/v1/cooperations").get_json()
    assert cid not in [c["id"] for c in listing["items"]]
    # the partner's register lists it with a number of its own
    mine = cast(BOGOR, "tkksd").get("/api/v1/cooperations").get_json()["items"]
    entry = next(c for c in mine if c["id"] == cid)
    assert entry["partner_number"].startswith(f"KS/{BOGOR}/")


def test_partner_refuses_with_reasons_or_counter_proposes_pasal_24(cast, kinds, app_ctx):
    """Pasal 24(1): the KB is drafted only after the offer is accepted; the partner may refuse
    (a reason is required) or send a counter-proposal back to the offering side."""
    today = date.today()
    cid = _offer(cast, kinds, today)
    bupati = cast(BOGOR, "kepala_daerah")
    no_reason = bupati.post(f"/api/v1/cooperations/{cid}/actions/tolak", json={"inputs": {}})
    assert no_reason.status_code == 422 and no_reason.get_json()["code"] == "reason_required"
    bupati.act(
        cid,
        "usulkan_perubahan",
        kinds,
        today,
        {"alasan": "Usulan balik: lingkup diperluas ke hulu."},
    )
    assert stage(cast(BEKASI, "tkksd"), cid) == "penawaran"
    hops = cast(BEKASI, "tkksd").get(f"/api/v1/cooperations/{cid}/timeline").get_json()["hops"]
    returned = [h for h in hops if h["outcome"] == "returned"]
    assert returned[0]["holder"]["code"] == BOGOR and "hulu" in returned[0]["note"]
    cast(BEKASI, "kepala_daerah").act(cid, "kirim_penawaran", kinds, today)
    bupati.act(cid, "tolak", kinds, today, {"alasan": "Belum menjadi prioritas RKPD 2026."})
    assert detail(bupati, cid).get_json()["status"] == "ditolak"


def test_bekasi_offers_bogor_accepts_and_both_sides_run_to_the_report(cast, kinds, app_ctx):
    """The acceptance journey: Pasal 24 (KB drafted by Bekasi, discussed by Bogor), 25 (signed
    by circulation), 27 (Bekasi's DPRD because Bekasi's TKKSD marked it burdening; Bogor's DPRD
    skipped), 28-29 (PKS signed by a kepala Perangkat Daerah under surat kuasa, tembusan to
    TKKSD), 32 (penatausahaan on both sides), 33(2) (the report reaches the Jawa Barat Gubernur
    and Bogor's Kepala Daerah)."""
    today = date.today()
    cid = _offer(cast, kinds, today)
    bekasi_tkksd, bogor_tkksd = cast(BEKASI, "tkksd"), cast(BOGOR, "tkksd")
    # Pasal 27: each side's TKKSD answers for its own DPRD facts, with a reason
    set_fact(bekasi_tkksd, cid, "membebani_masyarakat")
    set_fact(bogor_tkksd, cid, "membebani_masyarakat", expect=403)
    set_fact(bekasi_tkksd, cid, "mitra_belum_dianggarkan", expect=403)
    facts = bogor_tkksd.get(f"/api/v1/cooperations/{cid}/facts").get_json()
    assert facts["settable"] == [
        "mitra_belum_dianggarkan",
        "mitra_membebani_masyarakat",
        "mitra_perubahan_menambah_beban",
    ]
    assert facts["sides"]["own"]["membebani_masyarakat"] is True

    cast(BOGOR, "kepala_daerah").act(cid, "terima", kinds, today)
    assert stage(bekasi_tkksd, cid) == "penyusunan_kesepakatan"
    cast(BEKASI, "opd").upload(cid, "kesepakatan_bersama", kinds, today)
    bekasi_tkksd.act(cid, "ajukan_pembahasan", kinds, today)
    assert cid in inbox_ids(bogor_tkksd)
    bogor_tkksd.act(cid, "disepakati", kinds, today)
    cast(BEKASI, "kepala_daerah").act(
        cid, "tandatangani", kinds, today, {"cara_penandatanganan": "sirkuler"}
    )
    assert stage(bekasi_tkksd, cid) == "penandatanganan_kesepakatan_mitra"
    cast(BOGOR, "kepala_daerah").act(cid, "tandatangani", kinds, today)
    assert stage(bekasi_tkksd, cid) == "persetujuan_dprd"
    # Bogor's DPRD cannot act on Bekasi's DPRD stage
    refused = cast(BOGOR, "sekretariat_dprd").post(
        f"/api/v1/cooperations/{cid}/actions/setujui", json={"inputs": {}}
    )
    assert refused.status_code == 409 and refused.get_json()["code"] == "wrong_level"
    cast(BEKASI, "sekretariat_dprd").act(cid, "setujui", kinds, today)
    assert stage(bekasi_tkksd, cid) == "penyusunan_pks"
    events = bekasi_tkksd.get(f"/api/v1/cooperations/{cid}/timeline").get_json()["events"]
    skipped = [s["stage"] for e in events for s in e["skipped"]]
    assert "persetujuan_dprd" not in skipped

    cast(BEKASI, "opd").upload(cid, "perjanjian_kerja_sama", kinds, today)
    bekasi_tkksd.act(cid, "ajukan_pembahasan", kinds, today)
    bogor_tkksd.act(cid, "disepakati", kinds, today)
    # Pasal 29(2): the kepala Perangkat Daerah signs only with the surat kuasa on file
    kadis = cast(BEKASI, "opd")
    listing = kadis.actions(cid)
    kuasa = next(a for a in listing["actions"] if a["id"] == "tandatangani_dengan_kuasa")
    assert kuasa["missing_documents"] == ["surat_kuasa"]
    kadis.act(
        cid,
        "tandatangani_dengan_kuasa",
        kinds,
        today,
        {"nomor_surat_kuasa": "800/12-DSDA", "penerima_kuasa": "Kepala DSDABMBK"},
    )
    cast(BOGOR, "kepala_daerah").act(cid, "tandatangani", kinds, today)
    bekasi_tkksd.act(cid, "catat", kinds, today)
    bogor_tkksd.act(cid, "catat", kinds, today)
    assert stage(bekasi_tkksd, cid) == "pelaksanaan"
    notes = bekasi_tkksd.get("/api/v1/notifications").get_json()
    assert any("Penandatanganan PKS oleh daerah mitra" in n["title"] for n in notes["items"])

    cast(BEKASI, "opd").act(cid, "ajukan_laporan", kinds, today)
    cast(BEKASI, "kepala_daerah").act(cid, "sampaikan_laporan", kinds, today)
    gubernur = cast(JABAR, "gubernur_verifier")
    for receiver in (gubernur, cast(BOGOR, "kepala_daerah")):
        reports = receiver.get("/api/v1/inbox").get_json()["reports"]
        assert [r["cooperation_id"] for r in reports] == [cid]
    assert cast(DEPOK, "kepala_daerah").get("/api/v1/inbox").get_json()["reports"] == []
    assert bogor_tkksd.get("/api/v1/inbox").get_json()["reports"] == []  # for the Bupati

    # each side keeps its own audit chain; both see the shared history
    with system_scope():
        bogor_chain = db.session.scalars(
            select(AuditEntry.action).where(
                AuditEntry.tenant_id == cast(BOGOR, "tkksd").user.tenant_id
            )
        ).all()
    assert "cooperation.received" in bogor_chain
    assert bogor_chain.count("cooperation.advance") >= 6
    shared = bogor_tkksd.get(f"/api/v1/cooperations/{cid}/timeline").get_json()["events"]
    assert [e["to_stage"] for e in shared] == [e["to_stage"] for e in events] + [
        e["to_stage"] for e in shared[len(events) :]
    ]
    assert any("Kabupaten Bogor" in e["actor"] for e in shared)
