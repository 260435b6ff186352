"""The create wizard, one step per screen without JavaScript: each «Lanjut» checks its step,
the subjenis are those of the chosen jenis, values travel along, errors land on their step,
a summary comes before creating, and asal prakarsa and objek are not asked again later."""

from __future__ import annotations

import re

from werkzeug.datastructures import MultiDict

from sikd.testing.journeys import SISTER_CITY
from sikd.testing.web import csrf, text


def _step(body: str) -> int:
    shown = re.findall(r'data-step="(\d)"(?! hidden)', body)
    assert len(shown) == 1, shown
    return int(shown[0])


def test_steps_check_their_own_fields_and_keep_every_value(web):
    opd = web("32.75", ["opd"])
    page = text(opd.get("/kerja-sama/baru"))
    assert _step(page) == 1
    token = csrf(page)
    # step 1 without a jenis: stays on step 1, says what to do
    stay = opd.post("/kerja-sama/baru", data={"csrf_token": token, "langkah": "1", "ke": "2"})
    assert stay.status_code == 422 and _step(text(stay)) == 1
    assert "Pilih jenis kerja sama pada langkah 1" in text(stay)
    # KSDPL chosen: step 2 offers only KSDPL's subjenis and partner forms
    step2 = text(
        opd.post(
            "/kerja-sama/baru",
            data={"csrf_token": token, "langkah": "1", "ke": "2", "type": "KSDPL"},
        )
    )
    assert _step(step2) == 2
    assert re.search(r'value="kota_kembar" data-jenis="KSDPL"\s*>', step2)
    assert re.search(r'value="wajib" data-jenis="KSDD" hidden disabled', step2)
    # the only partner form of a KSDPL is chosen already; errors of later steps are not shown
    assert re.search(r'value="pemerintah_daerah" data-jenis="KSDPL"\s*selected', step2)
    assert "Pilih minimal satu objek" not in step2
    base = [("csrf_token", token), ("type", "KSDPL"), ("subtype", "kota_kembar")]
    base += [("title", SISTER_CITY["title"]), ("partner_name", SISTER_CITY["partner_name"])]
    base += [("partner_kind", "pemerintah_daerah"), ("partner_country", "Jepang")]
    step3 = text(
        opd.post("/kerja-sama/baru", data=MultiDict([*base, ("langkah", "2"), ("ke", "3")]))
    )
    assert _step(step3) == 3 and 'value="Jepang (JP)"' in step3  # carried, by its name
    # step 3 without objek and without the persyaratan statement: both named on step 3
    refused = opd.post("/kerja-sama/baru", data=MultiDict([*base, ("langkah", "3"), ("ke", "4")]))
    body = text(refused)
    assert refused.status_code == 422 and _step(body) == 3
    assert "Langkah 3: Pilih minimal satu objek" in body
    assert "semua persyaratan terpenuhi" in body
    full = [*base, *[("objek", o) for o in SISTER_CITY["objek"]], ("persyaratan_semua", "1")]
    full += [("prakarsa_origin", "daerah"), ("pemetaan_ref", SISTER_CITY["pemetaan_ref"])]
    summary = text(
        opd.post("/kerja-sama/baru", data=MultiDict([*full, ("langkah", "4"), ("ke", "5")]))
    )
    assert _step(summary) == 5 and "Ringkasan sebelum dicatat" in summary
    assert "Pertukaran budaya; Promosi potensi daerah" in summary
    assert f"{len(SISTER_CITY['persyaratan'])} persyaratan dinyatakan terpenuhi" in summary
    back = text(
        opd.post("/kerja-sama/baru", data=MultiDict([*full, ("langkah", "5"), ("ke", "2")]))
    )
    assert _step(back) == 2 and SISTER_CITY["title"] in back  # back: nothing lost, nothing checked
    created = opd.post(
        "/kerja-sama/baru", data=MultiDict([*full, ("langkah", "5"), ("ke", "catat")])
    )
    assert created.status_code == 302
    detail = text(opd.get(created.headers["Location"]))
    assert "Prakarsa" in detail and "Jepang (JP)" in detail
    # the same again: the summary warns of the similar running case
    again = opd.post("/kerja-sama/baru", data=MultiDict([*full, ("langkah", "5"), ("ke", "catat")]))
    assert again.status_code == 409 and "Kerja sama berjalan yang mirip" in text(again)
    assert _step(text(again)) == 5


def test_tkksd_records_and_continues_without_being_asked_the_asal_prakarsa_again(web):
    """Asal prakarsa and butir pemetaan are asked once (Perwal Kota Bekasi 57/2023 Pasal 58):
    «Catat dan lanjutkan ke penjajakan» takes them from the wizard."""
    tkksd = web("32.75", ["tkksd"])
    token = csrf(text(tkksd.get("/kerja-sama/baru")))
    data = [("csrf_token", token), ("langkah", "4")]
    data += [(k, v) for k, v in SISTER_CITY.items() if isinstance(v, str)]
    data += [("objek", o) for o in SISTER_CITY["objek"]] + [("persyaratan_semua", "1")]
    summary = text(tkksd.post("/kerja-sama/baru", data=MultiDict([*data, ("ke", "5")])))
    assert "Catat dan lanjutkan ke penjajakan" in summary
    done = tkksd.post("/kerja-sama/baru", data=MultiDict([*data, ("ke", "catat_lanjut")]))
    assert done.status_code == 302
    detail = text(tkksd.get(done.headers["Location"]))
    assert "juga tercatat" in detail and "Penjajakan" in detail
    assert 'name="asal_prakarsa"' not in detail and 'name="objek"' not in detail
