"""Pemantauan and evaluasi on a schedule (Perwal Bekasi 57/2023 Pasal 85 — the second, on
Pengawasan — and Pasal 88; PMDN23 Pasal 10 huruf d): pemantauan 6 months after signing, evaluasi
6 months after the pemantauan report, pemantauan again 6 months after the evaluation, or when
needed; the reports go to the ketua TKKSD with their attachments; the evaluation matrix's
recommendation (one of the 8 of Pasal 85(7)) opens its follow-up."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from sikd.audit.models import AuditEntry
from sikd.core.extensions import db
from sikd.rules import effective_rulebook
from sikd.tenancy.scope import tenant_scope
from sikd.testing import fill_fields
from sikd.testing.running import at, people, running_ksdpl

SIGNED, ENDS = date(2027, 1, 15), date(2031, 12, 31)


def sweep(cli, when: str) -> str:
    result = cli("deadlines", "run", "--now", when)
    assert result.exit_code == 0, result.output
    return result.output


def inbox(who) -> list[dict]:
    response = who.get("/api/v1/pengawasan")
    assert response.status_code == 200, response.get_json()
    return response.get_json()["items"]


def schedule(who, cid) -> list[dict]:
    return who.get(f"/api/v1/cooperations/{cid}/jadwal").get_json()["items"]


def open_rows(who, cid, jadwal: str) -> list[str]:
    return [
        r["due_at"][:10]
        for r in schedule(who, cid)
        if r["jadwal"] == jadwal and r["status"] == "open" and not r["period"].startswith("r")
    ]


def report(who, round_id: int):
    return who.post(f"/api/v1/pengawasan/{round_id}/laporan", json={"catatan": "Sesuai rencana"})


def upload(who, cid, kind: str, kinds: dict, today: date, **fields):
    values = {**fill_fields(kinds[kind], today), **fields}
    response = who.upload(cid, kind, kinds, today, fields=values)
    assert response.status_code == 201, (kind, response.get_json())


def test_shipped_schedule_and_recommendations_pasal_85():
    book = effective_rulebook("32.75").as_dict()
    pemantauan, evaluasi = book["jadwal"]["pemantauan"], book["jadwal"]["evaluasi"]
    assert (pemantauan["anchor"], pemantauan["amount"], pemantauan["unit"]) == (
        "penandatanganan",
        6,
        "bulan",
    )  # Pasal 85(3): 6 bulan sejak ditandatangani
    assert "Pasal 85(2)-(3)" in pemantauan["basis"] and pemantauan["roles"] == ["tim_pengawasan"]
    assert (evaluasi["anchor"], evaluasi["amount"], evaluasi["unit"]) == (
        "laporan_pengawasan",
        6,
        "bulan",
    )  # Pasal 85(5): 6 bulan setelah pemantauan
    assert pemantauan["pengawasan"]["next"] == "evaluasi"
    assert evaluasi["pengawasan"]["next"] == "pemantauan"
    # Pasal 88(1): laporan mitra; Pasal 88(2): daftar hadir, notulensi, berita acara, matriks
    assert "laporan_mitra" in pemantauan["pengawasan"]["documents"]
    assert {"laporan_mitra", "daftar_hadir_rapat", "notulensi_rapat", "matriks_evaluasi"} <= set(
        evaluasi["pengawasan"]["documents"]
    )
    # Pasal 85(6)-(7): the matrix's 8 recommendations, each with its follow-up
    matrix = {f["name"]: f for f in book["document_kinds"]["matriks_evaluasi"]["fields"]}
    for name in ("dasar_perjanjian", "materi_evaluasi", "permasalahan", "solusi"):
        assert name in matrix
    choices = matrix["rekomendasi"]["choices"]
    assert len(choices) == 8
    assert set(choices) == set(evaluasi["pengawasan"]["tindak_lanjut"])
    assert evaluasi["pengawasan"]["tindak_lanjut"]["addendum"]["actions"] == ["ajukan_perubahan"]


def test_pemantauan_then_evaluasi_then_addendum_pasal_85_88(app, client, make_user, cli):
    p = people(client, make_user, "32.75")
    kinds = effective_rulebook("32.75").as_dict()["document_kinds"]
    cid = running_ksdpl(app, p, "32.75", SIGNED, ENDS)
    assert open_rows(p["tim"], cid, "pemantauan") == ["2027-07-15"]
    assert open_rows(p["tim"], cid, "evaluasi") == []  # armed by the pemantauan report
    assert inbox(p["tim"]) == []

    at(app, date(2027, 7, 16), p)
    assert "pemantauan" in sweep(cli, "2027-07-16T08:00:00+07:00")
    items = inbox(p["tim"])
    assert [(i["item"], i["kind"], i["scheduled_on"], i["due_on"]) for i in items] == [
        ("laporan", "pemantauan", "2027-07-15", "2027-08-15")
    ]
    assert inbox(p["opd"]) == []  # the tim's work, not the OPD's
    round_id = items[0]["id"]
    titles = [n["title"] for n in p["tim"].get("/api/v1/notifications").get_json()["items"]]
    assert any(t.startswith("Pemantauan") for t in titles), titles

    # Pasal 88(1): the report attaches the partner's report
    refused = report(p["tim"], round_id)
    assert refused.status_code == 409, refused.get_json()
    assert set(refused.get_json()["missing"]) == {
        "laporan_pemantauan",
        "laporan_mitra",
    }
    assert report(p["opd"], round_id).status_code == 403
    upload(p["tkksd"], cid, "laporan_mitra", kinds, date(2027, 7, 16))
    upload(p["tim"], cid, "laporan_pemantauan", kinds, date(2027, 7, 16))
    upload(p["tim"], cid, "berita_acara_tinjau_lokasi", kinds, date(2027, 7, 16))
    at(app, date(2027, 7, 20), p)
    done = report(p["tim"], round_id)
    assert done.status_code == 200, done.get_json()
    assert set(done.get_json()["lampiran"]) == {
        "laporan_pemantauan",
        "laporan_mitra",
        "berita_acara_tinjau_lokasi",
    }
    assert inbox(p["tim"]) == []
    assert open_rows(p["tim"], cid, "evaluasi") == ["2028-01-20"]  # Pasal 85(5)

    at(app, date(2028, 1, 21), p)
    sweep(cli, "2028-01-21T08:00:00+07:00")
    [item] = inbox(p["tim"])
    assert (item["kind"], item["due_on"]) == ("evaluasi", "2028-02-20")
    refused = report(p["tim"], item["id"]).get_json()
    assert {"laporan_evaluasi", "matriks_evaluasi", "daftar_hadir_rapat"} <= set(refused["missing"])
    for kind in ("laporan_evaluasi", "daftar_hadir_rapat", "notulensi_rapat", "berita_acara_rapat"):
        upload(p["tim"], cid, kind, kinds, date(2028, 1, 21))
    upload(p["tim"], cid, "matriks_evaluasi", kinds, date(2028, 1, 21), rekomendasi="addendum")
    at(app, date(2028, 1, 25), p)
    done = report(p["tim"], item["id"]).get_json()
    assert done["rekomendasi"] == "addendum"
    assert done["tindak_lanjut"]["status"] == "open"
    assert open_rows(p["tim"], cid, "pemantauan") == ["2028-07-25"]  # Pasal 85(3)

    # the recommendation opens the addendum path for the kepala daerah
    [follow] = inbox(p["kd"])
    assert (follow["item"], follow["tindak_lanjut"]["actions"]) == (
        "tindak_lanjut",
        ["ajukan_perubahan"],
    )
    actions = {a["id"] for a in p["kd"].actions(cid)["actions"]}
    assert "ajukan_perubahan" in actions
    p["kd"].act(cid, "ajukan_perubahan", kinds, date(2028, 1, 25))
    assert p["kd"].get(f"/api/v1/cooperations/{cid}").get_json()["stage"] == "penyusunan_naskah"
    assert inbox(p["kd"]) == []
    history = p["tkksd"].get(f"/api/v1/cooperations/{cid}/pengawasan").get_json()["items"]
    assert [(r["kind"], r["status"]) for r in history] == [
        ("pemantauan", "reported"),
        ("evaluasi", "reported"),
    ]
    assert history[1]["tindak_lanjut"]["status"] == "done"


def test_unreported_pemantauan_is_late_for_the_gubernur_pasal_88(app, client, make_user, cli):
    p = people(client, make_user, "32.75")
    kinds = effective_rulebook("32.75").as_dict()["document_kinds"]
    cid = running_ksdpl(app, p, "32.75", SIGNED, ENDS)
    sweep(cli, "2027-07-16T08:00:00+07:00")
    sweep(cli, "2027-08-16T08:00:00+07:00")
    [item] = inbox(p["tim"])
    assert item["late"] is True
    late = p["gubernur"].get("/api/v1/jadwal?status=late").get_json()["items"]
    late = [r for r in late if r["jadwal"] == "pemantauan"]  # the partner's report is late too
    assert [(r["cooperation"]["id"], r["due_at"][:10]) for r in late] == [(cid, "2027-08-15")]
    assert "Pasal 85(2)-(3)" in late[0]["basis"]
    flagged = p["tkksd"].get("/api/v1/cooperations?flag=terlambat_pemantauan").get_json()
    assert [c["id"] for c in flagged["items"]] == [cid]

    at(app, date(2027, 8, 20), p)
    upload(p["tkksd"], cid, "laporan_mitra", kinds, date(2027, 8, 20))
    upload(p["tim"], cid, "laporan_pemantauan", kinds, date(2027, 8, 20))
    assert report(p["tim"], item["id"]).status_code == 200
    flagged = p["tkksd"].get("/api/v1/cooperations?flag=terlambat_pemantauan").get_json()
    assert flagged["items"] == []
    assert open_rows(p["tim"], cid, "evaluasi") == ["2028-02-20"]


@pytest.mark.parametrize(("alasan", "status"), [("", 422), ("Aduan warga tentang kegiatan", 201)])
def test_pemantauan_when_needed_pasal_85_ayat_3(app, client, make_user, alasan, status):
    p = people(client, make_user, "32.75")
    cid = running_ksdpl(app, p, "32.75", SIGNED, ENDS)
    at(app, date(2027, 3, 1), p)
    body = {"kind": "pemantauan", "alasan": alasan}
    assert p["opd"].post(f"/api/v1/cooperations/{cid}/pengawasan", json=body).status_code == 403
    response = p["tim"].post(f"/api/v1/cooperations/{cid}/pengawasan", json=body)
    assert response.status_code == status, response.get_json()
    if status == 201:
        assert (response.get_json()["reason"], response.get_json()["scheduled_on"]) == (
            "diperlukan",
            "2027-03-01",
        )
        assert open_rows(p["tim"], cid, "pemantauan") == []  # replaces the scheduled one
        assert [i["kind"] for i in inbox(p["tim"])] == ["pemantauan"]
        with app.app_context(), tenant_scope(p["tim"].user.tenant_id):
            opened = db.session.execute(
                select(AuditEntry.action, AuditEntry.actor_user_id).where(
                    AuditEntry.object_id == str(cid), AuditEntry.action.like("pengawasan.%")
                )
            ).all()
        assert [tuple(r) for r in opened] == [("pengawasan.pemantauan_dibuka", p["tim"].user.id)]
    else:
        assert open_rows(p["tim"], cid, "pemantauan") == ["2027-07-15"]


def test_national_rules_pemantauan_only_when_needed_pmdn23_pasal_10_huruf_d(
    app, client, make_user, cli
):
    """Surakarta (national rules): Permendagri 23/2009 Pasal 10 huruf d angka 1 asks for
    monitoring and evaluation without an interval, so nothing is scheduled 6 months after signing
    (that is Perwal Bekasi Pasal 85(3)); the tim opens a round when needed, and its report arms
    no evaluasi by itself."""
    p = people(client, make_user, "33.72")
    kinds = effective_rulebook("33.72").as_dict()["document_kinds"]
    cid = running_ksdpl(app, p, "33.72", SIGNED, ENDS)
    rows = {r["jadwal"] for r in schedule(p["tim"], cid)}
    assert not rows & {"pemantauan", "evaluasi", "laporan_mitra"}, rows
    at(app, date(2027, 7, 16), p)
    sweep(cli, "2027-07-16T08:00:00+07:00")
    assert inbox(p["tim"]) == []
    body = {"kind": "pemantauan", "alasan": "Kegiatan tahun pertama perlu dipantau"}
    opened = p["tim"].post(f"/api/v1/cooperations/{cid}/pengawasan", json=body)
    assert opened.status_code == 201, opened.get_json()
    refused = report(p["tim"], opened.get_json()["id"]).get_json()
    assert refused["missing"] == ["laporan_pemantauan"]  # no partner report asked nationally
    upload(p["tim"], cid, "laporan_pemantauan", kinds, date(2027, 7, 16))
    assert report(p["tim"], opened.get_json()["id"]).status_code == 200
    assert open_rows(p["tim"], cid, "evaluasi") == []


def test_no_pemantauan_before_the_cooperation_is_signed_pasal_84(app, client, make_user):
    """Perwal Bekasi 57/2023 Pasal 84 (and Permendagri 23/2009 Pasal 10 huruf d): pemantauan and
    evaluasi are of the pelaksanaan; a cooperation still being prepared has nothing to monitor,
    so opening a round "when needed" is refused with what to do."""
    from sikd.testing.journeys import SISTER_CITY

    p = people(client, make_user, "32.75")
    created = p["tkksd"].post("/api/v1/cooperations", json=SISTER_CITY)
    assert created.status_code == 201, created.get_json()
    cid = created.get_json()["id"]
    body = {"kind": "pemantauan", "alasan": "Ingin memantau sejak awal"}
    refused = p["tim"].post(f"/api/v1/cooperations/{cid}/pengawasan", json=body)
    assert refused.status_code == 409, refused.get_json()
    assert refused.get_json()["code"] == "not_signed"
    assert "belum ditandatangani" in refused.get_json()["message"]
