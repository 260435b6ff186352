"""The pages of the yearly work through the Flask test client: the pemetaan (Perwal Bekasi
57/2023 Pasal 9-19) from opening to Keputusan, with an incomplete recommendation returned with its
reason (Pasal 14(2)); and the tim pembinaan dan pengawasan's pemantauan (Pasal 85(2)-(3), 88(1))
from its list with due dates to the report filed on the detail page. CSRF is on, refusals are
pages in Indonesian, and another daerah sees nothing."""

from __future__ import annotations

import io
import re
from datetime import date

from sikd.testing import PDF
from sikd.testing.running import at, people, running_ksdpl
from sikd.testing.web import csrf, text

FULL = {
    "masalah": "Pengelolaan sampah belum mencapai target.",
    "target_kinerja": "Pengurangan sampah 30%.",
    "kebijakan_tindakan": "Kerja sama pengolahan sampah.",
    "jangka_waktu_ruang_lingkup": "5 tahun; TPST.",
}


def post(client, path: str, page: str, data: dict, **kw):
    return client.post(path, data={"csrf_token": csrf(page), **data}, **kw)


def test_pemetaan_pages_pasal_9_to_19(web):
    tkksd = web("32.75", ["tkksd"])
    opd = web("32.75", ["opd"], unit="Dinas Lingkungan Hidup")
    page = text(tkksd.get("/pemetaan"))
    assert "Pemetaan urusan pemerintahan" in page and 'href="/pemetaan"' in page  # in the menu
    assert "Buka pemetaan" in page
    # without CSRF the form is refused; an OPD may not open the year (Pasal 9)
    assert tkksd.post("/pemetaan/buka", data={"year": "2027"}).status_code == 400
    opd_page = text(opd.get("/pemetaan"))
    assert "Menunggu: TKKSD membuka pemetaan" in opd_page
    refused = post(opd, "/pemetaan/buka", opd_page, {"year": "2027"})
    assert refused.status_code == 403 and "TKKSD" in text(refused)
    opened = post(tkksd, "/pemetaan/buka", page, {"year": "2027"})
    assert opened.status_code == 302
    url = opened.headers["Location"]
    cycle_id = int(url.rsplit("/", 1)[1])

    # OPD: a recommendation without its team is refused, keeping what was typed (Pasal 10)
    page = text(opd.get(url))
    assert "Sampaikan rekomendasi Perangkat Daerah Anda" in page
    bad = post(opd, f"{url}/rekomendasi", page, {"perangkat_daerah": "DLH", **FULL})
    assert bad.status_code == 422 and "anggota tim" in text(bad)
    assert FULL["masalah"] in text(bad)
    team = "Rina Wulandari; Kepala Bidang\nAdi; Analis"
    done = post(
        opd, f"{url}/rekomendasi", page, {"perangkat_daerah": "DLH", "tim_anggota": team, **FULL}
    )
    assert done.status_code == 302
    partial = {"perangkat_daerah": "Dishub", "tim_anggota": "Budi; Sekretaris", "masalah": "Macet"}
    assert post(opd, f"{url}/rekomendasi", page, partial).status_code == 302

    # TKKSD: Pasal 14 — an incomplete one cannot be passed; returned with a reason
    page = text(tkksd.get(url))
    ids = [int(i) for i in re.findall(r'id="rekomendasi-(\d+)"', page)]
    dlh, dishub = ids
    refused = post(tkksd, f"/pemetaan/rekomendasi/{dishub}/periksa", page, {"lengkap": "1"})
    assert refused.status_code == 409 and "Kembalikan" in text(refused)
    no_reason = post(tkksd, f"/pemetaan/rekomendasi/{dishub}/periksa", page, {"lengkap": "0"})
    assert no_reason.status_code == 422
    back = {"lengkap": "0", "catatan": "Lengkapi target dan jangka waktu"}
    assert post(tkksd, f"/pemetaan/rekomendasi/{dishub}/periksa", page, back).status_code == 302
    assert (
        post(tkksd, f"/pemetaan/rekomendasi/{dlh}/periksa", page, {"lengkap": "1"}).status_code
        == 302
    )
    page = text(tkksd.get(url))
    assert "Lengkapi target dan jangka waktu" in page
    assert "Periksa dulu setiap rekomendasi" in page  # no pleno yet

    # OPD completes the returned one (Pasal 14(2))
    page = text(opd.get(url))
    assert "Lengkapi dan sampaikan lagi" in page
    fixed = post(opd, f"/pemetaan/rekomendasi/{dishub}/lengkapi", page, FULL)
    assert fixed.status_code == 302
    page = text(tkksd.get(url))
    assert (
        post(tkksd, f"/pemetaan/rekomendasi/{dishub}/periksa", page, {"lengkap": "1"}).status_code
        == 302
    )

    # Pleno and berita acara with the Daftar and its priorities (Pasal 15-16)
    page = text(tkksd.get(url))
    assert "Catat berita acara pleno" in page
    pleno = {
        "tanggal": "2027-03-01",
        "skala_prioritas": "Dampak pada target RPJMD",
        f"judul_{dlh}": "Pengolahan sampah menjadi energi",
        f"prioritas_{dlh}": "2",
        f"judul_{dishub}": "Transportasi massal terpadu",
        f"prioritas_{dishub}": "1",
    }
    assert post(tkksd, f"{url}/pleno", page, pleno).status_code == 302
    page = text(tkksd.get(url))
    assert "PEM-2027-01</strong> Transportasi massal terpadu" in page
    assert "Unggah Keputusan" in page

    # Keputusan (Pasal 17-18): a PDF is required
    not_pdf = post(
        tkksd,
        f"{url}/keputusan",
        page,
        {"nomor": "1/2027", "tanggal": "2027-03-10", "berkas": (io.BytesIO(b"x"), "k.pdf")},
        content_type="multipart/form-data",
    )
    assert not_pdf.status_code == 422 and "PDF" in text(not_pdf)
    decree = {
        "nomor": "100.3/Kep.1/2027",
        "tanggal": "2027-03-10",
        "berkas": (io.BytesIO(PDF), "k.pdf"),
    }
    ok = post(tkksd, f"{url}/keputusan", page, decree, content_type="multipart/form-data")
    assert ok.status_code == 302
    page = text(tkksd.get(url))
    assert "Berlaku" in page and "100.3/Kep.1/2027" in page

    # another daerah sees nothing of it
    stranger = web("33.72", ["tkksd"])
    assert stranger.get(url).status_code == 404
    assert "Transportasi massal" not in text(stranger.get("/pemetaan"))
    other = text(stranger.get("/pemetaan"))
    assert post(stranger, f"/pemetaan/{cycle_id}/pleno", other, pleno).status_code == 404
    # the Gubernur's office has no pemetaan of its own to work on
    assert web("32", ["gubernur_verifier"]).get("/pemetaan").status_code == 403


def test_pemantauan_pages_pasal_85_88(app, client, make_user, web, cli):
    p = people(client, make_user, "32.75")
    cid = running_ksdpl(app, p, "32.75", date(2027, 1, 15), date(2031, 12, 31))
    tim = web("32.75", ["tim_pengawasan"])
    detail = text(tim.get(f"/kerja-sama/{cid}"))
    assert 'id="pengawasan"' in detail and "15 Juli 2027" in detail  # Pasal 85(3)
    at(app, date(2027, 7, 16), p)
    assert cli("deadlines", "run", "--now", "2027-07-16T08:00:00+07:00").exit_code == 0
    page = text(tim.get("/pemantauan-evaluasi"))
    assert "Pemantauan &amp; Evaluasi" in page or "Pemantauan & Evaluasi" in page  # menu
    assert "Menunggu laporan" in page and "15 Agustus 2027" in page  # the report's due date
    assert "1 menunggu laporan Tim Pembinaan" in text(tim.get("/beranda"))  # the inbox links it
    assert f"/kerja-sama/{cid}#pengawasan" in page
    detail = text(tim.get(f"/kerja-sama/{cid}"))
    round_id = int(re.search(r'id="putaran-(\d+)"', detail).group(1))
    assert "✘ Laporan" in detail  # what the report attaches (Pasal 88(1)), still missing
    refused = post(tim, f"/pemantauan-evaluasi/{round_id}/laporan", detail, {"catatan": "x"})
    assert refused.status_code == 302
    assert "lampirkan dahulu" in text(tim.get(f"/kerja-sama/{cid}"))
    kinds = __import__("sikd.rules", fromlist=["x"]).effective_rulebook("32.75").as_dict()
    kinds = kinds["document_kinds"]
    assert p["tkksd"].upload(cid, "laporan_mitra", kinds, date(2027, 7, 16)).status_code == 201
    assert p["tim"].upload(cid, "laporan_pemantauan", kinds, date(2027, 7, 16)).status_code == 201
    detail = text(tim.get(f"/kerja-sama/{cid}"))
    done = post(tim, f"/pemantauan-evaluasi/{round_id}/laporan", detail, {"catatan": "Baik"})
    assert done.status_code == 302
    detail = text(tim.get(f"/kerja-sama/{cid}"))
    assert "Laporan pemantauan disampaikan" in detail and "Evaluasi" in detail
    assert "Tidak ada pemantauan atau evaluasi" in text(tim.get("/pemantauan-evaluasi"))
    # an OPD may not report nor open one; another daerah gets 404
    opd = web("32.75", ["opd"])
    assert opd.get("/pemantauan-evaluasi").status_code == 403
    stranger = web("33.72", ["tim_pengawasan"])
    page = text(stranger.get("/pemantauan-evaluasi"))
    body = {"kind": "pemantauan", "alasan": "tulis silang"}
    assert post(stranger, f"/kerja-sama/{cid}/pemantauan-evaluasi", page, body).status_code == 404
    assert post(stranger, f"/pemantauan-evaluasi/{round_id}/laporan", page, {}).status_code == 404
