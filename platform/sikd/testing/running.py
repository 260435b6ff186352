"""Drives a KSDPL through the HTTP API to pelaksanaan, signed on a given date (shared by the
tests of the yearly cycle)."""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from sikd.core.clock import FixedClock
from sikd.rules import effective_rulebook
from sikd.testing.api import ApiUser
from sikd.testing.fixtures import TEST_PASSWORD
from sikd.testing.journeys import SISTER_CITY

WIB = ZoneInfo("Asia/Jakarta")
PROVINSI = {"32.75": "32", "33.72": "33"}


def at(app, day: date, *groups: dict) -> datetime:
    """Set the clock to 09:00 WIB of ``day``; API tokens live 12 hours, so the people of
    ``groups`` get fresh ones."""
    from sikd.accounts.services import issue_token

    instant = datetime.combine(day, time(9), WIB)
    app.extensions["sikd_clock"] = FixedClock(instant)
    for person in (x for group in groups for x in group.values()):
        raw, _ = issue_token(person.user)
        person.headers = {"Authorization": f"Bearer {raw}"}
    return instant


def people(client, make_user, code: str) -> dict:
    def api(c, role):
        return ApiUser(client, make_user(c, [role]), TEST_PASSWORD)

    return {
        "opd": api(code, "opd"),
        "tkksd": api(code, "tkksd"),
        "kd": api(code, "kepala_daerah"),
        "dprd": api(code, "sekretariat_dprd"),
        "tim": api(code, "tim_pengawasan"),
        "gubernur": api(PROVINSI[code], "gubernur_verifier"),
        "sekjen": api("KEMENDAGRI", "sekjen_verifier"),
        "menteri": api("KEMENDAGRI", "sekjen_leader"),
        "kemlu": api("KEMLU", "kemlu_reviewer"),
    }


def running_ksdpl(app, p: dict, code: str, signed: date, ends: date) -> int:
    """A sister-city cooperation of ``code`` whose naskah was signed on ``signed`` and runs
    until ``ends``; returned in pelaksanaan."""
    kinds = effective_rulebook(code).as_dict()["document_kinds"]
    today = signed
    at(app, signed.replace(day=1) if signed.day > 1 else signed, p)
    persyaratan = [
        x["code"]
        for x in effective_rulebook(code).as_dict()["persyaratan"]
        if "KSDPL" in x.get("types", ["KSDPL"])
    ]
    body = dict(SISTER_CITY, persyaratan=persyaratan)
    created = p["opd"].post("/api/v1/cooperations", json=body)
    assert created.status_code == 201, created.get_json()
    cid = created.get_json()["id"]
    p["tkksd"].act(cid, "lanjut_penjajakan", kinds, today)
    p["kd"].act(cid, "sepakat", kinds, today)
    p["sekjen"].act(cid, "beri_tanggapan", kinds, today)
    p["kemlu"].act(cid, "beri_tanggapan_kemlu", kinds, today)
    p["kd"].act(cid, "loi_ditandatangani", kinds, today)
    p["opd"].act(cid, "ajukan_telaah", kinds, today)
    p["tkksd"].act(cid, "ajukan_ke_dprd", kinds, today)
    p["dprd"].act(cid, "setujui", kinds, today)
    p["kd"].act(cid, "sampaikan", kinds, today)
    p["gubernur"].act(cid, "teruskan", kinds, today)
    p["sekjen"].act(cid, "pertimbangan_lanjut", kinds, today)
    from sikd.testing.api import fill_fields

    naskah = fill_fields(kinds["naskah"], today)
    naskah.update(tanggal_mulai_berlaku=signed.isoformat(), tanggal_berakhir=ends.isoformat())
    assert p["kd"].upload(cid, "naskah", kinds, today, fields=naskah).status_code == 201
    p["kd"].act(cid, "sampaikan", kinds, today)
    p["gubernur"].act(cid, "teruskan", kinds, today)
    p["sekjen"].act(cid, "kirim_ke_kemlu", kinds, today)
    p["kemlu"].act(cid, "terbitkan_surat_konfirmasi", kinds, today)
    p["menteri"].act(cid, "setujui", kinds, today)
    p["kd"].act(
        cid,
        "laporkan_rencana",
        kinds,
        today,
        inputs={"rencana_tempat": "Bekasi", "rencana_tanggal": signed.isoformat()},
    )
    at(app, signed, p)
    signed_fields = {"tanggal_penandatanganan": signed.isoformat(), "tempat_penandatanganan": "X"}
    up = p["kd"].upload(cid, "naskah_ditandatangani", kinds, signed, fields=signed_fields)
    assert up.status_code == 201, up.get_json()
    p["kd"].act(cid, "kirim_naskah_asli", kinds, signed)
    p["sekjen"].act(cid, "terbitkan_salinan", kinds, signed)
    assert p["tkksd"].get(f"/api/v1/cooperations/{cid}").get_json()["stage"] == "pelaksanaan"
    return cid
