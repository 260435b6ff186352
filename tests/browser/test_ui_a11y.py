"""Accessibility of the main pages, desktop and a 390×844 phone: axe-core (vendored from the
npm registry as a test asset, tests/browser/assets, injected by Playwright; never served by the
app) finds no serious or critical violation. Screenshots of the inbox, the detail page and the
new-prakarsa form are kept in test-artifacts/screenshots/."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from sikd.testing import TEST_PASSWORD
from sikd.testing.browser import make_person, screenshot
from sikd.testing.journeys import SISTER_CITY

pytestmark = pytest.mark.browser

AXE = Path(__file__).parent / "assets" / "axe.min.js"
VIEWPORTS = {"desktop": {"width": 1280, "height": 900}, "mobile": {"width": 390, "height": 844}}


def _serious(page) -> list[str]:
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — "
        + "; ".join(n["target"][0] for n in v["nodes"][:3])
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def _login(browser, live_server, user, viewport):
    context = browser.new_context(locale="id-ID", viewport=viewport, bypass_csp=True)
    page = context.new_page()
    page.goto(f"{live_server}/masuk")
    page.get_by_label("Alamat surel").fill(user.email)
    page.get_by_label("Kata sandi").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Masuk").click()
    page.wait_for_url(f"{live_server}/beranda")
    return context, page


def test_main_pages_have_no_serious_accessibility_violations(app, browser, live_server):
    from sikd.testing.api import ApiUser

    opd = make_person(app, "32.75", ["opd"])
    created = ApiUser(app.test_client(), opd, TEST_PASSWORD).post(
        "/api/v1/cooperations", json=SISTER_CITY
    )
    assert created.status_code == 201, created.get_json()
    cid = created.get_json()["id"]
    tkksd = make_person(app, "32.75", ["tkksd"])
    paths = [
        "/beranda",
        "/beranda/dipantau",
        "/kerja-sama",
        "/kerja-sama?q=Jepang",
        f"/kerja-sama/{cid}",
        "/kerja-sama/baru?jenis=KSDPL",
        "/notifikasi",
    ]
    found: dict[str, list[str]] = {}
    for name, viewport in VIEWPORTS.items():
        for user in (opd, tkksd):
            context, page = _login(browser, live_server, user, viewport)
            try:
                for path in paths if user is opd else paths[:4]:
                    page.goto(f"{live_server}{path}")
                    problems = _serious(page)
                    if problems:
                        found[f"{name} {user.roles[0]} {path}"] = problems
                if user is opd:
                    for path, shot in (("/beranda", "inbox"), (f"/kerja-sama/{cid}", "detail")):
                        page.goto(f"{live_server}{path}")
                        screenshot(page, f"ui-after-{shot}-{name}")
                    page.goto(f"{live_server}/kerja-sama/baru?jenis=KSDPL")
                    screenshot(page, f"ui-after-wizard-{name}")
            finally:
                context.close()
    assert not found, found


def test_an_irreversible_action_asks_first_and_the_message_names_the_case(
    app, browser, live_server
):
    """«Batalkan prakarsa» (Permendagri 25/2020 tahap 1) ends the cooperation: the page asks
    before sending (static sikd.js, no inline script), nothing happens on «batal», and once
    confirmed the message says which cooperation it was."""
    from sikd.testing.api import ApiUser

    opd = make_person(app, "32.75", ["opd"])
    created = ApiUser(app.test_client(), opd, TEST_PASSWORD).post(
        "/api/v1/cooperations", json=SISTER_CITY
    )
    cid, number = created.get_json()["id"], created.get_json()["number"]
    walikota = make_person(app, "32.75", ["kepala_daerah"])
    context, page = _login(browser, live_server, walikota, VIEWPORTS["desktop"])
    try:
        page.goto(f"{live_server}/kerja-sama/{cid}")
        asked: list[str] = []

        def dismiss(dialog):
            asked.append(dialog.message)
            dialog.dismiss()

        page.once("dialog", dismiss)
        page.get_by_role("button", name="Batalkan prakarsa").click()
        page.wait_for_timeout(300)
        assert asked and number in asked[0] and "tidak dapat dibatalkan" in asked[0]
        assert page.url.endswith(f"/kerja-sama/{cid}")
        page.reload()
        assert page.get_by_role("button", name="Batalkan prakarsa").is_visible()

        page.locator("#in-batalkan-alasan").fill("Mitra membatalkan rencana kunjungan.")
        page.once("dialog", lambda dialog: dialog.accept())
        page.get_by_role("button", name="Batalkan prakarsa").click()
        page.wait_for_load_state()
        flash = page.get_by_role("status").first.inner_text()
        assert number in flash and "Batalkan prakarsa" in flash
        assert not page.get_by_role("button", name="Batalkan prakarsa").count()
    finally:
        context.close()


def test_prepare_and_approve_pages_have_no_serious_accessibility_violations(
    app, browser, live_server
):
    """The pages of «staff draft, the Kepala Daerah approves»: the action form carrying its
    documents and the letter button (penjajakan), the staff's package (LoI stage), the Kepala
    Daerah's approval screen, and the wizard's steps and summary."""
    from sikd.core import clock
    from sikd.rules import effective_rulebook
    from sikd.testing.api import ApiUser

    kinds = effective_rulebook("32.75").as_dict()["document_kinds"]
    today = clock.now().date()

    def api(code, role):
        return ApiUser(app.test_client(), make_person(app, code, [role]), TEST_PASSWORD)

    opd = api("32.75", "opd")
    early = opd.post("/api/v1/cooperations", json=SISTER_CITY).get_json()["id"]
    api("32.75", "tkksd").act(early, "lanjut_penjajakan", kinds, today)
    body = dict(SISTER_CITY, title="Kota Kembar Bekasi – Kota Uji Aksesibilitas")
    cid = opd.post("/api/v1/cooperations", json=body).get_json()["id"]
    for code, role, action in (
        ("32.75", "tkksd", "lanjut_penjajakan"),
        ("32.75", "kepala_daerah", "sepakat"),
        ("KEMENDAGRI", "sekjen_verifier", "beri_tanggapan"),
        ("KEMLU", "kemlu_reviewer", "beri_tanggapan_kemlu"),
    ):
        api(code, role).act(cid, action, kinds, today)
    tkksd = make_person(app, "32.75", ["tkksd"])
    kd = make_person(app, "32.75", ["kepala_daerah"])
    found: dict[str, list[str]] = {}
    for name, viewport in VIEWPORTS.items():
        context, page = _login(browser, live_server, tkksd, viewport)
        try:
            for path in (f"/kerja-sama/{early}", f"/kerja-sama/{cid}"):
                page.goto(f"{live_server}{path}")
                if problems := _serious(page):
                    found[f"{name} tkksd {path}"] = problems
            screenshot(page, f"ui-after-siapkan-{name}")
            page.goto(f"{live_server}/kerja-sama/baru?jenis=KSDPL")
            page.get_by_label("Subjenis").select_option("kota_kembar")
            page.get_by_label("Judul kerja sama").fill("Uji langkah")
            page.locator("#langkah-2").get_by_role("button", name=re.compile("^Lanjut")).click()
            if problems := _serious(page):
                found[f"{name} wizard langkah 3"] = problems
            page.locator("#langkah-3").get_by_role("button", name=re.compile("^Lanjut")).click()
            page.get_by_role("button", name="Lanjut: periksa ringkasan →").click()
            page.locator("#penolakan").wait_for()
            if problems := _serious(page):
                found[f"{name} wizard kesalahan"] = problems
        finally:
            context.close()
        if name == "desktop":  # the LoI filed by the staff: the Kepala Daerah's screen
            api("32.75", "tkksd").upload(cid, "loi", kinds, today)
        context, page = _login(browser, live_server, kd, viewport)
        try:
            page.locator(f"#paket-{cid}").wait_for()
            if problems := _serious(page):
                found[f"{name} kepala_daerah /beranda"] = problems
            screenshot(page, f"ui-after-persetujuan-{name}")
        finally:
            context.close()
    assert not found, found
