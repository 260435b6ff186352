"""Dashboards and maps in the browser on a demo cooperation: each opens with its charts drawn
(by the vendored Chart.js, from the page's own files), screenshots are taken, and clicking Jawa
Barat's boundary on the national map opens Jawa Barat's register; the public register opens without login."""

from __future__ import annotations

import pytest

from sikd.testing.browser import screenshot

pytestmark = pytest.mark.browser


def test_dashboards_and_maps_in_the_browser(app, browser, person, live_server, cooperation_at):
    running = cooperation_at("pelaksanaan", tenant="32.75")
    for code, role, name in [
        ("32.75", "tkksd", "daerah"),
        ("32", "gubernur_verifier", "provinsi"),
        ("KEMENDAGRI", "sekjen_verifier", "kemendagri"),
    ]:
        page = person(code, [role])
        errors: list[str] = []
        page.on("pageerror", lambda exc, errors=errors: errors.append(str(exc)))
        page.goto(f"{live_server}/kerja-sama/dasbor")
        page.wait_for_function("document.querySelectorAll('canvas').length > 0")
        drawn = page.evaluate(
            "Array.from(document.querySelectorAll('canvas')).filter(c => c.width > 0).length"
        )
        assert drawn >= 3 and not errors, (name, drawn, errors)
        screenshot(page, f"register-dasbor-{name}")
        page.goto(f"{live_server}/kerja-sama/peta")
        screenshot(page, f"register-peta-{name}")
    page.goto(f"{live_server}/kerja-sama/peta?ukuran=tidak_aktif")
    assert page.locator("a.provinsi").count() == 34  # the boundaries, not symbols
    screenshot(page, "register-peta-kemendagri-tidak-aktif")
    page.goto(f"{live_server}/kerja-sama/peta")
    page.locator('a.provinsi[data-kode="32"]').click()
    page.wait_for_url(f"{live_server}/kerja-sama?provinsi=32")
    assert page.locator(f'a[href="/kerja-sama/{running.id}"]').count() >= 1
    screenshot(page, "register-peta-klik-jawa-barat")

    anonymous = browser.new_context(locale="id-ID")
    public = anonymous.new_page()
    public.goto(f"{live_server}/publik/kerja-sama")
    public.get_by_role("heading", name="Daftar publik kerja sama daerah").wait_for()
    screenshot(public, "register-publik")
    anonymous.close()
