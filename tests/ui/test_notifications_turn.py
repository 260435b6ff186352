"""Notifications tell the role that must act that it is its turn, tell the rest for
information, and the menu counts the unread ones."""

from __future__ import annotations

import re

from sikd.core import clock
from sikd.testing.journeys import to_gubernur_with_rencana
from sikd.testing.web import csrf, text


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


def _menu_badge(page: str) -> str | None:
    found = re.search(r'Notifikasi <span class="badge[^"]*">([^<]+)<', page)
    return found.group(1) if found else None


def test_the_menu_counts_unread_up_to_99_and_shows_99_plus_beyond(app, web):
    """A TKKSD of a big kota has thousands of unread notifications: the menu counts them up to
    99 exactly, and shows "99+" from the hundredth on, without reading them all."""
    from sqlalchemy import select, update

    from sikd.accounts.models import User
    from sikd.core.extensions import db
    from sikd.notifications.models import Notification
    from sikd.notifications.services import add_notifications
    from sikd.tenancy.models import Tenant
    from sikd.tenancy.scope import system_scope

    tkksd = web("32.75", ["tkksd"])

    def add(n: int, roles: list[str]) -> None:
        with app.app_context(), system_scope():
            bekasi = db.session.scalar(select(Tenant.id).where(Tenant.code == "32.75"))
            specs = [(bekasi, "info", f"Catatan {i}", "Isi", roles, None) for i in range(n)]
            add_notifications(None, specs, clock.now())
            db.session.commit()

    add(98, ["tkksd"])
    add(5, ["opd"])  # not the TKKSD's
    assert _menu_badge(text(tkksd.get("/beranda"))) == "98"
    add(1, [])  # to the whole instansi
    assert _menu_badge(text(tkksd.get("/beranda"))) == "99"
    add(1, ["tkksd"])
    assert _menu_badge(text(tkksd.get("/beranda"))) == "99+"
    assert "Lebih dari 99 belum dibaca" in text(tkksd.get("/notifikasi"))
    add(50, ["tkksd"])
    assert _menu_badge(text(tkksd.get("/beranda"))) == "99+"
    with app.app_context(), system_scope():  # the TKKSD reads the newest 60 of its own
        readers = list(db.session.scalars(select(User.id).where(User.roles.contains(["tkksd"]))))
        newest = (
            select(Notification.id)
            .where(Notification.recipient_roles.contains(["tkksd"]))
            .order_by(Notification.id.desc())
            .limit(60)
        )
        db.session.execute(
            update(Notification).where(Notification.id.in_(newest)).values(read_by=readers)
        )
        db.session.commit()
    assert _menu_badge(text(tkksd.get("/beranda"))) == "90"  # 98 + 1 + 1 + 50 - 60, exactly
    token = csrf(text(tkksd.get("/notifikasi")))
    tkksd.post("/notifikasi/dibaca", data={"csrf_token": token})
    assert _menu_badge(text(tkksd.get("/beranda"))) is None
