"""KSDPL/KSDLL end to end through the HTTP API (DOMAIN.md §3–4; Permendagri 25/2020;
Perwal Kota Bekasi 57/2023 Pasal 57–81)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from sikd.cooperations.models import Cooperation
from sikd.rules import effective_rulebook
from sikd.testing import TEST_PASSWORD, ApiUser
from sikd.testing.journeys import SISTER_CITY, stage_of, to_gubernur_with_rencana


@pytest.fixture
def people(client, make_user):
    def api(code, role, **kw):
        return ApiUser(client, make_user(code, [role], **kw), TEST_PASSWORD)

    return {
        "opd": api("32.75", "opd"),
        "tkksd": api("32.75", "tkksd"),
        "walikota": api("32.75", "kepala_daerah"),
        "dprd": api("32.75", "sekretariat_dprd"),
        "gubernur": api("32", "gubernur_verifier"),
        "sekjen": api("KEMENDAGRI", "sekjen_verifier"),
        "menteri": api("KEMENDAGRI", "sekjen_leader"),
        "kemlu": api("KEMLU", "kemlu_reviewer"),
        "bogor": api("32.01", "tkksd"),
        "jateng": api("33", "gubernur_verifier"),
    }


def test_whole_ksdpl_sister_city_journey_of_kota_bekasi(people, kinds, app_ctx):
    """Permendagri 25/2020 tahap 1–12 with Perwal 57/2023 Pasal 60–61 (kajian, tanggapan
    Menteri before the LoI), 66 and 68 (via the Gubernur), 69 (Kemlu surat konfirmasi),
    70–71 (persetujuan, signing, salinan), 72 (RKT) and 80 (annual report via the Gubernur)."""
    p = people
    from sikd.core import clock

    today = clock.now().date()
    cid = to_gubernur_with_rencana(p, kinds, today)
    # Kemlu answered the coordination before the LoI (PMDN25 tahap 3), so it keeps sight of it
    assert p["kemlu"].get(f"/api/v1/cooperations/{cid}").status_code == 200
    p["gubernur"].act(
        cid, "teruskan", kinds, today, inputs={"catatan": "Sudah diverifikasi Biro Pemerintahan."}
    )
    p["sekjen"].act(cid, "pertimbangan_lanjut", kinds, today)
    p["walikota"].act(cid, "sampaikan", kinds, today)
    p["gubernur"].act(cid, "teruskan", kinds, today)
    p["sekjen"].act(cid, "kirim_ke_kemlu", kinds, today)
    assert p["kemlu"].get(f"/api/v1/cooperations/{cid}").status_code == 200  # sent there now
    letter = p["kemlu"].upload(
        cid,
        "surat_konfirmasi",
        kinds,
        today,
        fields={
            "nomor_surat": "KL/123/2026",
            "tanggal_surat": today.isoformat(),
            "perihal": "Surat konfirmasi",
        },
    )
    assert letter.status_code == 201, letter.get_json()
    p["kemlu"].act(cid, "terbitkan_surat_konfirmasi", kinds, today)
    p["menteri"].act(cid, "setujui", kinds, today)
    p["walikota"].act(
        cid,
        "laporkan_rencana",
        kinds,
        today,
        inputs={
            "rencana_tempat": "Bekasi",
            "rencana_tanggal": (today + timedelta(days=20)).isoformat(),
        },
    )
    p["walikota"].act(cid, "kirim_naskah_asli", kinds, today)
    p["sekjen"].act(cid, "terbitkan_salinan", kinds, today)
    assert stage_of(p, cid) == "pelaksanaan"
    from sikd.core.extensions import db
    from sikd.tenancy.scope import system_scope

    with system_scope():
        signed = db.session.get(Cooperation, cid)
        db.session.refresh(signed)
        assert (
            signed.term_end is not None and signed.term_start < signed.term_end
        )  # from the naskah
    p["walikota"].act(cid, "ajukan_laporan_tahunan", kinds, today)
    assert stage_of(p, cid) == "laporan_di_gubernur"
    p["gubernur"].act(cid, "teruskan", kinds, today)
    p["sekjen"].act(cid, "terima", kinds, today)
    assert stage_of(p, cid) == "pelaksanaan"
    # Pasal 78(3): the extension request goes to Kemendagri directly, copies to Gubernur and DPRD
    p["walikota"].act(cid, "ajukan_perpanjangan", kinds, today)
    extension = p["sekjen"].get(f"/api/v1/cooperations/{cid}").get_json()
    assert (
        extension["stage"] == "perpanjangan" and extension["holder_tenant"]["code"] == "KEMENDAGRI"
    )
    for who in ("gubernur", "dprd"):
        titles = [n["title"] for n in p[who].get("/api/v1/notifications").get_json()["items"]]
        assert any("Perpanjangan" in t or "perpanjangan" in t for t in titles), (who, titles)
    p["sekjen"].act(
        cid,
        "setujui_perpanjangan",
        kinds,
        today,
        inputs={"tanggal_berakhir_baru": (today + timedelta(days=1500)).isoformat()},
    )
    assert stage_of(p, cid) == "pelaksanaan"

    timeline = p["tkksd"].get(f"/api/v1/cooperations/{cid}/timeline").get_json()
    visited = [e["to_stage"] for e in timeline["events"]]
    assert visited == [
        "prakarsa",
        "penjajakan",
        "tanggapan_menteri",
        "koordinasi_kemlu",
        "pernyataan_kehendak",
        "penyusunan_rencana",
        "telaah_rencana",
        "persetujuan_dprd",
        "penyampaian_rencana",
        "rencana_di_gubernur",
        "verifikasi_rencana",
        "penyusunan_naskah",
        "naskah_di_gubernur",
        "pembahasan_naskah",
        "penelaahan_kemlu",
        "persetujuan_menteri",
        "rencana_penandatanganan",
        "penandatanganan",
        "penerbitan_salinan",
        "pelaksanaan",
        "laporan_di_gubernur",
        "laporan_di_kemendagri",
        "pelaksanaan",
        "perpanjangan",
        "pelaksanaan",
    ]
    holders = [(h["level"], h["holder"]["code"]) for h in timeline["hops"]]
    assert ("provinsi", "32") in holders and ("kemlu", "KEMLU") in holders
    assert [h["outcome"] for h in timeline["hops"] if h["level"] == "provinsi"] == ["forwarded"] * 3
    konfirmasi = [d for d in timeline["decisions"] if d["action"] == "terbitkan_surat_konfirmasi"]
    assert konfirmasi and konfirmasi[0]["nomor_surat"] == "KL/123/2026"
    docs = p["tkksd"].get(f"/api/v1/cooperations/{cid}/documents").get_json()["items"]
    assert {
        "salinan_naskah",
        "rencana_kegiatan_tahunan",
        "laporan_tahunan",
        "surat_konfirmasi",
    } <= {d["kind"] for d in docs}
    # the Gubernur never loses sight of what passed through its hands (DOMAIN §4)
    assert p["gubernur"].get(f"/api/v1/cooperations/{cid}").status_code == 200


def test_gubernur_silent_for_5_days_routes_directly_to_kemendagri_pasal_66_ayat_3(
    people, kinds, app_ctx, cli
):
    """Perwal 57/2023 Pasal 66(3): not forwarded within 5 hari → directly to the Menteri,
    also after Redis was flushed (deadlines live in PostgreSQL), and only once."""
    from sikd.core import clock

    p = people
    today = clock.now().date()
    cid = to_gubernur_with_rencana(p, kinds, today)
    timeline = p["tkksd"].get(f"/api/v1/cooperations/{cid}/timeline").get_json()
    received = [h for h in timeline["hops"] if h["level"] == "provinsi"][-1]["received_at"]
    app_ctx.extensions["sikd_redis"].flushdb()  # Redis lost; no worker ran
    from datetime import datetime

    at = (datetime.fromisoformat(received) + timedelta(days=6)).isoformat()
    first = cli("deadlines", "run", "--now", at)
    assert first.exit_code == 0, first.output
    assert "route_direct" in first.output
    coop = p["sekjen"].get(f"/api/v1/cooperations/{cid}").get_json()
    assert coop["stage"] == "verifikasi_rencana" and coop["holder_tenant"]["code"] == "KEMENDAGRI"
    timeline = p["tkksd"].get(f"/api/v1/cooperations/{cid}/timeline").get_json()
    gub_hop = [h for h in timeline["hops"] if h["level"] == "provinsi"][-1]
    assert gub_hop["outcome"] == "routed_directly"
    assert "Perwal Bekasi 57/2023 Pasal 66(3)" in gub_hop["basis"]
    second = cli("deadlines", "run", "--now", at)
    assert "0 tenggat dijalankan" in second.output
    assert p["tkksd"].get(f"/api/v1/cooperations/{cid}/timeline").get_json() == timeline
    # the late forward is refused, saying it already went direct; the Gubernur still sees it
    late = p["gubernur"].post(f"/api/v1/cooperations/{cid}/actions/teruskan", json={"inputs": {}})
    assert late.status_code == 409
    assert late.get_json()["code"] == "already_routed_directly"
    assert "sudah diajukan langsung" in late.get_json()["message"]
    assert p["gubernur"].get(f"/api/v1/cooperations/{cid}").status_code == 200
    # initiator, Gubernur and Kemendagri were told
    for who in ("walikota", "gubernur", "sekjen"):
        titles = [n["title"] for n in p[who].get("/api/v1/notifications").get_json()["items"]]
        assert any("diajukan langsung" in t for t in titles), (who, titles)


def test_other_tenants_and_anonymous_clients_see_nothing_of_bekasis_cooperation(
    people, kinds, client
):
    p = people
    created = p["opd"].post("/api/v1/cooperations", json=SISTER_CITY).get_json()
    cid = created["id"]
    for outsider in ("bogor", "jateng", "kemlu"):
        assert p[outsider].get(f"/api/v1/cooperations/{cid}").status_code == 404
        assert p[outsider].get(f"/api/v1/cooperations/{cid}/timeline").status_code == 404
        assert p[outsider].get(f"/api/v1/cooperations/{cid}/documents").status_code == 404
        assert cid not in [
            c["id"] for c in p[outsider].get("/api/v1/cooperations").get_json()["items"]
        ]
        refused = p[outsider].post(f"/api/v1/cooperations/{cid}/actions/lanjut_penjajakan", json={})
        assert refused.status_code == 404
    anonymous = client.get(f"/api/v1/cooperations/{cid}")
    assert anonymous.status_code == 401 and anonymous.get_json()["code"] == "unauthenticated"
    # its provinsi and Kemendagri do see it
    assert p["gubernur"].get(f"/api/v1/cooperations/{cid}").status_code == 200
    assert p["sekjen"].get(f"/api/v1/cooperations/{cid}").status_code == 200


def test_two_people_acting_on_the_same_stage_exactly_one_succeeds(people, kinds):
    from sikd.core import clock

    p = people
    today = clock.now().date()
    cid = to_gubernur_with_rencana(p, kinds, today)
    version = p["gubernur"].actions(cid)["version"]
    body = {"inputs": {}, "expected_version": version}
    first = p["gubernur"].post(f"/api/v1/cooperations/{cid}/actions/teruskan", json=body)
    second = p["gubernur"].post(
        f"/api/v1/cooperations/{cid}/actions/kembalikan",
        json={"inputs": {"alasan": "Kurang lengkap"}, "expected_version": version},
    )
    assert first.status_code == 200
    assert second.status_code == 409
    assert second.get_json()["state"]["stage"] == "verifikasi_rencana"


def test_refusals_name_what_is_missing_and_cite_the_basis(people, kinds):
    p = people
    cid = p["opd"].post("/api/v1/cooperations", json=SISTER_CITY).get_json()["id"]
    from sikd.core import clock

    today = clock.now().date()
    p["tkksd"].act(cid, "lanjut_penjajakan", kinds, today)
    version = p["walikota"].actions(cid)["version"]
    refused = p["walikota"].post(
        f"/api/v1/cooperations/{cid}/actions/sepakat",
        json={"inputs": {"mekanisme": ["kunjungan"]}, "expected_version": version},
    )
    assert refused.status_code == 422
    body = refused.get_json()
    assert body["code"] == "missing_documents"
    assert "kajian" in body["missing"]
    assert "Kajian" in body["message"]
    wrong_role = p["dprd"].post(f"/api/v1/cooperations/{cid}/actions/sepakat", json={"inputs": {}})
    assert wrong_role.status_code == 403


def test_creating_needs_the_persyaratan_and_a_foreign_country(people):
    p = people
    bad = dict(SISTER_CITY, partner_country="ID", persyaratan=["hubungan_diplomatik"])
    response = p["opd"].post("/api/v1/cooperations", json=bad)
    assert response.status_code == 422
    errors = response.get_json()["errors"]
    assert "partner_country" in errors and "persyaratan" in errors
    assert "Pasal 51" in errors["persyaratan"][0]
    not_allowed = p["dprd"].post("/api/v1/cooperations", json=SISTER_CITY)
    assert not_allowed.status_code == 403


def test_openapi_document_is_served(client):
    spec = client.get("/api/v1/openapi.json")
    assert spec.status_code == 200
    paths = spec.get_json()["paths"]
    for path in (
        "/api/v1/auth/tokens",
        "/api/v1/inbox",
        "/api/v1/cooperations",
        "/api/v1/cooperations/{coop_id}/actions/{action}",
        "/api/v1/cooperations/{coop_id}/timeline",
    ):
        assert path in paths


def test_cooperation_keeps_the_rulebook_it_started_under(people, app_ctx):
    p = people
    cid = p["opd"].post("/api/v1/cooperations", json=SISTER_CITY).get_json()["id"]
    coop = p["opd"].get(f"/api/v1/cooperations/{cid}").get_json()
    assert coop["rulebook_hash"] == effective_rulebook("32.75").content_hash
    assert Cooperation  # model import used by other tests


def test_register_filters_by_provinsi_and_flag_and_notifications_can_be_marked_read(people, kinds):
    from sikd.core import clock

    p = people
    cid = p["opd"].post("/api/v1/cooperations", json=SISTER_CITY).get_json()["id"]
    ids = lambda resp: [c["id"] for c in resp.get_json()["items"]]  # noqa: E731
    assert cid in ids(p["sekjen"].get("/api/v1/cooperations?provinsi=32"))
    assert cid not in ids(p["sekjen"].get("/api/v1/cooperations?provinsi=33"))
    assert cid not in ids(p["sekjen"].get("/api/v1/cooperations?flag=dormant"))
    p["tkksd"].act(cid, "lanjut_penjajakan", kinds, clock.now().date())
    notes = p["walikota"].get("/api/v1/notifications").get_json()["items"]
    assert notes and not any(n["read"] for n in notes)
    marked = p["walikota"].post("/api/v1/notifications/read", json={})
    assert marked.get_json()["marked"] == len(notes)
    assert all(n["read"] for n in p["walikota"].get("/api/v1/notifications").get_json()["items"])
