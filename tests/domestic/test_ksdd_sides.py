"""Both sides of a KSDD between two tenants, through the HTTP API on the shipped rulebooks
(Perwal Kota Bekasi 57/2023 Pasal 21-35): each side keeps its own documents, each side's DPRD
approves in parallel (Pasal 27), and the partner daerah starts its own report, change and
extension during pelaksanaan (Pasal 26, 30, 33, 34 with 35(1))."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from sikd.audit.models import AuditEntry
from sikd.core.extensions import db
from sikd.documents.models import Document
from sikd.tenancy.scope import system_scope, tenant_scope
from sikd.testing.domestic import detail, inbox_ids, ksdd, set_fact, stage

BEKASI, BOGOR, JABAR, DEPOK = "32.75", "32.01", "32", "32.76"


def _accepted(cast, kinds, today) -> int:
    """Bekasi offers (Pasal 22-23), Bogor's Bupati accepts (24(1))."""
    for role in ("kepala_daerah", "tkksd", "opd", "sekretariat_dprd"):
        cast(BOGOR, role)
    created = cast(BEKASI, "opd").post(
        "/api/v1/cooperations", json=ksdd(BOGOR, "Pengendalian Banjir Cileungsi-Cikeas")
    )
    assert created.status_code == 201, created.get_json()
    cid = created.get_json()["id"]
    cast(BEKASI, "opd").act(cid, "ajukan_kak", kinds, today)
    cast(BEKASI, "tkksd").act(cid, "setujui", kinds, today)
    cast(BEKASI, "kepala_daerah").act(cid, "kirim_penawaran", kinds, today)
    cast(BOGOR, "kepala_daerah").act(cid, "terima", kinds, today)
    return cid


def _signed_kb(cast, kinds, today, cid) -> None:
    cast(BEKASI, "opd").upload(cid, "kesepakatan_bersama", kinds, today)
    cast(BEKASI, "tkksd").act(cid, "ajukan_pembahasan", kinds, today)
    cast(BOGOR, "tkksd").act(cid, "disepakati", kinds, today)
    cast(BEKASI, "kepala_daerah").act(
        cid, "tandatangani", kinds, today, {"cara_penandatanganan": "sirkuler"}
    )
    cast(BOGOR, "kepala_daerah").act(cid, "tandatangani", kinds, today)


def _to_pelaksanaan(cast, kinds, today) -> int:
    cid = _accepted(cast, kinds, today)
    _signed_kb(cast, kinds, today, cid)
    cast(BEKASI, "opd").upload(cid, "perjanjian_kerja_sama", kinds, today)
    cast(BEKASI, "tkksd").act(cid, "ajukan_pembahasan", kinds, today)
    cast(BOGOR, "tkksd").act(cid, "disepakati", kinds, today)
    cast(BEKASI, "kepala_daerah").act(cid, "tandatangani", kinds, today)
    cast(BOGOR, "kepala_daerah").act(cid, "tandatangani", kinds, today)
    cast(BEKASI, "tkksd").act(cid, "catat", kinds, today)
    cast(BOGOR, "tkksd").act(cid, "catat", kinds, today)
    assert stage(cast(BEKASI, "tkksd"), cid) == "pelaksanaan"
    return cid


def _documents(user, cid) -> list[dict]:
    response = user.get(f"/api/v1/cooperations/{cid}/documents")
    assert response.status_code == 200, response.get_json()
    return response.get_json()["items"]


def _download(user, doc: dict) -> int:
    version = doc["versions"][-1]["id"]
    return user.get(f"/api/v1/documents/{doc['id']}/versions/{version}/download").status_code


def _tenant_id(cast, code: str) -> int:
    return cast(code, "tkksd").user.tenant_id


def test_each_side_keeps_its_own_documents_pasal_24_and_35_1(cast, kinds, app_ctx):
    """Pasal 24(2) with 35(1): the partner daerah's draft of the Kesepakatan Bersama is its own
    document (its tenant, its storage prefix, its audit chain); both sides read the shared file
    of the agreement, a third daerah nothing (404), and only the side that filed a document may
    supersede it."""
    today = date.today()
    cid = _accepted(cast, kinds, today)
    bekasi_tkksd, bogor_tkksd = cast(BEKASI, "tkksd"), cast(BOGOR, "tkksd")
    assert cast(BEKASI, "opd").upload(cid, "kesepakatan_bersama", kinds, today).status_code == 201
    bekasi_tkksd.act(cid, "ajukan_pembahasan", kinds, today)
    # Bogor discusses the draft and files its own revised version
    revised = bogor_tkksd.upload(cid, "kesepakatan_bersama", kinds, today)
    assert revised.status_code == 201, revised.get_json()
    bogor_doc_id = revised.get_json()["id"]

    bogor_id, bekasi_id = _tenant_id(cast, BOGOR), _tenant_id(cast, BEKASI)
    with system_scope():
        rows = {
            d.id: d
            for d in db.session.scalars(select(Document).where(Document.cooperation_id == cid))
        }
        bogor_doc = rows[bogor_doc_id]
        assert bogor_doc.tenant_id == bogor_id
        assert bogor_doc.current_version.storage_key.startswith(f"{BOGOR}/{cid}/")
        assert {d.tenant_id for d in rows.values()} == {bekasi_id, bogor_id}
        chain = db.session.scalars(
            select(AuditEntry.action).where(AuditEntry.tenant_id == bogor_id)
        ).all()
    assert "document.uploaded" in chain

    # both sides see the shared file and can open each other's documents
    for user in (bekasi_tkksd, bogor_tkksd):
        docs = _documents(user, cid)
        assert {d["id"] for d in docs} == set(rows)
        for doc in docs:
            assert _download(user, doc) in (200, 302)
    # row-level security alone: the owner reads the partner's row, a third daerah does not
    with tenant_scope(bekasi_id):
        assert db.session.get(Document, bogor_doc_id, populate_existing=True) is not None
    db.session.expunge_all()
    with tenant_scope(_tenant_id(cast, DEPOK)):
        found = db.session.scalar(select(Document.id).where(Document.cooperation_id == cid))
    assert found is None

    depok = cast(DEPOK, "tkksd")
    assert depok.get(f"/api/v1/cooperations/{cid}/documents").status_code == 404
    any_doc = _documents(bekasi_tkksd, cid)[0]
    assert _download(depok, any_doc) == 404
    # only the side that filed a document supersedes it
    other = bekasi_tkksd.post(
        f"/api/v1/documents/{bogor_doc_id}/supersede", json={"reason": "Diganti rancangan baru."}
    )
    assert other.status_code == 403
    own = bogor_tkksd.post(
        f"/api/v1/documents/{bogor_doc_id}/supersede", json={"reason": "Diganti rancangan baru."}
    )
    assert own.status_code == 200, own.get_json()


def test_dprd_of_both_sides_approve_in_parallel_pasal_27(cast, kinds, app_ctx):
    """Pasal 27 (with 35(1)): each side's DPRD approves only when its own TKKSD marked the
    cooperation burdening or not budgeted; both approve independently, in any order, each in
    its own inbox with its own letter, and the cooperation moves on with the last approval."""
    today = date.today()
    cid = _accepted(cast, kinds, today)
    set_fact(cast(BEKASI, "tkksd"), cid, "membebani_masyarakat")
    set_fact(cast(BOGOR, "tkksd"), cid, "mitra_belum_dianggarkan")
    _signed_kb(cast, kinds, today, cid)
    bekasi_dprd, bogor_dprd = cast(BEKASI, "sekretariat_dprd"), cast(BOGOR, "sekretariat_dprd")
    assert stage(bekasi_dprd, cid) == "persetujuan_dprd"
    assert detail(bekasi_dprd, cid).get_json()["waiting_sides"] == ["own", "partner"]
    assert cid in inbox_ids(bekasi_dprd) and cid in inbox_ids(bogor_dprd)
    assert bogor_dprd.actions(cid)["actions"][0]["missing_documents"] == [
        "surat_persetujuan_dprd_mitra"
    ]

    bogor_dprd.act(cid, "setujui", kinds, today)  # Bogor first: its letter, its approval
    body = detail(bekasi_dprd, cid).get_json()
    assert body["stage"] == "persetujuan_dprd" and body["waiting_sides"] == ["own"]
    assert body["approvals"] == ["partner"]
    assert cid not in inbox_ids(bogor_dprd) and cid in inbox_ids(bekasi_dprd)
    again = bogor_dprd.post(f"/api/v1/cooperations/{cid}/actions/setujui", json={"inputs": {}})
    assert again.status_code == 422 and again.get_json()["code"] == "condition_not_met"

    bekasi_dprd.act(cid, "setujui", kinds, today)
    body = detail(bogor_dprd, cid).get_json()
    assert body["stage"] == "penyusunan_pks" and body["approvals"] == []
    with system_scope():
        letters = db.session.execute(
            select(Document.kind, Document.tenant_id).where(Document.cooperation_id == cid)
        ).all()
    assert ("surat_persetujuan_dprd_mitra", _tenant_id(cast, BOGOR)) in letters
    assert ("surat_persetujuan_dprd_domestik", _tenant_id(cast, BEKASI)) in letters


def test_clearing_a_burden_fact_at_the_open_dprd_stage_moves_on_pasal_27(cast, kinds, app_ctx):
    """Pasal 27: a side's DPRD approval is needed only while its TKKSD holds the burden fact.
    When Bekasi clears its fact after Bogor's DPRD approved, nobody is left to approve: the
    cooperation moves on in the same step (no stage that nobody can leave), audited."""
    today = date.today()
    cid = _accepted(cast, kinds, today)
    set_fact(cast(BEKASI, "tkksd"), cid, "membebani_masyarakat")
    set_fact(cast(BOGOR, "tkksd"), cid, "mitra_membebani_masyarakat")
    _signed_kb(cast, kinds, today, cid)
    cast(BOGOR, "sekretariat_dprd").act(cid, "setujui", kinds, today)
    bekasi = cast(BEKASI, "tkksd")
    assert detail(bekasi, cid).get_json()["waiting_sides"] == ["own"]

    set_fact(bekasi, cid, "membebani_masyarakat", value=False)
    body = detail(bekasi, cid).get_json()
    assert body["stage"] == "penyusunan_pks" and body["waiting_sides"] == []
    assert cid not in inbox_ids(cast(BEKASI, "sekretariat_dprd"))
    with tenant_scope(_tenant_id(cast, BEKASI)):
        actions = db.session.scalars(
            select(AuditEntry.action).where(AuditEntry.object_id == str(cid))
        ).all()
    assert "cooperation.fact_set" in actions and "cooperation.advance" in actions


def test_dprd_refusal_of_either_side_ends_the_cooperation_pasal_27(cast, kinds, app_ctx):
    """Pasal 27: without the approval of a DPRD whose side is burdened there is no PKS."""
    today = date.today()
    cid = _accepted(cast, kinds, today)
    set_fact(cast(BOGOR, "tkksd"), cid, "mitra_membebani_masyarakat")
    _signed_kb(cast, kinds, today, cid)
    # only Bogor's gate applies: Bekasi's DPRD has nothing to do here
    bekasi_dprd = cast(BEKASI, "sekretariat_dprd")
    assert cid not in inbox_ids(bekasi_dprd)
    refused = bekasi_dprd.post(f"/api/v1/cooperations/{cid}/actions/setujui", json={"inputs": {}})
    assert refused.status_code == 409 and refused.get_json()["code"] == "wrong_level"
    cast(BOGOR, "sekretariat_dprd").act(
        cid, "tolak", kinds, today, {"alasan": "DPRD Kabupaten Bogor tidak menyetujui."}
    )
    assert detail(bekasi_dprd, cid).get_json()["status"] == "ditolak"


def test_partner_starts_its_own_report_change_and_extension_pasal_26_30_33_34(cast, kinds, app_ctx):
    """Pasal 35(1): the procedure applies to the partner daerah too. During pelaksanaan Bogor
    reports on its own (33: to its Gubernur and Bekasi's Wali Kota), proposes a change of the
    PKS that Bekasi accepts (34(1)) and an extension with a rencana tindak that Bekasi agrees to
    (26, 30): the new end date is stored on the shared cooperation."""
    today = date.today()
    cid = _to_pelaksanaan(cast, kinds, today)
    bogor_opd, bupati = cast(BOGOR, "opd"), cast(BOGOR, "kepala_daerah")
    walikota = cast(BEKASI, "kepala_daerah")
    assert "ajukan_laporan_mitra" not in [a["id"] for a in walikota.actions(cid)["actions"]]
    refused = cast(BEKASI, "tkksd").post(
        f"/api/v1/cooperations/{cid}/actions/ajukan_laporan_mitra", json={"inputs": {}}
    )
    assert refused.status_code == 409 and refused.get_json()["code"] == "wrong_level"

    # 33: Bogor's own report (its rencana aksi filed under Bogor first)
    bogor_opd.act(cid, "ajukan_laporan_mitra", kinds, today)
    assert stage(walikota, cid) == "pelaporan_mitra"
    assert cid in inbox_ids(bupati)
    bupati.act(cid, "sampaikan_laporan", kinds, today)
    assert stage(walikota, cid) == "pelaksanaan"
    for receiver in (walikota, cast(JABAR, "gubernur_verifier")):
        reports = receiver.get("/api/v1/inbox").get_json()["reports"]
        assert cid in [r["cooperation_id"] for r in reports]
    assert bupati.get("/api/v1/inbox").get_json()["reports"] == []

    # 34: Bogor proposes a change, Bekasi agrees; no side marked it burdening: no DPRD
    bogor_opd.act(cid, "ajukan_perubahan_mitra", kinds, today)
    bupati.act(cid, "ajukan_perubahan", kinds, today)
    assert stage(walikota, cid) == "persetujuan_perubahan"
    assert cid in inbox_ids(walikota)
    walikota.act(cid, "setujui", kinds, today)
    assert stage(walikota, cid) == "penandatanganan_perubahan"
    walikota.act(cid, "tandatangani", kinds, today)

    # 26, 30: Bogor proposes the extension with its rencana tindak; Bekasi agrees
    cast(BOGOR, "tkksd").act(cid, "ajukan_perpanjangan_mitra", kinds, today)
    bupati.act(cid, "ajukan_perpanjangan", kinds, today)
    assert stage(walikota, cid) == "persetujuan_perpanjangan"
    walikota.act(cid, "disepakati", kinds, today, {"tanggal_berakhir_baru": "2030-04-10"})
    for user in (walikota, bupati):  # both sides show it, and the term-end reminders re-arm
        body = detail(user, cid).get_json()
        assert body["stage"] == "pelaksanaan"
        assert body["term_end"] == "2030-04-10" == body["term_extended_until"]
        listed = user.get("/api/v1/cooperations").get_json()["items"]
        assert next(c for c in listed if c["id"] == cid)["term_end"] == "2030-04-10"
        timeline = user.get(f"/api/v1/cooperations/{cid}/timeline").get_json()
        assert any(d["due_at"].startswith("2030-04-10") for d in timeline["deadlines"])
    assert detail(cast(DEPOK, "kepala_daerah"), cid).status_code == 404
    with system_scope():
        kinds_by_bogor = set(
            db.session.scalars(
                select(Document.kind).where(
                    Document.cooperation_id == cid,
                    Document.tenant_id == _tenant_id(cast, BOGOR),
                )
            )
        )
    assert {"rencana_aksi", "laporan_pelaksanaan", "perubahan_pks"} <= kinds_by_bogor
    assert "rencana_tindak_perpanjangan" in kinds_by_bogor


def test_a_provinsi_partnering_its_own_kota_approves_its_side_pasal_27_and_35_1(
    cast, kinds, app_ctx
):
    """Pasal 27 with 35(1) when the partner daerah is the owner's own provinsi (Kota Bekasi with
    Provinsi Jawa Barat): Jawa Barat supervises Bekasi's cooperation, yet on this KSDD it is the
    partner — its TKKSD sets its side's facts at any stage, and its DPRD approves its side at the
    parallel stage; nothing waits for a side that cannot act."""
    today = date.today()
    for role in ("kepala_daerah", "tkksd", "opd", "sekretariat_dprd"):
        cast(JABAR, role)
    created = cast(BEKASI, "opd").post(
        "/api/v1/cooperations", json=ksdd(JABAR, "Revitalisasi Situ Rawa Gede")
    )
    assert created.status_code == 201, created.get_json()
    cid = created.get_json()["id"]
    cast(BEKASI, "opd").act(cid, "ajukan_kak", kinds, today)
    cast(BEKASI, "tkksd").act(cid, "setujui", kinds, today)
    # at an own-level stage Jawa Barat's TKKSD still answers for its side's facts
    set_fact(cast(JABAR, "tkksd"), cid, "mitra_membebani_masyarakat")
    cast(BEKASI, "kepala_daerah").act(cid, "kirim_penawaran", kinds, today)
    cast(JABAR, "kepala_daerah").act(cid, "terima", kinds, today)
    cast(BEKASI, "opd").upload(cid, "kesepakatan_bersama", kinds, today)
    cast(BEKASI, "tkksd").act(cid, "ajukan_pembahasan", kinds, today)
    cast(JABAR, "tkksd").act(cid, "disepakati", kinds, today)
    cast(BEKASI, "kepala_daerah").act(
        cid, "tandatangani", kinds, today, {"cara_penandatanganan": "sirkuler"}
    )
    cast(JABAR, "kepala_daerah").act(cid, "tandatangani", kinds, today)
    jabar_dprd = cast(JABAR, "sekretariat_dprd")
    assert stage(jabar_dprd, cid) == "persetujuan_dprd"
    assert cid in inbox_ids(jabar_dprd)
    jabar_dprd.act(cid, "setujui", kinds, today)
    assert stage(jabar_dprd, cid) == "penyusunan_pks"
