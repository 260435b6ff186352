"""Countries by their Indonesian names: the picker of the new-prakarsa form and the register
search ("Jepang" → JP), not bare ISO codes (Permendagri 25/2020: the partner's country must be
one Indonesia has relations with, checked on the code the name resolves to)."""

from __future__ import annotations

from werkzeug.datastructures import MultiDict

from sikd.cooperations.forms import country_code
from sikd.testing.journeys import SISTER_CITY
from sikd.testing.web import csrf, text


def test_the_picker_resolves_indonesian_names_and_says_when_a_name_is_ambiguous(app_ctx):
    assert country_code("Jepang") == ("JP", None)
    assert country_code("jepang (JP)") == ("JP", None)
    assert country_code("KR") == ("KR", None)
    code, problem = country_code("Korea")
    assert code is None and "Korea Selatan (KR)" in problem and "Pilih salah satu" in problem
    code, problem = country_code("Atlantis")
    assert code is None and "tidak ditemukan" in problem
    assert country_code("") == (None, None)


def test_register_search_finds_the_japanese_cases_by_the_name_jepang(web, api):
    opd = api("32.75", "opd")
    japanese = [
        opd.post("/api/v1/cooperations", json=dict(SISTER_CITY, title=f"Kota Kembar Jepang {n}"))
        for n in (1, 2)
    ]
    korean = opd.post(
        "/api/v1/cooperations",
        json=dict(SISTER_CITY, title="Kota Kembar Busan", partner_country="KR"),
    )
    assert all(r.status_code == 201 for r in (*japanese, korean))
    tkksd = web("32.75", ["tkksd"])
    for query in ({"q": "Jepang"}, {"partner_country": "Jepang (JP)"}):
        page = text(tkksd.get("/kerja-sama", query_string=query))
        assert "Kota Kembar Jepang 1" in page and "Kota Kembar Jepang 2" in page, query
        assert "Kota Kembar Busan" not in page, query
        assert "2 kerja sama ditemukan" in page
        assert "Jepang (JP)" in page  # the country is named, not coded
    unknown = text(tkksd.get("/kerja-sama", query_string={"partner_country": "Atlantis"}))
    assert "Negara «Atlantis» tidak ditemukan" in unknown and "0 kerja sama ditemukan" in unknown


def test_the_new_prakarsa_form_takes_the_country_by_its_name(web):
    opd = web("32.75", ["opd"])
    page = text(opd.get("/kerja-sama/baru?jenis=KSDPL"))
    assert '<option value="Jepang (JP)">' in page
    form = {
        "csrf_token": csrf(page),
        **{k: v for k, v in SISTER_CITY.items() if isinstance(v, str)},
        "partner_country": "Jepang",
    }
    data = list(form.items())
    data += [("objek", o) for o in SISTER_CITY["objek"]]
    data += [("persyaratan", p) for p in SISTER_CITY["persyaratan"]]
    created = opd.post("/kerja-sama/baru", data=MultiDict(data))
    assert created.status_code == 302, text(created)[:3000]
    detail = text(opd.get(created.headers["Location"]))
    assert "Jepang (JP)" in detail


def test_a_second_identical_prakarsa_is_stopped_with_the_similar_case_named(web):
    opd = web("32.75", ["opd"])

    def send(extra=()):
        page = text(opd.get("/kerja-sama/baru?jenis=KSDPL"))
        data = [("csrf_token", csrf(page))]
        data += [(k, v) for k, v in SISTER_CITY.items() if isinstance(v, str)]
        data += [("objek", o) for o in SISTER_CITY["objek"]]
        data += [("persyaratan", p) for p in SISTER_CITY["persyaratan"]]
        return opd.post("/kerja-sama/baru", data=MultiDict([*data, *extra]))

    first = send()
    assert first.status_code == 302
    number = first.headers["Location"].rsplit("/", 1)[1]
    again = send()
    assert again.status_code == 409
    body = text(again)
    assert "Kerja sama berjalan yang mirip" in body and f"/kerja-sama/{number}" in body
    assert SISTER_CITY["partner_name"] in body  # what was typed is still there
    assert send([("tetap_catat", "1")]).status_code == 302
