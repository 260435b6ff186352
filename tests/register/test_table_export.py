"""The dashboards' tables and the supervision reports (Permendagri 23/2009 Pasal 12-13) exported
as CSV and XLSX, with the page's filters and the page's access: a daerah exports only what it
sees; a report is exported by the Gubernur who sent it and Kemendagri who received it, by
nobody else (404), and the draft only by a supervisor (403)."""

from __future__ import annotations

import io
from datetime import date

from openpyxl import load_workbook

from sikd.testing.domestic import Cast, ksdd

BEKASI, BOGOR, JABAR, JATENG = "32.75", "32.01", "32", "33"


def _book(response):
    assert response.status_code == 200, response.status_code
    assert response.mimetype.endswith("spreadsheetml.sheet")
    return load_workbook(io.BytesIO(response.data))


def test_each_level_exports_its_dashboard_tables_and_a_daerah_only_its_own(
    app, web, cooperation_at
):
    cooperation_at("pelaksanaan", tenant=BEKASI)
    bekasi = web(BEKASI, ["tkksd"])
    page = bekasi.get("/kerja-sama/dasbor").get_data(as_text=True)
    assert 'href="/kerja-sama/dasbor/ekspor.xlsx"' in page
    assert 'href="/kerja-sama/dasbor/ekspor.csv?tabel=jenis"' in page
    book = _book(bekasi.get("/kerja-sama/dasbor/ekspor.xlsx"))
    assert book.sheetnames[:3] == ["Ringkasan", "Menurut jenis", "Menurut status"]
    summary = {r[0]: r[1] for r in book["Ringkasan"].iter_rows(min_row=2, values_only=True)}
    assert summary["Kerja sama"] == 1 and summary["Berjalan"] == 1
    rows = list(book["Menurut jenis"].iter_rows(values_only=True))
    assert rows == [("Jenis", "Jumlah"), ("KSDPL", 1)]
    one = bekasi.get("/kerja-sama/dasbor/ekspor.csv?tabel=jenis")
    assert one.status_code == 200 and one.mimetype == "text/csv"
    assert one.get_data(as_text=True) == "\ufeffJenis,Jumlah\r\nKSDPL,1\r\n"
    every = bekasi.get("/kerja-sama/dasbor/ekspor.csv").get_data(as_text=True)
    assert "Ringkasan\r\nAngka,Jumlah\r\n" in every and "\r\n\r\nMenurut jenis\r\n" in every
    bad = bekasi.get("/kerja-sama/dasbor/ekspor.csv?tabel=rahasia")
    assert bad.status_code in (400, 422) and "Pilih salah satu" in bad.get_data(as_text=True)

    # another daerah exports its own (empty) dashboard: nothing of Bekasi
    surakarta = _book(web("33.72", ["tkksd"]).get("/kerja-sama/dasbor/ekspor.xlsx"))
    summary = {r[0]: r[1] for r in surakarta["Ringkasan"].iter_rows(min_row=2, values_only=True)}
    assert summary["Kerja sama"] == 0
    assert list(surakarta["Menurut jenis"].iter_rows(values_only=True)) == [("Jenis", "Jumlah")]

    # the provinsi its kab/kota side by side, Kemendagri every provinsi
    jabar = _book(web(JABAR, ["gubernur_verifier"]).get("/kerja-sama/dasbor/ekspor.xlsx"))
    side = list(jabar["Kabupaten kota berdampingan"].iter_rows(values_only=True))
    assert side[0] == ("Daerah", "Kerja sama", "Lewat tenggat") and side[1][:2] == (
        "Kota Bekasi",
        1,
    )
    national = web("KEMENDAGRI", ["sekjen_verifier"]).get(
        "/kerja-sama/dasbor/ekspor.csv?tabel=provinsi"
    )
    assert "Jawa Barat,1," in national.get_data(as_text=True)


def test_supervision_reports_exported_by_sender_and_recipient_only_pasal_13(
    app, web, client, make_user
):
    cast = Cast(client, make_user)
    gubernur = cast(JABAR, "gubernur_verifier")
    for role in ("kepala_daerah", "tkksd"):
        cast(BOGOR, role)
    title = "Penanganan Banjir DAS Kali Bekasi"
    cid = cast(BEKASI, "opd").post("/api/v1/cooperations", json=ksdd(BOGOR, title)).get_json()["id"]
    note = gubernur.post(
        f"/api/v1/supervision/cooperations/{cid}/notes",
        json={"kind": "temuan", "text": "Kajian belum memuat analisis biaya."},
    )
    assert note.status_code == 201, note.get_json()
    year = date.today().year
    sent = gubernur.post(
        "/api/v1/supervision/reports",
        json={"year": year, "period": f"Semester II {year}", "summary": "Satu KSDD diawasi."},
    )
    assert sent.status_code == 201, sent.get_json()
    report_id = sent.get_json()["id"]

    jabar = web(JABAR, ["gubernur_verifier"])
    page = jabar.get("/pengawasan").get_data(as_text=True)
    assert "/pengawasan/laporan/ekspor.xlsx" in page
    assert f"/pengawasan/laporan/{report_id}/ekspor.csv" in page
    draft = jabar.get("/pengawasan/laporan/ekspor.csv?tahap=penjajakan").get_data(as_text=True)
    assert title in draft and "Temuan pengawasan: Kajian belum memuat analisis biaya." in draft
    assert title not in jabar.get("/pengawasan/laporan/ekspor.csv?tahap=pelaksanaan").get_data(
        as_text=True
    )
    book = _book(jabar.get(f"/pengawasan/laporan/{report_id}/ekspor.xlsx"))
    summary = dict(book["Ringkasan laporan"].iter_rows(min_row=2, values_only=True))
    assert (
        summary["Periode"] == f"Semester II {year}"
        and summary["Kepada"] == "Kementerian Dalam Negeri"
    )
    assert summary["Tanggal disampaikan"].date() <= date.today()
    menteri = web("KEMENDAGRI", ["sekjen_verifier"])
    received = menteri.get(f"/pengawasan/laporan/{report_id}/ekspor.csv").get_data(as_text=True)
    assert "Satu KSDD diawasi." in received and title in received

    # another Gubernur and the daerah itself: the report does not exist for them; the draft is
    # the supervisors' (403), and a bad phase is said in Indonesian
    for other in (web(JATENG, ["gubernur_verifier"]), web(BEKASI, ["tkksd"])):
        for ext in ("csv", "xlsx"):
            refused = other.get(f"/pengawasan/laporan/{report_id}/ekspor.{ext}")
            assert refused.status_code == 404 and title.encode() not in refused.data
    assert web(BEKASI, ["tkksd"]).get("/pengawasan/laporan/ekspor.csv").status_code == 403
    # inside Jawa Barat only the supervising roles the supervision page is for
    for role in ("opd", "sekretariat_dprd"):
        refused = web(JABAR, [role]).get(f"/pengawasan/laporan/{report_id}/ekspor.xlsx")
        assert refused.status_code == 403 and title.encode() not in refused.data
    jateng_draft = web(JATENG, ["gubernur_verifier"]).get("/pengawasan/laporan/ekspor.csv")
    assert jateng_draft.status_code == 200 and title not in jateng_draft.get_data(as_text=True)
    bad = jabar.get("/pengawasan/laporan/ekspor.csv?tahap=entah")
    assert bad.status_code in (400, 422) and "Tahap pengawasan harus" in bad.get_data(as_text=True)
