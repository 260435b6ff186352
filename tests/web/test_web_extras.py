"""Small things a Bagian Kerja Sama notices: compressed pages on a slow connection, clearing
notifications, and drilling from the national view into one provinsi's cooperations."""

from __future__ import annotations

from sikd.core import clock
from sikd.testing.journeys import SISTER_CITY
from sikd.testing.web import csrf, new_coop, text


def test_pages_and_stylesheets_are_compressed_for_slow_connections(web):
    client = web("32.75", ["tkksd"])
    page = client.get("/beranda", headers={"Accept-Encoding": "gzip"})
    assert page.headers.get("Content-Encoding") == "gzip"
    css_link = "/bootstrap/static/css/bootstrap.min.css"
    plain = client.get(css_link)
    packed = client.get(css_link, headers={"Accept-Encoding": "gzip"})
    assert packed.headers.get("Content-Encoding") == "gzip"
    assert len(packed.data) * 4 < len(plain.data)


def test_notifications_can_be_marked_read_from_the_page(web, api, kinds):
    walikota = web("32.75", ["kepala_daerah"])
    cid = new_coop(api)
    api("32.75", "tkksd").act(cid, "lanjut_penjajakan", kinds, clock.now().date())
    page = text(walikota.get("/notifikasi"))
    assert "baru" in page
    done = walikota.post(
        "/notifikasi/dibaca", data={"csrf_token": csrf(page)}, follow_redirects=True
    )
    assert "ditandai sudah dibaca" in text(done)
    assert 'badge text-bg-primary">baru' not in text(done)


def test_national_view_links_each_provinsi_to_its_cooperations(web, api):
    new_coop(api)
    surakarta = api("33.72", "tkksd").post("/api/v1/cooperations", json=SISTER_CITY)
    assert surakarta.status_code == 201
    sekjen = web("KEMENDAGRI", ["sekjen_verifier"])
    national = text(sekjen.get("/nasional"))
    assert "provinsi=32" in national and "provinsi=33" in national
    jabar = text(sekjen.get("/kerja-sama?provinsi=32"))
    assert "KS/32.75/" in jabar and "KS/33.72/" not in jabar
