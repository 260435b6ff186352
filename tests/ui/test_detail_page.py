"""The detail page a verifier reads: who acts next at the top, the persyaratan of the jenis
with their basis, cost and benefit; and what the prakarsa form asked is not asked again."""

from __future__ import annotations

import re

from sikd.testing.journeys import SISTER_CITY
from sikd.testing.web import new_coop, text


def test_detail_names_the_next_actor_and_summarises_what_a_verifier_checks(web, api):
    cid = new_coop(api)
    page = text(web("32.75", ["tkksd"]).get(f"/kerja-sama/{cid}"))
    top = page[: page.index('id="tindakan"')]
    # Permendagri 25/2020 tahap 1: the TKKSD or the Kepala Daerah takes the prakarsa on
    assert re.search(
        r'id="menunggu">Menunggu: <strong>TKKSD / Bagian Kerja Sama atau Kepala Daerah, '
        r"Kota Bekasi</strong> — Prakarsa",
        top,
    )
    assert "Giliran Anda" in top
    summary = top[top.index('id="ringkasan-pemeriksa"') :]
    assert "Mempunyai hubungan diplomatik" in summary and "Permendagri 25/2020" in summary
    met = len(SISTER_CITY["persyaratan"])
    assert f"({met} dari {met} dinyatakan terpenuhi" in summary
    assert "Perkiraan biaya" in summary and "belum diisi pemrakarsa" in summary

    # the origin and the pemetaan reference the form took are offered, not asked again
    form = page[page.index('id="aksi-lanjut_penjajakan"') :]
    form = form[: form.index("</form>")]
    assert '<option value="pemerintah_daerah" selected>' in form
    assert SISTER_CITY["pemetaan_ref"] in form


def test_a_role_without_the_turn_is_told_who_has_it(web, api):
    cid = new_coop(api)
    page = text(web("32.75", ["sekretariat_dprd"]).get(f"/kerja-sama/{cid}"))
    assert "Bukan giliran peran Anda" in page
    assert "Menunggu: TKKSD / Bagian Kerja Sama atau Kepala Daerah, Kota Bekasi" in page
