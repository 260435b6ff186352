"""Shared by the domestic cooperation tests: users of several daerah driving the HTTP API."""

from __future__ import annotations

from sikd.rules import effective_rulebook
from sikd.testing.api import ApiUser
from sikd.testing.fixtures import TEST_PASSWORD


class Cast:
    """``cast("32.75", "tkksd")``: one API user per (daerah, role), made on first use."""

    def __init__(self, client, make_user):
        self.client, self.make_user, self.users = client, make_user, {}

    def __call__(self, code: str, role: str) -> ApiUser:
        key = (code, role)
        if key not in self.users:
            self.users[key] = ApiUser(self.client, self.make_user(code, [role]), TEST_PASSWORD)
        return self.users[key]


def kinds_of(code: str) -> dict:
    return effective_rulebook(code).as_dict()["document_kinds"]


def ksdd(partner_code: str | None, title: str, **extra) -> dict:
    body = {
        "type": "KSDD",
        "subtype": "sukarela",
        "title": title,
        "partner_name": "",
        "partner_kind": "pemerintah_daerah",
        "prakarsa_origin": "daerah",
    }
    if partner_code:
        body["partner_tenant_code"] = partner_code
    body.update(extra)
    return body


def detail(user: ApiUser, coop_id: int):
    return user.get(f"/api/v1/cooperations/{coop_id}")


def stage(user: ApiUser, coop_id: int) -> str:
    response = detail(user, coop_id)
    assert response.status_code == 200, response.get_json()
    return response.get_json()["stage"]


def inbox_ids(user: ApiUser) -> list[int]:
    body = user.get("/api/v1/inbox").get_json()
    return [i["cooperation"]["id"] for i in body["items"]]


def set_fact(user: ApiUser, coop_id: int, fact: str, value: bool = True, expect: int = 200):
    response = user.post(
        f"/api/v1/cooperations/{coop_id}/facts",
        json={"fact": fact, "value": value, "alasan": "Belum dianggarkan dalam APBD 2026."},
    )
    assert response.status_code == expect, response.get_json()
    return response.get_json()


def ksdpk(title: str, subtype: str = "pelayanan_publik", **extra) -> dict:
    body = {
        "type": "KSDPK",
        "subtype": subtype,
        "title": title,
        "partner_name": "PT Cahaya Terang Nusantara",
        "partner_kind": "badan_usaha",
        "prakarsa_origin": "daerah",
    }
    body.update(extra)
    return body


def ksdpk_to_pelaksanaan(cast, code: str, kinds: dict, today, body: dict | None = None) -> int:
    """A KSDPK of ``code`` with one candidate from persiapan to pelaksanaan (Pasal 37-47)."""
    created = cast(code, "opd").post("/api/v1/cooperations", json=body or ksdpk("PJU LED"))
    assert created.status_code == 201, created.get_json()
    cid = created.get_json()["id"]
    cast(code, "opd").act(cid, "ajukan_kak", kinds, today)
    cast(code, "tkksd").act(cid, "setujui", kinds, today)
    cast(code, "kepala_daerah").act(cid, "kirim_penawaran", kinds, today)
    cast(code, "tkksd").act(cid, "diterima", kinds, today)
    cast(code, "tkksd").act(cid, "disepakati", kinds, today)
    cast(code, "kepala_daerah").act(cid, "tandatangani", kinds, today)
    cast(code, "opd").act(cid, "ajukan_pembahasan", kinds, today)
    cast(code, "tkksd").act(cid, "disepakati", kinds, today)
    cast(code, "kepala_daerah").act(cid, "tandatangani", kinds, today)
    cast(code, "tkksd").act(cid, "catat", kinds, today)
    assert stage(cast(code, "tkksd"), cid) == "pelaksanaan"
    return cid
