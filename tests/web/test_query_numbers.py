"""A number typed into a list's address (``?halaman=``, ``?page=``, ``?year=``) that PostgreSQL's
integer columns and ``OFFSET`` cannot hold is not a server error: a page far past the last is
answered as any page past the last, a year no cooperation has finds none, and what is not a
number is the first page (``sikd.web.query_args``)."""

from __future__ import annotations

from sikd.testing.web import new_coop, text

HUGE = "99999999999999999999"  # beyond bigint: was "bigint out of range", a 500


def test_huge_or_junk_numbers_in_the_address_give_the_page_not_an_error(web, api, kinds):
    from sikd.core import clock

    cid = new_coop(api)
    api("32.75", "tkksd").act(cid, "lanjut_penjajakan", kinds, clock.now().date())
    tim = web("32.75", ["tim_pengawasan"])  # watches it: no action of its own
    for path in (f"/beranda/dipantau?halaman={HUGE}", "/beranda/dipantau?halaman=abc"):
        response = tim.get(path)
        assert response.status_code == 200 and f"/kerja-sama/{cid}" in text(response), path
    tkksd = web("32.75", ["tkksd"])
    assert tkksd.get(f"/beranda?halaman={HUGE}").status_code == 200
    listed = text(tkksd.get(f"/kerja-sama?page={HUGE}"))
    assert f"/kerja-sama/{cid}" not in listed and "kerja sama ditemukan" in listed
    for year in (HUGE, "-" + HUGE):
        found = text(tkksd.get(f"/kerja-sama?year={year}"))
        assert "0 kerja sama ditemukan" in found and f"/kerja-sama/{cid}" not in found
    assert tkksd.get(f"/kerja-sama/ekspor.csv?year={HUGE}").status_code == 200
    assert web("32", ["gubernur_verifier"]).get(f"/gubernur?halaman={HUGE}").status_code == 200
    public = web("32.75", ["tkksd"]).get(f"/publik/kerja-sama?halaman={HUGE}")
    assert public.status_code == 200
