"""Before the LoI, every daerah coordinates with both ministries (Permendagri 25/2020 tahap 3:
"Kepala daerah melakukan koordinasi dengan Menteri Dalam Negeri dan Menteri Luar Negeri sebelum
dilakukan penandatanganan pernyataan kehendak kerja sama"), each answering in its own queue."""

from __future__ import annotations

import pytest

from sikd.core import clock
from sikd.rules import effective_rulebook
from sikd.testing import TEST_PASSWORD, ApiUser
from sikd.testing.journeys import SISTER_CITY


def _body(code: str) -> dict:
    persyaratan = [
        p["code"]
        for p in effective_rulebook(code).as_dict()["persyaratan"]
        if "KSDPL" in p.get("types", ["KSDPL"])
    ]
    return dict(SISTER_CITY, title="Kota Kembar Surakarta – Kota Contoh", persyaratan=persyaratan)


@pytest.mark.parametrize("code", ["national", "32.75", "33.72", "32.01"])
def test_shipped_rulebooks_put_both_ministries_before_the_loi_pmdn25_tahap_3(code):
    book = effective_rulebook("33.72" if code == "national" else code).as_dict()
    stages = book["processes"]["luar_negeri"]["stages"]
    ids = [s["id"] for s in stages]
    levels = {s["id"]: s["level"] for s in stages}
    assert ids.index("tanggapan_menteri") < ids.index("pernyataan_kehendak")
    assert ids.index("koordinasi_kemlu") < ids.index("pernyataan_kehendak")
    assert (levels["tanggapan_menteri"], levels["koordinasi_kemlu"]) == ("kemendagri", "kemlu")
    for sid in ("tanggapan_menteri", "koordinasi_kemlu"):
        stage = next(s for s in stages if s["id"] == sid)
        assert stage["locked"] is True and "PMDN25 tahap 3" in stage["basis"]


def test_surakarta_cannot_sign_the_loi_before_kemendagri_and_kemlu_answer(client, make_user):
    def api(code, role):
        return ApiUser(client, make_user(code, [role]), TEST_PASSWORD)

    tkksd, kd = api("33.72", "tkksd"), api("33.72", "kepala_daerah")
    sekjen, kemlu = api("KEMENDAGRI", "sekjen_verifier"), api("KEMLU", "kemlu_reviewer")
    kinds = effective_rulebook("33.72").as_dict()["document_kinds"]
    today = clock.now().date()
    created = tkksd.post("/api/v1/cooperations", json=_body("33.72"))
    assert created.status_code == 201, created.get_json()
    cid = created.get_json()["id"]
    tkksd.act(cid, "lanjut_penjajakan", kinds, today)
    kd.act(cid, "sepakat", kinds, today)

    # the Kepala Daerah cannot sign yet: the cooperation waits at Kemendagri
    refused = kd.post(f"/api/v1/cooperations/{cid}/actions/loi_ditandatangani", json={})
    assert refused.status_code in (409, 422), refused.get_json()
    assert kd.actions(cid)["actions"] == []
    assert [i["cooperation"]["id"] for i in sekjen.get("/api/v1/inbox").get_json()["items"]] == [
        cid
    ]
    assert kemlu.get("/api/v1/inbox").get_json()["items"] == []

    sekjen.act(cid, "beri_tanggapan", kinds, today)
    now = kd.get(f"/api/v1/cooperations/{cid}").get_json()
    assert (now["stage"], now["holder_tenant"]["code"]) == ("koordinasi_kemlu", "KEMLU")
    assert sekjen.get("/api/v1/inbox").get_json()["items"] == []
    assert [i["cooperation"]["id"] for i in kemlu.get("/api/v1/inbox").get_json()["items"]] == [cid]
    assert kd.actions(cid)["actions"] == []

    kemlu.act(cid, "beri_tanggapan_kemlu", kinds, today)
    assert kd.get(f"/api/v1/cooperations/{cid}").get_json()["stage"] == "pernyataan_kehendak"
    kd.act(cid, "loi_ditandatangani", kinds, today)
    events = tkksd.get(f"/api/v1/cooperations/{cid}/timeline").get_json()["events"]
    visited = [e["to_stage"] for e in events]
    assert visited[:5] == [
        "prakarsa",
        "penjajakan",
        "tanggapan_menteri",
        "koordinasi_kemlu",
        "pernyataan_kehendak",
    ]
    basis = next(e["basis"] for e in events if e["action"] == "beri_tanggapan_kemlu")
    assert "Permendagri 25/2020 tahap 3" in basis
