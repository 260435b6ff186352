"""The officials' web pages through the Flask test client: each page for its role, refusals
that say what to do, tenant isolation, CSRF, and forms that keep what was typed."""

from __future__ import annotations

import io
import re
from datetime import timedelta

from sikd.testing.api import PDF
from sikd.testing.journeys import SISTER_CITY
from sikd.testing.web import csrf, new_coop, text, upload_via_form


def test_every_main_page_renders_in_indonesian_for_its_role(web, api):
    cid = new_coop(api)
    tkksd = web("32.75", ["tkksd"])
    pages = {
        "/beranda": "Kotak Masuk",
        "/kerja-sama": "Daftar Kerja Sama",
        f"/kerja-sama/{cid}": "Tindakan yang dapat Anda ambil sekarang",
        "/kerja-sama/baru": "Langkah 1 dari 5 · Jenis kerja sama",
        "/aturan": "Aturan yang berlaku untuk Kota Bekasi",
        "/notifikasi": "Notifikasi",
    }
    for path, heading in pages.items():
        response = tkksd.get(path)
        assert response.status_code == 200, path
        body = text(response)
        assert heading in body, path
        assert 'lang="id"' in body and "Kembali ke Kotak Masuk" in body, path
    # the TKKSD sees its new prakarsa in the inbox, with the action it may take
    assert SISTER_CITY["title"] in text(tkksd.get("/beranda"))
    assert "Lanjutkan ke penjajakan" in text(tkksd.get(f"/kerja-sama/{cid}"))
    for code, roles, path, heading in (
        ("32", ["gubernur_verifier"], "/gubernur", "Antrean Gubernur"),
        ("KEMENDAGRI", ["sekjen_verifier"], "/nasional", "Pantauan Nasional"),
        ("KEMLU", ["kemlu_reviewer"], "/kemlu", "Antrean Kementerian Luar Negeri"),
        ("32.75", ["tenant_admin"], "/admin/pengguna", "Tambah pengguna"),
    ):
        person = web(code, roles)
        response = person.get(path)
        assert response.status_code == 200, path
        assert heading in text(response), path
    # a page for another role is refused with a page that says whom to ask
    refused = tkksd.get("/gubernur")
    assert refused.status_code == 403
    assert "Verifikator Gubernur" in text(refused) and "administrator instansi" in text(refused)


def test_rules_page_marks_bekasis_local_rules_apart_from_national_ones(web):
    page = text(web("32.75", ["tkksd"]).get("/aturan"))
    # every daerah coordinates with Kemendagri before the LoI (Permendagri 25/2020 tahap 3); the
    # stage is national now, Bekasi's Perwal Pasal 61 only reads it as a written tanggapan
    assert "Tanggapan Menteri Dalam Negeri (koordinasi sebelum LoI)" in page
    # the DPRD stage is national, its 45-day (not working-day) clock is Bekasi's (Pasal 65)
    dprd = page[page.index("<td>Persetujuan DPRD") :][:900]
    assert (
        "45 hari " in dprd
        and "badge-local" in dprd
        and "Perwal Kota Bekasi 57/2023 Pasal 65" in dprd
    )
    national = text(web("32.01", ["tkksd"]).get("/aturan"))
    assert "Tanggapan Menteri Dalam Negeri (koordinasi sebelum LoI)" in national
    assert "45 hari kerja" in national


def test_another_tenants_cooperation_is_a_404_page_in_indonesian(web, api):
    cid = new_coop(api)
    bogor = web("32.01", ["tkksd"])
    response = bogor.get(f"/kerja-sama/{cid}")
    assert response.status_code == 404
    body = text(response)
    assert "Halaman tidak ditemukan" in body and "Kembali ke Kotak Masuk" in body
    assert SISTER_CITY["title"] not in body
    assert SISTER_CITY["title"] not in text(bogor.get("/kerja-sama"))
    # nor can it act on it
    page = text(bogor.get("/kerja-sama"))
    acted = bogor.post(
        f"/kerja-sama/{cid}/tindakan/lanjut_penjajakan", data={"csrf_token": csrf(page)}
    )
    assert acted.status_code == 404


def test_a_form_without_csrf_token_is_refused_and_changes_nothing(web, api):
    cid = new_coop(api)
    tkksd = web("32.75", ["tkksd"])
    response = tkksd.post(
        f"/kerja-sama/{cid}/tindakan/lanjut_penjajakan",
        data={"asal_prakarsa": "pemerintah_daerah", "expected_version": "1"},
    )
    assert response.status_code == 400
    assert "CSRF" in text(response) and "Muat ulang" in text(response)
    assert "Prakarsa" in text(tkksd.get(f"/kerja-sama/{cid}"))
    assert (
        api("32.75", "tkksd").get(f"/api/v1/cooperations/{cid}").get_json()["stage"] == "prakarsa"
    )


def test_create_wizard_keeps_what_was_typed_and_names_the_missing_persyaratan(web):
    opd = web("32.75", ["opd"])
    page = text(opd.get("/kerja-sama/baru"))
    form = {
        "csrf_token": csrf(page),
        "type": "KSDPL",
        "subtype": "kota_kembar",
        "title": "Kota Kembar Bekasi – Kota Uji",
        "partner_name": "Pemerintah Kota Uji",
        "partner_kind": "pemerintah_daerah",
        "partner_country": "JP",
        "objek": ["pertukaran_budaya"],
        "persyaratan": ["hubungan_diplomatik"],
        "prakarsa_origin": "daerah",
        "pemetaan_ref": "Daftar Rencana Program 2026 butir 3",
    }
    refused = opd.post("/kerja-sama/baru", data=form)
    assert refused.status_code == 422
    body = text(refused)
    assert "Persyaratan belum dinyatakan terpenuhi" in body and "Pasal 51" in body
    # nothing typed is lost
    assert 'value="Kota Kembar Bekasi – Kota Uji"' in body
    assert 'value="Pemerintah Kota Uji"' in body
    assert re.search(r'id="objek-pertukaran_budaya" value="pertukaran_budaya"\s*checked', body)
    assert 'id="langkah-3" data-step="3">' in body  # shown on the step it belongs to
    assert "Daftar Rencana Program 2026 butir 3" in body
    # an empty step is named with its step
    empty = opd.post("/kerja-sama/baru", data={"csrf_token": form["csrf_token"]})
    assert empty.status_code == 422
    assert "langkah 1" in text(empty) and "langkah 2" in text(empty)
    # with every persyaratan it is created and the detail page opens
    form["persyaratan"] = SISTER_CITY["persyaratan"]
    created = opd.post("/kerja-sama/baru", data=form)
    assert created.status_code == 302
    detail = text(opd.get(created.headers["Location"]))
    assert "Kota Kembar Bekasi – Kota Uji" in detail and "Prakarsa" in detail
    assert "KS/32.75/" in detail


def test_action_refused_for_a_missing_document_names_it_and_offers_its_upload_form(web, api, kinds):
    from sikd.core import clock

    cid = new_coop(api)
    today = clock.now().date()
    api("32.75", "tkksd").act(cid, "lanjut_penjajakan", kinds, today)
    walikota = web("32.75", ["kepala_daerah"])
    page = text(walikota.get(f"/kerja-sama/{cid}"))
    # before trying: the form says which document is missing and offers its upload with fields
    assert "Dokumen yang belum ada untuk tindakan ini" in page
    assert 'href="#a-sepakat-kajian"' in page and 'name="dok-kajian-isi_ringkasan"' in page
    for field in kinds["kajian"]["fields"]:
        assert f'name="isi_{field["name"]}"' in page
    refused = walikota.post(
        f"/kerja-sama/{cid}/tindakan/sepakat",
        data={"csrf_token": csrf(page), "expected_version": "2", "mekanisme": "Kunjungan kerja"},
    )
    assert refused.status_code == 422
    body = text(refused)
    assert "Kajian hasil penjajakan" in body and "Lampirkan dokumen berikut" in body
    assert "Kunjungan kerja" in body  # the typed input is kept
    # an upload with a missing field is refused next to that field, typed values kept
    upload = walikota.post(
        f"/kerja-sama/{cid}/dokumen",
        data={
            "csrf_token": csrf(page),
            "kind": "kajian",
            "isi_judul": "Kajian Kota Kembar",
            "berkas": (io.BytesIO(PDF), "kajian.pdf"),
        },
        content_type="multipart/form-data",
    )
    assert upload.status_code == 422
    body = text(upload)
    assert "Ringkasan kajian wajib diisi" in body
    assert 'value="Kajian Kota Kembar"' in body
    # full uploads of what the action needs (Bekasi adds the letter asking for the tanggapan)
    for kind in ("kajian", "surat_permohonan_tanggapan"):
        ok = upload_via_form(walikota, cid, kind, kinds, csrf(page))
        assert ok.status_code == 302, text(ok)
    page = text(walikota.get(f"/kerja-sama/{cid}"))
    assert "Unduh versi 1" in page
    link = re.search(r'href="(/dokumen/\d+/versi/\d+/unduh)"', page).group(1)
    download = walikota.get(link)
    assert download.status_code in (200, 302)
    assert web("32.01", ["tkksd"]).get(link).status_code == 404
    done = walikota.post(
        f"/kerja-sama/{cid}/tindakan/sepakat",
        data={"csrf_token": csrf(page), "expected_version": "2", "mekanisme": "Kunjungan kerja"},
    )
    assert done.status_code == 302, text(done)[text(done).find("penolakan") :][:600]
    assert "tercatat" in text(walikota.get(done.headers["Location"]))


def test_stale_form_is_a_409_that_says_data_changed_with_a_reload_link(web, api, kinds):
    cid = new_coop(api)
    tkksd = web("32.75", ["tkksd"])
    page = text(tkksd.get(f"/kerja-sama/{cid}"))
    form = {"csrf_token": csrf(page), "expected_version": "1", "asal_prakarsa": "pemerintah_daerah"}
    assert tkksd.post(f"/kerja-sama/{cid}/tindakan/lanjut_penjajakan", data=form).status_code == 302
    again = tkksd.post(f"/kerja-sama/{cid}/tindakan/lanjut_penjajakan", data=form)
    assert again.status_code == 409
    body = text(again)
    assert "Data sudah berubah" in body and "Muat ulang halaman" in body


def test_gubernur_queue_shows_days_left_and_the_late_forward_says_it_went_direct(
    web, api, kinds, cli
):
    from sikd.core import clock
    from sikd.testing.journeys import to_gubernur_with_rencana

    people = {
        role: api("32.75", role) for role in ("opd", "tkksd", "kepala_daerah", "sekretariat_dprd")
    }
    people["walikota"], people["dprd"] = people["kepala_daerah"], people["sekretariat_dprd"]
    people["sekjen"] = api("KEMENDAGRI", "sekjen_verifier")
    people["kemlu"] = api("KEMLU", "kemlu_reviewer")
    today = clock.now().date()
    cid = to_gubernur_with_rencana(people, kinds, today)
    gubernur = web("32", ["gubernur_verifier"])
    queue = text(gubernur.get("/gubernur"))
    assert SISTER_CITY["title"] in queue
    assert "sisa 5 hari" in queue
    assert "Teruskan ke Kemendagri" in queue and "Kembalikan dengan alasan" in queue
    # a return without reasons is refused next to the reason field
    token = csrf(queue)
    version = re.search(r'name="expected_version" value="(\d+)"', queue).group(1)
    no_reason = gubernur.post(
        f"/kerja-sama/{cid}/tindakan/kembalikan",
        data={"csrf_token": token, "expected_version": version, "kembali": "gubernur"},
    )
    assert no_reason.status_code == 422
    assert "Tuliskan alasan" in text(no_reason)
    # the deadline sweep routes it directly after 5 days; the stale queue form is refused
    hop_due = clock.now() + timedelta(days=6)
    assert cli("deadlines", "run", "--now", hop_due.isoformat()).exit_code == 0
    version = re.search(r'name="expected_version" value="(\d+)"', queue).group(1)
    late = gubernur.post(
        f"/kerja-sama/{cid}/tindakan/teruskan",
        data={"csrf_token": token, "expected_version": version, "kembali": "gubernur"},
    )
    assert late.status_code == 409
    body = text(late)
    assert "sudah diajukan langsung ke Kementerian Dalam Negeri" in body
    assert "tidak perlu meneruskannya lagi" in body
    queue = text(gubernur.get("/gubernur"))
    assert "Sudah diajukan langsung ke Kemendagri" in queue and "diajukan langsung" in queue
    detail = text(gubernur.get(f"/kerja-sama/{cid}"))
    assert "Diajukan langsung" in detail


def test_national_view_counts_by_provinsi_and_stage(web, api):
    new_coop(api)
    page = text(web("KEMENDAGRI", ["sekjen_leader"]).get("/nasional"))
    assert "Jawa Barat" in page and "Menurut tahap" in page and "Prakarsa" in page


def test_tenant_admin_creates_a_user_with_fitting_roles_and_sees_refusals(web):
    admin = web("32.75", ["tenant_admin"])
    page = text(admin.get("/admin/pengguna"))
    assert "Verifikator Gubernur" not in page  # not a role a kota can hold
    bad = admin.post(
        "/admin/pengguna",
        data={"csrf_token": csrf(page), "email": "opd.baru@bekasikota.go.id", "roles": ["opd"]},
    )
    assert bad.status_code == 422
    assert "unit perangkat daerahnya" in text(bad)
    assert 'value="opd.baru@bekasikota.go.id"' in text(bad)
    ok = admin.post(
        "/admin/pengguna",
        data={
            "csrf_token": csrf(page),
            "email": "opd.baru@bekasikota.go.id",
            "full_name": "Siti Uji",
            "unit": "Dinas Pariwisata",
            "roles": ["opd"],
        },
    )
    assert ok.status_code == 200
    body = text(ok)
    assert "Kata sandi awal" in body and "Siti Uji" in body
