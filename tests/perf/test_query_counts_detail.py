"""The detail page of a cooperation asks a fixed number of statements however many documents,
and versions it shows, for each role that reads it (at national scale a cooperation carries tens of
versions: the page read them by ``document_id`` alone, and its documents twice). The documents
API lists every version in the same query. Counted with the same hook as ``make bench``; no
timings."""

from __future__ import annotations

import io
import json
import re

from sikd.core import clock
from sikd.testing.api import PDF, fill_fields
from sikd.testing.journeys import SISTER_CITY
from sikd.testing.perf import counting
from sikd.testing.web import text


def statements(client, path: str) -> tuple[int, str]:
    client.get(path)  # warm: the first request of a client loads its session and tenant
    with counting() as seen:
        response = client.get(path)
    assert response.status_code == 200, (path, response.status_code)
    return seen["n"], text(response)


def _new_version(api, coop_id: int, doc: dict, kinds: dict, n: int) -> None:
    data = {
        "kind": doc["kind"],
        "document_id": str(doc["id"]),
        "fields": json.dumps(fill_fields(kinds[doc["kind"]], clock.now().date())),
        "file": (io.BytesIO(PDF), f"{doc['kind']}-v{n}.pdf"),
    }
    response = api.post(
        f"/api/v1/cooperations/{coop_id}/documents", data=data, content_type="multipart/form-data"
    )
    assert response.status_code == 201, response.get_json()


def _shown_versions(page: str) -> int:
    return len(re.findall(r"Unduh versi \d+", page))


def test_detail_page_asks_as_many_statements_for_35_versions_as_for_5(app, web, api, kinds):
    opd, tkksd_api = api("32.75", "opd"), api("32.75", "tkksd")
    tkksd, sekjen = web("32.75", ["tkksd"]), web("KEMENDAGRI", ["sekjen_verifier"])
    walikota, opd_web = web("32.75", ["kepala_daerah"]), web("32.75", ["opd"])
    created = opd.post("/api/v1/cooperations", json=SISTER_CITY)
    assert created.status_code == 201, created.get_json()
    cid = created.get_json()["id"]
    today = clock.now().date()
    tkksd_api.act(cid, "lanjut_penjajakan", kinds, today)
    api("32.75", "kepala_daerah").act(cid, "sepakat", kinds, today)  # now Kemendagri's turn
    for kind in ("kajian", "kerangka_acuan_kerja", "studi_kelayakan"):  # the owner files any time
        assert tkksd_api.upload(cid, kind, kinds, today).status_code == 201
    docs_path = f"/api/v1/cooperations/{cid}/documents"

    def measure() -> tuple[dict[str, int], str]:
        counts = {}
        for who, client, path in (
            ("tkksd", tkksd, f"/kerja-sama/{cid}"),
            ("sekjen", sekjen, f"/kerja-sama/{cid}"),
            ("walikota", walikota, f"/kerja-sama/{cid}"),
            ("opd", opd_web, f"/kerja-sama/{cid}"),
        ):
            counts[who], page = statements(client, path)
            if who == "tkksd":
                shown = page
        with counting() as seen:
            listed = tkksd_api.get(docs_path)
        assert listed.status_code == 200
        counts["api documents"] = seen["n"]
        return counts, shown

    docs = tkksd_api.get(docs_path).get_json()["items"]
    assert docs and all(len(d["versions"]) == 1 for d in docs)
    small, page = measure()
    assert _shown_versions(page) == len(docs)

    for kind in ("berita_acara_pembahasan", "surat_konfirmasi"):  # two more documents
        assert tkksd_api.upload(cid, kind, kinds, today).status_code == 201
    docs = tkksd_api.get(docs_path).get_json()["items"]
    for doc in docs:  # four more versions of every document
        for n in range(2, 6):
            _new_version(tkksd_api, cid, doc, kinds, n)
    large, page = measure()
    listed = tkksd_api.get(docs_path).get_json()["items"]
    assert len(listed) == len(docs) >= 5
    assert [len(d["versions"]) for d in listed] == [5] * len(docs)
    assert _shown_versions(page) == 5 * len(docs)
    for doc in listed:  # every version shown, newest first, the current one marked
        shown = rf'/dokumen/{doc["id"]}/versi/\d+/unduh"[^>]*>Unduh versi (\d+)'
        assert [int(n) for n in re.findall(shown, page)] == [5, 4, 3, 2, 1]
    assert page.count("terkini</span>") == len(docs)
    assert large == small, (small, large)
    assert max(large.values()) <= 15, large


def test_running_cooperation_page_asks_as_many_statements_for_more_versions(
    app, client, make_user, web
):
    """A cooperation in pelaksanaan shows its monitoring schedule too; its page for the TKKSD,
    the Kepala Daerah (who may sign letters), the Tim Pengawasan and Kemendagri stays within
    15 statements, as many with three more versions of every plain document."""
    from datetime import date

    from sikd.rules import effective_rulebook
    from sikd.testing.running import people, running_ksdpl

    p = people(client, make_user, "32.75")
    try:
        cid = running_ksdpl(app, p, "32.75", date(2027, 1, 15), date(2031, 12, 31))
        readers = {
            "tkksd": web("32.75", ["tkksd"]),
            "kepala_daerah": web("32.75", ["kepala_daerah"]),
            "tim": web("32.75", ["tim_pengawasan"]),
            "sekjen": web("KEMENDAGRI", ["sekjen_verifier"]),
        }
        path = f"/kerja-sama/{cid}"

        def measure() -> dict[str, int]:
            return {who: statements(c, path)[0] for who, c in readers.items()}

        small = measure()
        assert "15 Juli 2027" in text(readers["tim"].get(path))  # the planned pemantauan
        kinds = effective_rulebook("32.75").as_dict()["document_kinds"]
        docs = p["tkksd"].get(f"/api/v1/cooperations/{cid}/documents").get_json()["items"]
        plain = [d for d in docs if not kinds[d["kind"]].get("checks")]
        plain = [d for d in plain if not kinds[d["kind"]].get("signature")]
        assert len(plain) >= 3
        for doc in plain:
            for n in range(2, 5):
                _new_version(p["tkksd"], cid, doc, kinds, n)
        large = measure()
        page = text(readers["tkksd"].get(path))
        assert _shown_versions(page) == sum(len(d["versions"]) for d in docs) + 3 * len(plain)
        assert large == small, (small, large)
        assert max(large.values()) <= 15, large
    finally:
        app.extensions.pop("sikd_clock", None)
