"""Dashboards and maps for each level, on a demo cooperation: the figures' tables carry the
numbers (the screen-reader and print fallback of each chart), the charts come from the app's own
static files (no CDN, no inline script), and each region of a map links into its register."""

from __future__ import annotations

import re

from sikd.testing.web import text


def scripts_are_files_from_the_app(page: str) -> None:
    for tag in re.findall(r"<script[^>]*>", page):
        assert re.search(r'src="/(register/)?static/[\w.-]+\.js"', tag), tag
    assert (
        "http://" not in page.split("<main", 1)[1] and "https://" not in page.split("<main", 1)[1]
    )


def test_each_level_sees_its_dashboard_with_tables(app, web, cooperation_at):
    running = cooperation_at("pelaksanaan", tenant="32.75")
    for code, role, first in [
        ("32.75", "tkksd", "grafik-jenis"),
        ("32", "gubernur_verifier", "grafik-daerah"),
        ("KEMENDAGRI", "sekjen_verifier", "grafik-provinsi"),
    ]:
        page = text(web(code, [role]).get("/kerja-sama/dasbor"))
        assert f'id="{first}"' in page, code
        scripts_are_files_from_the_app(page)
        assert '<th scope="row"><a href="/kerja-sama?type=KSDPL">KSDPL</a></th>' in page, code
    provinsi = text(web("32", ["gubernur_verifier"]).get("/kerja-sama/dasbor"))
    assert '<a href="/kerja-sama?tenant=32.75">Kota Bekasi</a>' in provinsi
    national = text(web("KEMENDAGRI", ["sekjen_verifier"]).get("/kerja-sama/dasbor"))
    assert '<a href="/kerja-sama?provinsi=32">Jawa Barat</a>' in national
    chart = web("32.75", ["tkksd"]).get("/register/static/chart.umd.min.js")
    assert chart.status_code == 200 and b"Chart.js v4" in chart.data
    assert running.stage == "pelaksanaan"


def test_national_map_links_jawa_barat_to_its_register(app, web, cooperation_at):
    running = cooperation_at("pelaksanaan", tenant="32.75")
    national = web("KEMENDAGRI", ["sekjen_verifier"])
    page = text(national.get("/kerja-sama/peta"))
    link = re.search(r'<a href="([^"]+)" class="provinsi" data-kode="32"', page)
    assert link and link.group(1) == "/kerja-sama?provinsi=32"
    assert "<svg" in page and 'class="negara"' in page  # a partner country is on the world map
    register = text(national.get(link.group(1)))
    assert f"/kerja-sama/{running.id}" in register
    scripts_are_files_from_the_app(page)
