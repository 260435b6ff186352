"""KSDPK (Perwal Kota Bekasi 57/2023 Pasal 36-50) through the HTTP API on the shipped rulebooks:
the selection of a partner among several candidates, the third party's own initiative, the
addendum's DPRD gate and the four subtypes."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from sikd.cooperations.domestic_models import SelectionRecord
from sikd.core.extensions import db
from sikd.rules import effective_rulebook
from sikd.tenancy.scope import system_scope
from sikd.testing.domestic import (
    detail,
    kinds_of,
    ksdpk,
    ksdpk_to_pelaksanaan,
    set_fact,
    stage,
)

BEKASI = "32.75"
SCORES = {  # candidate: (bonafiditas, pengalaman, komitmen)
    "PT Cahaya Terang Nusantara": (80, 85, 90),
    "PT Lampu Hemat Indonesia": (90, 70, 75),
    "CV Sinar Kota": (60, 65, 70),
}


def _to_selection(cast, kinds, today) -> int:
    body = ksdpk("Penerangan Jalan Umum LED", facts=["beberapa_calon_mitra"])
    created = cast(BEKASI, "opd").post("/api/v1/cooperations", json=body)
    assert created.status_code == 201, created.get_json()
    cid = created.get_json()["id"]
    cast(BEKASI, "opd").act(cid, "ajukan_kak", kinds, today)
    cast(BEKASI, "tkksd").act(cid, "setujui", kinds, today)
    assert stage(cast(BEKASI, "tkksd"), cid) == "pemilihan_mitra"
    return cid


def _score(user, cid, candidate, criterion, score, expect=201):
    response = user.post(
        f"/api/v1/cooperations/{cid}/selection",
        json={
            "candidate": candidate,
            "criterion": criterion,
            "score": score,
            "note": f"Catatan {criterion} untuk {candidate}",
        },
    )
    assert response.status_code == expect, response.get_json()
    return response.get_json()


def test_three_candidates_scored_on_three_criteria_pick_the_top_one_pasal_39(cast, app_ctx):
    """Pasal 39(2)-(3): the selection team scores bonafiditas, pengalaman and komitmen of every
    candidate; the highest total is chosen and the ranking recorded in the berita acara."""
    kinds, today = kinds_of(BEKASI), date.today()
    cid = _to_selection(cast, kinds, today)
    tim = cast(BEKASI, "tkksd")
    _score(cast(BEKASI, "opd"), cid, "CV Sinar Kota", "komitmen", 50, expect=403)
    _score(tim, cid, "CV Sinar Kota", "harga", 50, expect=422)
    _score(tim, cid, "CV Sinar Kota", "komitmen", 101, expect=422)
    for candidate, values in list(SCORES.items())[:2]:
        for criterion, value in zip(("bonafiditas", "pengalaman", "komitmen"), values, strict=True):
            _score(tim, cid, candidate, criterion, value)
    _score(tim, cid, "CV Sinar Kota", "bonafiditas", 60)
    # not every candidate scored on every criterion yet: no choice can be made
    incomplete = tim.act(
        cid,
        "tetapkan_mitra",
        kinds,
        today,
        {"mitra_terpilih": "PT Cahaya Terang Nusantara"},
        expect=422,
    )
    assert incomplete["code"] == "condition_not_met" and "CV Sinar Kota" in incomplete["message"]
    _score(tim, cid, "CV Sinar Kota", "pengalaman", 65)
    result = _score(tim, cid, "CV Sinar Kota", "komitmen", 70)
    assert [r["candidate"] for r in result["ranking"]] == [
        "PT Cahaya Terang Nusantara",
        "PT Lampu Hemat Indonesia",
        "CV Sinar Kota",
    ]
    assert result["ranking"][0]["total"] == 255
    assert result["ranking"][0]["scores"]["pengalaman"]["note"].startswith("Catatan")
    wrong = tim.act(
        cid,
        "tetapkan_mitra",
        kinds,
        today,
        {"mitra_terpilih": "PT Lampu Hemat Indonesia"},
        expect=422,
    )
    assert "PT Cahaya Terang Nusantara" in wrong["message"]
    tim.act(cid, "tetapkan_mitra", kinds, today, {"mitra_terpilih": "PT Cahaya Terang Nusantara"})
    body = detail(tim, cid).get_json()
    assert body["stage"] == "penawaran"
    assert body["partner_name"] == "PT Cahaya Terang Nusantara"
    berita = tim.get(f"/api/v1/cooperations/{cid}/selection").get_json()["berita_acara"]
    assert len(berita) == 1 and berita[0]["chosen"] == "PT Cahaya Terang Nusantara"
    assert [e["candidate"] for e in berita[0]["ranking"]][0] == "PT Cahaya Terang Nusantara"
    with system_scope():
        assert db.session.scalar(select(SelectionRecord.chosen)) == "PT Cahaya Terang Nusantara"
    # the scores are closed once the partner is chosen
    _score(tim, cid, "CV Sinar Kota", "komitmen", 99, expect=409)


def test_a_tie_is_refused_until_the_team_rescored_pasal_39(cast, app_ctx):
    kinds, today = kinds_of(BEKASI), date.today()
    cid = _to_selection(cast, kinds, today)
    tim = cast(BEKASI, "tkksd")
    for candidate in ("PT A", "PT B"):
        for criterion in ("bonafiditas", "pengalaman", "komitmen"):
            _score(tim, cid, candidate, criterion, 70)
    tie = tim.act(cid, "tetapkan_mitra", kinds, today, {"mitra_terpilih": "PT A"}, expect=422)
    assert "sama" in tie["message"]
    _score(tim, cid, "PT A", "komitmen", 71)
    tim.act(cid, "tetapkan_mitra", kinds, today, {"mitra_terpilih": "PT A"})


def test_third_party_initiative_reviewed_by_tkksd_pasal_50(cast, app_ctx):
    """Pasal 50(1)-(2): the third party's permohonan with its studi kelayakan, recorded and
    reviewed by TKKSD, who accepts it (then the Kesepakatan Bersama) or refuses it."""
    kinds, today = kinds_of(BEKASI), date.today()
    tkksd = cast(BEKASI, "tkksd")
    for outcome in ("setujui_permohonan", "tolak_permohonan"):
        body = ksdpk("Investasi Pengolahan Sampah", "investasi", prakarsa_origin="mitra")
        cid = tkksd.post("/api/v1/cooperations", json=body).get_json()["id"]
        info = {a["id"]: a for a in tkksd.actions(cid)["actions"]}
        assert set(info["catat_permohonan_pihak_ketiga"]["missing_documents"]) == {
            "surat_permohonan_pihak_ketiga",
            "studi_kelayakan",
        }
        tkksd.act(cid, "catat_permohonan_pihak_ketiga", kinds, today)
        tkksd.act(cid, outcome, kinds, today)
        expected = "penyusunan_kesepakatan" if outcome == "setujui_permohonan" else "ditolak"
        assert stage(tkksd, cid) == expected


def test_addendum_adding_burden_cannot_be_signed_before_dprd_pasal_46(cast, app_ctx):
    """Pasal 46(2)-(5): an addendum agreed by the parties; when it adds burden to the public
    and the daerah (a fact the TKKSD sets with a reason) the DPRD approves it before it is
    signed; without that burden it goes straight to signing."""
    kinds, today = kinds_of(BEKASI), date.today()
    cid = ksdpk_to_pelaksanaan(cast, BEKASI, kinds, today)
    tkksd, kepala = cast(BEKASI, "tkksd"), cast(BEKASI, "kepala_daerah")
    set_fact(tkksd, cid, "perubahan_menambah_beban")
    tkksd.act(cid, "ajukan_perubahan", kinds, today)
    kepala.act(cid, "ajukan_perubahan", kinds, today)
    assert stage(kepala, cid) == "persetujuan_dprd_perubahan"
    early = kepala.post(
        f"/api/v1/cooperations/{cid}/actions/tandatangani",
        json={"inputs": {"tanggal_penandatanganan": today.isoformat()}},
    )
    assert early.status_code in (403, 409, 422) and early.get_json()["code"] in (
        "unknown_action",
        "role_not_allowed",
    )
    assert not [a for a in kepala.actions(cid)["actions"] if a["id"] == "tandatangani"]
    cast(BEKASI, "sekretariat_dprd").act(cid, "setujui", kinds, today)
    assert stage(kepala, cid) == "penandatanganan_addendum"
    kepala.act(cid, "tandatangani", kinds, today)
    assert stage(kepala, cid) == "pelaksanaan"
    # the next addendum adds no burden: the TKKSD clears the fact, DPRD is skipped
    set_fact(tkksd, cid, "perubahan_menambah_beban", value=False)
    tkksd.act(cid, "ajukan_perubahan", kinds, today)
    kepala.act(cid, "ajukan_perubahan", kinds, today)
    assert stage(kepala, cid) == "penandatanganan_addendum"


def test_the_four_subtypes_of_pasal_36_run_the_ksdpk_process(cast, app_ctx):
    rules = effective_rulebook(BEKASI).as_dict()
    (covered,) = rules["processes"]["ksdpk"]["applies_to"]
    assert covered["subtypes"] == ["pelayanan_publik", "pengelolaan_aset", "investasi", "lainnya"]
    opd = cast(BEKASI, "opd")
    for subtype in covered["subtypes"]:
        created = opd.post("/api/v1/cooperations", json=ksdpk(f"KSDPK {subtype}", subtype))
        assert created.status_code == 201 and created.get_json()["process"] == "ksdpk"
