"""The schedules of a running cooperation (rulebook ``jadwal``), fired by the deadline sweep:
the annual report every January (Permendagri 25/2020 tahap 12; Perwal Bekasi 57/2023 Pasal
80(2)) for every daerah, the partner's half-yearly report (Pasal 87(1)), the term end with its
reminders and the ending (Pasal 78–79), the extension notice (Pasal 78(3))."""

from __future__ import annotations

from datetime import date

import pytest

from sikd.rules import effective_rulebook
from sikd.testing.running import at, people, running_ksdpl
from sikd.testing.tenant_state import audit_actions


def schedule(p, cid) -> list[dict]:
    response = p["tkksd"].get(f"/api/v1/cooperations/{cid}/jadwal")
    assert response.status_code == 200, response.get_json()
    return response.get_json()["items"]


def sweep(cli, when: str):
    result = cli("deadlines", "run", "--now", when)
    assert result.exit_code == 0, result.output
    return result.output


@pytest.mark.parametrize("code", ["32.75", "33.72"])
def test_shipped_jadwal_of_every_daerah(code):
    jadwal = effective_rulebook(code).as_dict()["jadwal"]
    term = jadwal["akhir_jangka_waktu"]
    assert [(r["before"], r["unit"]) for r in term["reminders"]] == [
        (90, "hari"),
        (60, "hari"),
        (30, "hari"),
        (7, "hari"),
        (0, "hari"),
    ]
    annual = jadwal["laporan_tahunan"]
    assert (annual["anchor"], annual["amount"], annual["unit"]) == ("awal_tahun", 6, "hari")
    assert annual["every"] == {"amount": 1, "unit": "tahun"} and "Pasal 80(2)" in annual["basis"]
    if code == "32.75":  # Perwal Bekasi Pasal 87(1), Bekasi's own (its variant's jadwal)
        assert jadwal["laporan_mitra"]["every"] == {"amount": 6, "unit": "bulan"}
        assert "Pasal 87(1)" in jadwal["laporan_mitra"]["basis"]
    else:  # no national rule asks the partner for a half-yearly report
        assert "laporan_mitra" not in jadwal
    assert jadwal["permohonan_perpanjangan"]["before"] is True  # Pasal 78(3): 6 bulan sebelum


def test_annual_report_rearmed_every_january_for_bekasi_and_surakarta_pasal_80(
    app, client, make_user, cli
):
    ids = {}
    for code in ("32.75", "33.72"):
        p = people(client, make_user, code)
        ids[code] = (p, running_ksdpl(app, p, code, date(2027, 1, 15), date(2031, 12, 31)))
    for code, (p, cid) in ids.items():
        annual = [r for r in schedule(p, cid) if r["jadwal"] == "laporan_tahunan"]
        assert [(r["period"], r["due_at"][:10]) for r in annual] == [("2027", "2028-01-07")], code

    # Bekasi reports on time, Surakarta does not
    p, cid = ids["32.75"]
    kinds = effective_rulebook("32.75").as_dict()["document_kinds"]
    at(app, date(2028, 1, 4), p, ids["33.72"][0])
    p["kd"].act(cid, "ajukan_laporan_tahunan", kinds, date(2028, 1, 4))
    sweep(cli, "2028-01-08T08:00:00+07:00")

    bekasi = {r["period"]: r for r in schedule(p, cid) if r["jadwal"] == "laporan_tahunan"}
    assert bekasi["2027"]["status"] == "closed" and bekasi["2028"]["due_at"][:10] == "2029-01-07"
    sp, scid = ids["33.72"]
    solo = {r["period"]: r for r in schedule(sp, scid) if r["jadwal"] == "laporan_tahunan"}
    assert solo["2027"]["late"] is True and solo["2028"]["due_at"][:10] == "2029-01-07"

    # the late one shows as late to the holder, the TKKSD and the Gubernur (Jawa Tengah)
    def late_annual(who):
        rows = who.get("/api/v1/jadwal?status=late").get_json()["items"]
        return [r for r in rows if r["jadwal"] == "laporan_tahunan"]

    late = late_annual(sp["gubernur"])
    assert [(r["cooperation"]["id"], r["period"]) for r in late] == [(scid, "2027")]
    assert "Pasal 80(2)" in late[0]["basis"]
    assert late_annual(p["gubernur"]) == []  # Bekasi reported on time
    assert late_annual(p["sekjen"]) == late  # Kemendagri sees every cooperation
    flagged = sp["gubernur"].get("/api/v1/cooperations?flag=terlambat_laporan_tahunan").get_json()
    assert [c["id"] for c in flagged["items"]] == [scid]
    for who in ("gubernur", "tkksd", "kd"):
        titles = [n["title"] for n in sp[who].get("/api/v1/notifications").get_json()["items"]]
        assert any(t.startswith("Terlambat: Laporan tahunan") for t in titles), (who, titles)

    # a year later both are due again; Surakarta's late 2027 report is met once filed
    at(app, date(2028, 3, 1), sp, p)
    up = sp["kd"].upload(
        scid,
        "laporan_tahunan",
        effective_rulebook("33.72").as_dict()["document_kinds"],
        date(2028, 3, 1),
    )
    assert up.status_code == 201, up.get_json()
    sweep(cli, "2029-01-08T08:00:00+07:00")
    solo = {r["period"]: r for r in schedule(sp, scid) if r["jadwal"] == "laporan_tahunan"}
    assert solo["2027"]["status"] == "closed"
    assert solo["2029"]["due_at"][:10] == "2030-01-07"
    bekasi = {r["period"]: r for r in schedule(p, cid) if r["jadwal"] == "laporan_tahunan"}
    assert bekasi["2028"]["late"] is True and "2029" in bekasi


def test_partner_report_missing_after_six_months_is_chased_pasal_87(app, client, make_user, cli):
    p = people(client, make_user, "32.75")
    cid = running_ksdpl(app, p, "32.75", date(2027, 1, 15), date(2031, 12, 31))
    mitra = [r for r in schedule(p, cid) if r["jadwal"] == "laporan_mitra"]
    assert [r["due_at"][:10] for r in mitra] == ["2027-07-15"]
    output = sweep(cli, "2027-07-02T08:00:00+07:00")  # 14 hari before: a reminder
    assert "pengingat" in output
    sweep(cli, "2027-07-16T08:00:00+07:00")
    mitra = [r for r in schedule(p, cid) if r["jadwal"] == "laporan_mitra"]
    assert [(r["due_at"][:10], r["status"]) for r in mitra] == [
        ("2027-07-15", "late"),
        ("2028-01-15", "open"),
    ]
    titles = [n["title"] for n in p["tkksd"].get("/api/v1/notifications").get_json()["items"]]
    assert any("Laporan mitra" in t and t.startswith("Terlambat") for t in titles)


def test_term_end_reminders_then_berakhir_without_extension_pasal_78_79(
    app, client, make_user, cli, owner_engine, tenant
):
    p = people(client, make_user, "32.75")
    cid = running_ksdpl(app, p, "32.75", date(2027, 1, 15), date(2027, 12, 31))
    for day in ("2027-10-02", "2027-11-01", "2027-12-01", "2027-12-24", "2027-12-31"):
        sweep(cli, f"{day}T08:00:00+07:00")
    term = next(r for r in schedule(p, cid) if r["jadwal"] == "akhir_jangka_waktu")
    assert {"90hari", "60hari", "30hari", "7hari", "0hari"} <= set(term["reminders_sent"])
    coop = p["tkksd"].get(f"/api/v1/cooperations/{cid}").get_json()
    assert coop["stage"] == "pelaksanaan" and "berakhir" not in coop["flags"]

    sweep(cli, "2028-01-01T08:00:00+07:00")
    coop = p["tkksd"].get(f"/api/v1/cooperations/{cid}").get_json()
    assert "berakhir" in coop["flags"] and coop["stage"] == "pengakhiran"
    assert coop["status"] == "berakhir"  # terms.end_term, from the term's schedule row
    sweep(cli, "2028-01-02T08:00:00+07:00")  # the catch-up scan finds nothing left to end
    actions = [a for a, _ in audit_actions(owner_engine, tenant("32.75").id)]
    assert actions.count("cooperation.term_ended") == 1
    # the ending still needs the checklist of Pasal 79 (berita acara pengakhiran)
    listing = p["kd"].actions(cid)
    tetapkan = next(a for a in listing["actions"] if a["id"] == "tetapkan_berakhir")
    assert tetapkan["missing_documents"] == ["berita_acara_pengakhiran"]


def test_approved_extension_keeps_the_cooperation_running_pasal_78_ayat_3(
    app, client, make_user, cli
):
    p = people(client, make_user, "32.75")
    cid = running_ksdpl(app, p, "32.75", date(2027, 1, 15), date(2027, 12, 31))
    kinds = effective_rulebook("32.75").as_dict()["document_kinds"]
    at(app, date(2027, 5, 2), p)
    letter = {
        "nomor_surat": "100/1/2027",
        "tanggal_surat": "2027-05-02",
        "tanggal_berakhir_kerja_sama": "2027-12-31",
        "persetujuan_mitra": "Surat mitra",
        "tembusan": ["Gubernur Jawa Barat", "DPRD Kota Bekasi"],
    }
    assert (
        p["kd"]
        .upload(cid, "surat_permohonan_perpanjangan", kinds, date(2027, 5, 2), fields=letter)
        .status_code
        == 201
    )
    p["kd"].act(cid, "ajukan_perpanjangan", kinds, date(2027, 5, 2))
    p["sekjen"].act(
        cid,
        "setujui_perpanjangan",
        kinds,
        date(2027, 5, 2),
        inputs={"tanggal_berakhir_baru": "2029-12-31"},
    )
    sweep(cli, "2028-01-01T08:00:00+07:00")
    coop = p["tkksd"].get(f"/api/v1/cooperations/{cid}").get_json()
    assert coop["stage"] == "pelaksanaan" and "berakhir" not in coop["flags"]
    term = [r for r in schedule(p, cid) if r["jadwal"] == "akhir_jangka_waktu"]
    assert [(r["period"], r["status"]) for r in term if r["status"] == "open"] == [
        ("2029-12-31", "open")
    ]
