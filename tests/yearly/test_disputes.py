"""Disputes in a running KSDPL/KSDLL (Perwal Bekasi 57/2023 Pasal 82-83): negotiation and
consultation first (82(1)), then consultation with the Menteri when it fails (83); each step is
recorded on the cooperation, audited, shown on its detail page, and refused to others."""

from __future__ import annotations

import re
from datetime import date

from sikd.testing.running import people, running_ksdpl
from sikd.testing.tenant_state import audit_actions
from sikd.testing.web import csrf, text


def test_dispute_negotiation_then_menteri_pasal_82_83(
    app, client, make_user, web, tenant, owner_engine
):
    p = people(client, make_user, "32.75")
    cid = running_ksdpl(app, p, "32.75", date(2027, 1, 15), date(2031, 12, 31))
    url = f"/api/v1/cooperations/{cid}/perselisihan"
    body = {"uraian": "Mitra belum mengirim tenaga ahli sesuai Naskah Pasal 5"}
    assert p["opd"].post(url, json=body).status_code == 403
    assert p["tkksd"].post(url, json={"uraian": ""}).status_code == 422
    opened = p["tkksd"].post(url, json=body)
    assert opened.status_code == 201, opened.get_json()
    d = opened.get_json()
    assert (d["status"], d["berikutnya"]) == ("negosiasi", ["konsultasi_menteri", "selesai"])
    assert "Pasal 82-83" in d["basis"]
    assert p["tkksd"].post(url, json=body).status_code == 409  # one open dispute at a time
    step = f"{url}/{d['id']}/langkah"
    assert (
        p["kd"].post(step, json={"langkah": "konsultasi_menteri", "catatan": ""}).status_code == 422
    )
    menteri = {
        "langkah": "konsultasi_menteri",
        "catatan": "Negosiasi dua kali tidak mencapai kata sepakat",
    }
    d = p["kd"].post(step, json=menteri).get_json()
    assert d["status"] == "konsultasi_menteri" and d["berikutnya"] == ["selesai"]
    again = p["kd"].post(step, json=menteri)
    assert again.status_code == 409  # Pasal 83: after the Menteri comes the solution only
    done = p["kd"].post(
        step, json={"langkah": "selesai", "catatan": "Solusi Kemendagri disepakati"}
    )
    assert done.get_json()["status"] == "selesai"
    assert [s["langkah"] for s in done.get_json()["langkah"]] == [
        "negosiasi",
        "konsultasi_menteri",
        "selesai",
    ]
    actions = [a for a, _ in audit_actions(owner_engine, tenant("32.75").id)]
    assert [a for a in actions if a.startswith("perselisihan.")] == [
        "perselisihan.negosiasi",
        "perselisihan.konsultasi_menteri",
        "perselisihan.selesai",
    ]
    # another daerah does not find it
    solo = people(client, make_user, "33.72")
    assert solo["tkksd"].get(url).status_code == 404
    assert solo["tkksd"].post(url, json=body).status_code == 404

    # the detail page shows it and records a new one through its form
    tkksd = web("32.75", ["tkksd"])
    page = text(tkksd.get(f"/kerja-sama/{cid}"))
    assert "Penyelesaian perselisihan" in page and "Solusi Kemendagri disepakati" in page
    form = {"csrf_token": csrf(page), "uraian": "Sengketa pembagian aset kegiatan"}
    assert tkksd.post(f"/kerja-sama/{cid}/perselisihan", data=form).status_code == 302
    page = text(tkksd.get(f"/kerja-sama/{cid}"))
    assert "Sengketa pembagian aset kegiatan" in page and "Berikutnya: TKKSD" in page
    new_id = int(re.findall(r'id="perselisihan-(\d+)"', page)[-1])
    form = {"csrf_token": csrf(page), "langkah": "selesai", "catatan": "Disepakati bersama"}
    assert (
        tkksd.post(f"/kerja-sama/{cid}/perselisihan/{new_id}/langkah", data=form).status_code == 302
    )
    stranger = web("33.72", ["tkksd"])
    other = text(stranger.get("/beranda"))
    bad = {"csrf_token": csrf(other), "uraian": "tulis silang"}
    assert stranger.post(f"/kerja-sama/{cid}/perselisihan", data=bad).status_code == 404
