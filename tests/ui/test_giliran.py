"""Giliran Anda: every item a role finds in its turn list is one it can act on now, checked for
every demo account over the demo cooperations (the demo stories, played through the services)."""

from __future__ import annotations

from sqlalchemy import select

from sikd.accounts.models import User
from sikd.cooperations.actions import available_actions
from sikd.cooperations.turns import inbox
from sikd.core.extensions import db
from sikd.demo import seed_demo_accounts, seed_demo_cooperations
from sikd.tenancy.scope import system_scope, tenant_scope


def test_no_role_finds_an_item_in_giliran_anda_it_cannot_act_on(app_ctx):
    seed_demo_accounts("kata-sandi-demo-uji-1")
    seed_demo_cooperations()
    with system_scope():
        users = db.session.scalars(select(User).where(User.active.is_(True))).all()
        db.session.commit()
    wrong, seen = [], 0
    for user in users:
        with tenant_scope(user.tenant_id):
            for item in inbox(user):
                coop = item["cooperation"]
                seen += 1
                if not available_actions(user, coop):
                    wrong.append((user.email, sorted(user.roles), coop.number, coop.stage))
            db.session.commit()
    assert seen >= 10, "the demo data should give the roles something to do"
    assert not wrong, wrong


def _sections(html: str) -> tuple[str, str]:
    giliran = html.split('id="giliran"', 1)[1].split('id="dipantau"', 1)[0]
    return giliran, html.split('id="dipantau"', 1)[1]


def test_every_inbox_row_and_detail_page_names_who_acts_next(app, app_ctx):
    """The Kota's TKKSD (the Bagian Kerja Sama) and the Provinsi's verifier, over the demo data:
    each row of both parts says "Menunggu: <peran>, <instansi> — <tahap>", each opened item of
    Giliran Anda offers an action, and each Dipantau item says who has it instead."""
    import re

    from sikd.testing import login

    seed_demo_accounts("kata-sandi-demo-uji-1")
    seed_demo_cooperations()
    for email in ("tkksd.3275@demo.sikd.id", "gubernur-verifier.32@demo.sikd.id"):
        client = app.test_client()
        assert login(client, email, "kata-sandi-demo-uji-1").status_code == 302, email
        html = client.get("/beranda").get_data(as_text=True)
        giliran, dipantau = _sections(html)
        for part, mine in ((giliran, True), (dipantau, False)):
            rows = re.findall(r"<tr>\s*<td><a href=\"(/kerja-sama/\d+)\">.*?</tr>", part, re.S)
            bodies = re.findall(r"<tr>\s*<td><a href=\"/kerja-sama/\d+\">(.*?)</tr>", part, re.S)
            assert rows, (email, mine)
            for body in bodies:
                assert "Menunggu: <strong>" in body, body
                assert ("giliran Anda" in body) is mine, body
            for href in rows[:5]:
                page = client.get(href).get_data(as_text=True)
                assert 'id="menunggu"' in page
                assert ("Bukan giliran peran Anda" in page) is not mine, (email, href)


def test_dipantau_shows_the_nearest_on_the_kotak_masuk_and_all_on_its_own_pages(
    web, api, kinds, monkeypatch
):
    """The Kotak Masuk shows the first Dipantau rows and links to the whole list, paged, so
    nothing the instansi watches is out of reach; another daerah sees none of it."""
    import re

    from sikd.cooperations import views
    from sikd.core import clock
    from sikd.testing.web import new_coop, text

    monkeypatch.setattr(views, "WATCH_SHOWN", 1)
    monkeypatch.setattr(views, "PAGE_SIZE", 2)
    today = clock.now().date()
    ids = []
    for _ in range(3):  # running, and no action of the tim pengawasan's: watched by it
        cid = new_coop(api)
        api("32.75", "tkksd").act(cid, "lanjut_penjajakan", kinds, today)
        ids.append(cid)
    tim = web("32.75", ["tim_pengawasan"])
    home = text(tim.get("/beranda"))
    watched = home.split('id="dipantau"', 1)[1]
    assert len(re.findall(r'<td><a href="/kerja-sama/(\d+)"', watched)) == 1
    assert 'href="/beranda/dipantau"' in watched
    seen: list[int] = []
    for page in (1, 2):
        body = text(tim.get(f"/beranda/dipantau?halaman={page}"))
        seen += [int(i) for i in re.findall(r'<td><a href="/kerja-sama/(\d+)"', body)]
        assert "Menunggu: <strong>" in body and "Halaman" in body
    assert sorted(seen) == sorted(ids)
    last = text(tim.get("/beranda/dipantau?halaman=99"))  # past the last: the last page
    assert re.findall(r'<td><a href="/kerja-sama/(\d+)"', last) and "Halaman 2 dari 2" in last
    other = text(web("32.01", ["tkksd"]).get("/beranda/dipantau"))
    assert not any(f"/kerja-sama/{i}" in other for i in ids)
    assert "Tidak ada kerja sama berjalan yang menunggu pihak lain." in other
