"""The pages of the national-scale issue ask a fixed number of statements however many
cooperations there are, also where a list grows with the grants (every cooperation gives
Kemendagri and the provinsi a grant row when it is created): Kemendagri's and the Gubernur's
inbox and register, the detail page, the dashboards and the public register. Counted with the
same hook as ``make bench``; no timings."""

from __future__ import annotations

from sikd.testing.journeys import SISTER_CITY
from sikd.testing.perf import counting


def _fresh_public_cache(app) -> None:
    """The public register is cached in Redis: move its generation so the page is built."""
    from sikd.web.public_cache import public_changed

    with app.app_context():
        public_changed()


def statements(app, client, path: str) -> int:
    public = path.startswith("/publik/")
    if public:
        _fresh_public_cache(app)
    client.get(path)  # warm: the first request of a client loads its session and tenant
    if public:
        _fresh_public_cache(app)
    with counting() as seen:
        response = client.get(path)
    assert response.status_code == 200, (path, response.status_code)
    return seen["n"]


def test_pages_with_grants_ask_as_many_statements_for_30_cooperations_as_for_3(app, web, api):
    clients = {
        "tkksd": web("32.75", ["tkksd"]),
        "sekjen": web("KEMENDAGRI", ["sekjen_verifier"]),
        "gubernur": web("32", ["gubernur_verifier"]),
        "sekjen_api": api("KEMENDAGRI", "sekjen_verifier"),
        "tkksd_api": api("32.75", "tkksd"),
        "public": app.test_client(),
    }
    opd = api("32.75", "opd")
    ids: list[int] = []

    def create(n: int) -> None:
        for i in range(n):
            body = {**SISTER_CITY, "title": f"Kota Kembar Bekasi nomor {len(ids) + i}"}
            response = opd.post("/api/v1/cooperations", json=body)
            assert response.status_code == 201
        ids.extend([0] * n)

    create(3)
    first = clients["tkksd_api"].get("/api/v1/cooperations").get_json()["items"][-1]["id"]
    pages = [
        ("sekjen", "/beranda"),
        ("sekjen_api", "/api/v1/inbox"),
        ("sekjen", "/kerja-sama"),
        ("sekjen", "/kerja-sama?q=kembar"),
        ("sekjen_api", "/api/v1/cooperations"),
        ("sekjen", f"/kerja-sama/{first}"),
        ("sekjen_api", f"/api/v1/cooperations/{first}"),
        ("tkksd", f"/kerja-sama/{first}"),
        ("tkksd_api", f"/api/v1/cooperations/{first}/timeline"),
        ("gubernur", "/beranda"),
        ("gubernur", "/kerja-sama"),
        ("gubernur", "/gubernur"),
        ("tkksd", "/kerja-sama/dasbor"),
        ("sekjen", "/kerja-sama/dasbor"),
        ("public", "/publik/kerja-sama"),
    ]

    def measure() -> dict[str, int]:
        from sikd.cooperations.rollup import refresh_rollup
        from sikd.core.extensions import db

        with app.app_context():  # as the periodic sweep does, between requests
            refresh_rollup()
            db.session.commit()
            db.session.remove()
        return {f"{who} {path}": statements(app, clients[who], path) for who, path in pages}

    small = measure()
    create(27)
    large = measure()
    grown = {page: (small[page], large[page]) for page in large if large[page] != small[page]}
    assert not grown, grown
    assert max(large.values()) <= 15, large
