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


def test_every_provinsi_of_the_registry_has_a_shape_or_a_declared_group():
    """The 38 provinsi of Kepmendagri 300.2.2-2138/2025 (tenants/regions.csv) on a map drawn
    from 34 shapes: each has its own, or is named in the group of the shape it was split from
    (Papua Selatan, Papua Tengah, Papua Pegunungan from Papua; Papua Barat Daya from Papua
    Barat)."""
    from sikd.register.maps import provinsi_shapes, shape_of_provinsi
    from sikd.tenancy.services import read_regions

    provinsi = {r.code for r in read_regions() if r.kind == "provinsi"}
    shapes = provinsi_shapes()["shapes"]
    assert len(provinsi) == 38 and len(shapes) == 34
    assert set(shape_of_provinsi()) == provinsi
    assert {s["code"] for s in shapes} <= provinsi
    grouped = {m: s["code"] for s in shapes for m in s["group"] if m != s["code"]}
    assert grouped == {"93": "91", "94": "91", "95": "91", "96": "92"}
    for shape in shapes:
        assert shape["d"].startswith("m") and len(shape["d"]) > 100, shape["code"]


def test_the_map_colours_by_the_chosen_measure_and_names_the_papua_group(app, web, cooperation_at):
    cooperation_at("pelaksanaan", tenant="32.75")
    national = web("KEMENDAGRI", ["sekjen_verifier"])
    for measure, caption in [
        ("jumlah", "jumlah kerja sama"),
        ("lewat_tenggat", "bagian yang lewat tenggat"),
        ("tidak_aktif", "bagian yang tidak aktif"),
    ]:
        page = text(national.get(f"/kerja-sama/peta?ukuran={measure}"))
        assert f"Indonesia menurut provinsi: {caption}" in page
        assert page.count('class="provinsi"') == 34
    assert "Jawa Barat: 1 kerja sama," in page
    papua = re.search(
        r'<a href="([^"]+)" class="provinsi" data-kode="91"[^>]*aria-label="([^"]+)"', page
    )
    assert papua and papua.group(1) == "/kerja-sama?provinsi=91,93,94,95"
    assert "Papua Selatan, Papua Tengah, Papua Pegunungan" in papua.group(2)
    assert national.get(papua.group(1)).status_code == 200  # the group's registers together
    table = page.split("<caption>Data peta Indonesia (38 provinsi)</caption>", 1)[1]
    table = table.split("</table>", 1)[0]
    assert table.count('<th scope="row">') == 38
    assert '<a href="/kerja-sama?provinsi=96">Papua Barat Daya</a>' in table
    assert "38 provinsi sejak 2022" in page and "CC BY 4.0" in page
    assert national.get("/kerja-sama/peta?ukuran=tidak-ada").status_code == 200
    licence = national.get("/register/static/svg-maps-indonesia-LICENSE.md")
    assert licence.status_code == 200
