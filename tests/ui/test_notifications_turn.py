"""Notifications tell the role that must act that it is its turn, tell the rest for
information, and the menu counts the unread ones."""

from __future__ import annotations

import re

from sikd.core import clock
from sikd.testing.journeys import to_gubernur_with_rencana
from sikd.testing.web import text


def _people(api):
    people = {
        role: api("32.75", role) for role in ("opd", "tkksd", "kepala_daerah", "sekretariat_dprd")
    }
    people["walikota"], people["dprd"] = people["kepala_daerah"], people["sekretariat_dprd"]
    people["sekjen"] = api("KEMENDAGRI", "sekjen_verifier")
    people["kemlu"] = api("KEMLU", "kemlu_reviewer")
    return people


def _menu_count(page: str) -> int:
    found = re.search(r'Notifikasi <span class="badge[^"]*">(\d+)<', page)
    return int(found.group(1)) if found else 0


def test_the_gubernur_is_told_it_is_its_turn_and_the_menu_counts_unread(web, api, kinds):
    """Perwal Bekasi 57/2023 Pasal 66(3): the rencana goes to the Gubernur, whose verifier
    must forward it; the Kota's own Kepala Daerah is told for information."""
    cid = to_gubernur_with_rencana(_people(api), kinds, clock.now().date())
    gubernur = web("32", ["gubernur_verifier"])
    page = text(gubernur.get("/notifikasi"))
    turn = page.split('id="giliran"', 1)[1].split('id="informasi"', 1)[0]
    assert "giliran Anda" in turn and "/notifikasi/" in turn
    unread = _menu_count(page)
    assert unread >= 1
    # opening one marks it read and shows the cooperation, whose page names the verifier
    note_id = re.search(r'href="/notifikasi/(\d+)"', turn).group(1)
    opened = gubernur.get(f"/notifikasi/{note_id}")
    assert opened.headers["Location"].endswith(f"/kerja-sama/{cid}")
    detail = text(gubernur.get(f"/kerja-sama/{cid}"))
    assert "Menunggu: <strong>Verifikator Gubernur" in detail
    assert _menu_count(detail) == unread - 1

    walikota = web("32.75", ["kepala_daerah"])
    notes = text(walikota.get("/notifikasi"))
    info = notes.split('id="informasi"', 1)[1]
    assert "informasi" in info and "Gubernur" in info
