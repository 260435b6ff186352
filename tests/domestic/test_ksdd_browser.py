"""The KSDD of two daerah in the browser: Kota Bekasi picks Kabupaten Bogor in the wizard, and
Bogor's Bupati finds the offer in the Kotak Masuk, sees both sides and accepts it (Perwal Kota
Bekasi 57/2023 Pasal 23-24)."""

from __future__ import annotations

import re

import pytest

from sikd.testing import TEST_PASSWORD, ApiUser
from sikd.testing.browser import CHROMIUM, make_person, screenshot
from sikd.testing.domestic import kinds_of

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="/usr/bin/chromium tidak ada"),
]


def test_bogor_accepts_bekasis_offer_in_the_browser_pasal_23_24(person, live_server, app):
    bupati = person("32.01", ["kepala_daerah"])
    person("32.01", ["tkksd"])
    opd = person("32.75", ["opd"])
    opd.goto(f"{live_server}/kerja-sama/baru")
    opd.get_by_label(re.compile("^KSDD")).check()  # the wizard, one step a screen
    opd.locator("#langkah-1").get_by_role("button", name=re.compile("^Lanjut")).click()
    opd.get_by_label("Subjenis").select_option("wajib")
    opd.get_by_label("Judul kerja sama").fill("Penanganan Banjir DAS Kali Bekasi")
    opd.get_by_label(re.compile("^Daerah mitra")).fill("32.01")
    assert opd.get_by_label("Bentuk mitra").input_value() == "pemerintah_daerah"  # the only one
    assert not opd.get_by_label("Negara mitra").is_visible()  # not asked of a KSDD
    opd.locator("#langkah-2").get_by_role("button", name=re.compile("^Lanjut")).click()
    opd.locator("#langkah-3").get_by_role("button", name=re.compile("^Lanjut")).click()
    opd.get_by_role("button", name="Lanjut: periksa ringkasan →").click()
    opd.get_by_role("button", name="Catat prakarsa").click()
    opd.get_by_text(re.compile(r"Prakarsa KS/32\.75/\d{4}/\d{4} tercatat")).wait_for()
    cid = int(re.search(r"/kerja-sama/(\d+)$", opd.url).group(1))
    assert "Pemerintah Kabupaten Bogor" in opd.locator("#para-pihak").inner_text()

    client = app.test_client()
    kinds = kinds_of("32.75")
    from sikd.core import clock

    today = clock.now().date()
    ApiUser(client, opd.user, TEST_PASSWORD).act(cid, "ajukan_kak", kinds, today)
    tkksd = ApiUser(client, make_person(app, "32.75", ["tkksd"]), TEST_PASSWORD)
    tkksd.act(cid, "setujui", kinds, today)
    walikota = ApiUser(client, make_person(app, "32.75", ["kepala_daerah"]), TEST_PASSWORD)
    walikota.act(cid, "kirim_penawaran", kinds, today)

    bupati.goto(f"{live_server}/beranda")
    assert "Penanganan Banjir DAS Kali Bekasi" in bupati.content()  # the partner's Kotak Masuk
    bupati.get_by_role("link", name=re.compile(r"^KS.32\.75.\d{4}")).first.click()
    sides = bupati.locator("#para-pihak").inner_text()
    assert "Kota Bekasi" in sides and re.search(r"KS/32\.01/\d{4}/\d{4}", sides)
    screenshot(bupati, "ksdd-penawaran-di-kotak-masuk-mitra")
    bupati.locator("#aksi-terima").get_by_role("button").click()
    bupati.get_by_text(re.compile(r"tindakan «.+» tercatat")).first.wait_for()
    assert "Penyusunan rancangan Kesepakatan Bersama" in bupati.content()
