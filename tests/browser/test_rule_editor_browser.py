"""The rule editor in the browser: Kota Surakarta's tenant admin tightens the Gubernur
forwarding deadline (PMDN25 tahap 6; DOMAIN §4: 5 hari) to 3 hari and requires a telaah hukum
before the DPRD stage through Indonesian forms, is refused a 60-hari DPRD deadline (PMDN25
tahap 5: 45 hari kerja) with the rule named, proposes; the Wali Kota compares and publishes."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from sikd.testing.browser import screenshot

pytestmark = pytest.mark.browser

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def basis(form, pasal: str = "7", ayat: str = "2") -> None:
    form.get_by_label("Pasal").fill(pasal)
    form.get_by_label("Ayat").fill(ayat)


def saved(page) -> None:
    page.get_by_text("Perubahan tersimpan dan telah diperiksa.").wait_for()


def tighten_and_require(admin) -> None:
    """Gubernur forwarding 5 → 3 hari; a new 'telaah hukum' kind required before the DPRD."""
    row = admin.locator("#tahap-rencana_di_gubernur")
    row.get_by_text("Perketat tenggat").click()
    form = row.get_by_role("form", name=re.compile("^Perketat tenggat"))
    form.get_by_label("Jumlah").fill("3")
    form.get_by_label("Jenis hari").select_option("hari")
    basis(form)
    form.get_by_role("button", name="Simpan tenggat").click()
    saved(admin)

    admin.get_by_label("Kode", exact=True).first.fill("telaah_hukum")
    admin.get_by_label("Nama dokumen").fill("Telaah hukum Bagian Hukum")
    admin.get_by_label("Isian 1: kode").fill("nomor_telaah")
    admin.get_by_label("Isian 1: label").fill("Nomor telaah")
    admin.get_by_label("Isian 2: kode").fill("kesimpulan")
    admin.get_by_label("Isian 2: label").fill("Kesimpulan")
    admin.get_by_label("Isian 2: jenis").select_option("longtext")
    kind_form = admin.locator("form", has=admin.get_by_role("button", name="Tambah jenis dokumen"))
    basis(kind_form)
    kind_form.get_by_role("button", name="Tambah jenis dokumen").click()
    saved(admin)

    row = admin.locator("#tahap-telaah_rencana")
    row.get_by_text("Wajibkan dokumen").click()
    form = row.get_by_role("form", name=re.compile("^Wajibkan dokumen"))
    form.get_by_label("Jenis dokumen").select_option("telaah_hukum")
    basis(form)
    form.get_by_role("button", name="Wajibkan").click()
    saved(admin)


def test_surakarta_edits_its_perwal_in_forms_and_the_wali_kota_publishes(person, live_server):
    from sikd.core import clock

    base = live_server
    admin = person("33.72", ["tenant_admin"])
    admin.goto(f"{base}/aturan")
    admin.get_by_role("link", name="Penyusun aturan daerah").first.click()
    admin.get_by_role("button", name="Mulai draf").click()
    admin.get_by_label("Kode singkat").fill("PERWALSKA2026")
    admin.get_by_label("Nama lengkap peraturan").fill("Perwal Kota Surakarta Nomor X Tahun 2026")
    admin.get_by_role("button", name="Daftarkan peraturan").click()
    saved(admin)
    admin.get_by_label(re.compile("^Naskah peraturan")).set_input_files(
        {"name": "perwal-surakarta.pdf", "mimeType": "application/pdf", "buffer": PDF}
    )
    admin.get_by_role("button", name="Unggah naskah").click()
    saved(admin)

    tighten_and_require(admin)
    assert "Telaah hukum Bagian Hukum" in admin.locator("#tahap-telaah_rencana").inner_text()
    assert "3 hari" in admin.locator("#tahap-rencana_di_gubernur").inner_text()

    # lengthening the national DPRD deadline is refused, naming the rule and its basis
    row = admin.locator("#tahap-persetujuan_dprd")
    row.get_by_text("Perketat tenggat").click()
    form = row.get_by_role("form", name=re.compile("^Perketat tenggat"))
    form.get_by_label("Jumlah").fill("60")
    form.get_by_label("Jenis hari").select_option("hari")
    basis(form)
    form.get_by_role("button", name="Simpan tenggat").click()
    refusal = admin.get_by_role("alert").filter(has_text="Tenggat tidak boleh diperpanjang").first
    refusal.wait_for()
    text = refusal.inner_text()
    assert "persetujuan_dprd" in text and "Permendagri 25/2020" in text
    assert "Persetujuan DPRD" in admin.locator("main").inner_text()
    screenshot(admin, "aturan-01-penyusun-penolakan")

    tomorrow = (clock.now() + timedelta(days=1)).date().isoformat()
    admin.get_by_label("Tanggal mulai berlaku").fill(tomorrow)
    admin.get_by_role("button", name="Ajukan").click()
    admin.get_by_text("Usulan menunggu penetapan Kepala Daerah").wait_for()
    assert admin.get_by_role("button", name="Terbitkan aturan daerah").count() == 0
    screenshot(admin, "aturan-02-penyusun-diajukan")

    walikota = person("33.72", ["kepala_daerah"])
    walikota.goto(f"{base}/aturan/banding")
    table = walikota.get_by_role("table")
    header = table.locator("thead").inner_text()
    assert "Nasional" in header and "Draf" in header
    gub = table.locator("tr", has_text="Rencana di Gubernur").first.inner_text()
    assert "5 hari" in gub and "3 hari" in gub
    screenshot(walikota, "aturan-03-perbandingan")
    walikota.goto(f"{base}/aturan/ubah")
    walikota.get_by_role("button", name="Terbitkan aturan daerah").click()
    walikota.get_by_text("Aturan daerah diterbitkan").wait_for()
    assert tomorrow in walikota.locator("main").inner_text()
    screenshot(walikota, "aturan-04-riwayat")
