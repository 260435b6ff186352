"""Cost and benefit recorded (the field study: cost was never weighed): the owning daerah records
each year's cost per source of funds (APBD and others) with beneficiaries and results; it shows
on the cooperation and on the dashboards of the daerah and its provinsi; another daerah can
neither see nor write it; a wrong figure is refused in Indonesian."""

from __future__ import annotations

from sikd.testing.web import csrf, text


def test_budget_recorded_and_shown_on_the_dashboards(app, web, cooperation_at):
    running = cooperation_at("pelaksanaan", tenant="32.75")
    tkksd = web("32.75", ["tkksd"])
    detail = text(tkksd.get(f"/kerja-sama/{running.id}"))
    assert 'id="biaya"' in detail
    token = csrf(detail)
    for year, source, amount, people in [(2025, "apbd", "150.000.000", "40"),
                                         (2025, "mitra", "50000000", ""),
                                         (2026, "apbd", "90000000", "25")]:  # fmt: skip
        saved = tkksd.post(
            f"/kerja-sama/{running.id}/biaya",
            data={"csrf_token": token, "tahun": year, "sumber": source, "jumlah": amount,
                  "penerima_manfaat": people, "hasil": "Pertukaran 40 pelajar"},
        )  # fmt: skip
        assert saved.status_code == 302
    bad = tkksd.post(
        f"/kerja-sama/{running.id}/biaya",
        data={"csrf_token": token, "tahun": "2026", "sumber": "apbd", "jumlah": "sembilan juta"},
    )
    assert bad.status_code == 422 and "angka saja" in text(bad)
    for field in ("jumlah", "penerima_manfaat"):  # more digits than the column holds
        huge = tkksd.post(
            f"/kerja-sama/{running.id}/biaya",
            data={"csrf_token": token, "tahun": "2026", "sumber": "apbd", "jumlah": "1",
                  field: "9" * 25},
        )  # fmt: skip
        assert huge.status_code == 422 and "terlalu besar" in text(huge), field
    page = text(tkksd.get(f"/kerja-sama/{running.id}"))
    assert "150.000.000" in page and "Dana mitra" in page and "Pertukaran 40 pelajar" in page
    dashboard = text(tkksd.get("/kerja-sama/dasbor"))
    assert (
        '<th scope="row">2025</th><td class="text-end">150000000</td><td class="text-end">50000000</td>'
        in dashboard
    )
    assert "65 penerima manfaat" in dashboard
    provinsi = text(web("32", ["gubernur_verifier"]).get("/kerja-sama/dasbor"))
    assert '<th scope="row">2026</th><td class="text-end">90000000</td>' in provinsi

    stranger = web("33.72", ["tkksd"])
    assert "150.000.000" not in text(stranger.get("/kerja-sama/dasbor"))
    refused = stranger.post(
        f"/kerja-sama/{running.id}/biaya",
        data={
            "csrf_token": csrf(text(stranger.get("/kerja-sama/impor"))),
            "tahun": "2026",
            "sumber": "apbd",
            "jumlah": "1",
        },
    )
    assert refused.status_code == 404
    gubernur = web("32", ["gubernur_verifier"])
    assert 'name="jumlah"' not in text(gubernur.get(f"/kerja-sama/{running.id}"))
