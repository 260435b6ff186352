"""Dormant cooperation found and explained, on the demo's stories run through the real sweep:
an LoI past its year with no Rencana (PMDN25 tahap 3; Perwal 57/2023 Pasal 62(3)), an annual
report not made (PMDN25 tahap 12; Perwal 57/2023 Pasal 80(2)), and a cooperation signed and then
silent (imported from a spreadsheet: signed in 2020, nothing since). Each case names its reason
and links to what would revive it."""

from __future__ import annotations

import io
import re
from datetime import timedelta

from openpyxl import Workbook

from sikd.testing.web import text


def silent_import(app, make_user) -> None:
    from sikd.register import importing
    from sikd.tenancy.scope import tenant_scope

    book = Workbook()
    book.active.append(
        [
            "Judul Kerja Sama",
            "Jenis",
            "Mitra",
            "Negara Mitra",
            "Objek",
            "Kode Tahapan",
            "Tanggal Mulai",
            "Tanggal Berakhir",
        ]
    )
    book.active.append(
        [
            "Kota Kembar Surakarta – Montana",
            "KSDPL",
            "Kota Montana",
            "BG",
            "pertukaran_budaya",
            "pelaksanaan",
            "01/03/2020",
            "28/02/2030",
        ]
    )
    out = io.BytesIO()
    book.save(out)
    user = make_user("33.72", ["tkksd"])
    with tenant_scope(user.tenant_id):  # as a request of that user has it
        imp = importing.upload(user, "lama.xlsx", out.getvalue())
        importing.confirm(user, imp, dict(imp.mapping))
    importing.run_import(imp.id, imp.tenant_id)


def rows_of(page: str) -> dict[str, str]:
    """number → the text of its row on the dormant list."""
    out = {}
    for row in re.findall(r"<tr>(.*?)</tr>", page, re.S):
        number = re.search(r">(KS/[^<]+)</a>", row)
        if number:
            out[number.group(1)] = re.sub(r"\s+", " ", row)
    return out


def test_dormant_list_names_each_case_with_its_reason(app, web, make_user, cooperation_at):
    from sikd.cooperations.models import Cooperation
    from sikd.cooperations.sweep import sweep_deadlines
    from sikd.core import clock
    from sikd.core.clock import FixedClock
    from sikd.core.extensions import db
    from sikd.tenancy.scope import system_scope

    loi = cooperation_at("penyusunan_rencana", tenant="32.75")
    running = cooperation_at("pelaksanaan", tenant="32.75", type="KSDPL")
    silent_import(app, make_user)
    with system_scope():
        numbers = {
            c.id: c.number
            for c in db.session.query(Cooperation).filter(Cooperation.id.in_([loi.id, running.id]))
        }
        silent = db.session.query(Cooperation).filter_by(partner_name="Kota Montana").one().number
        db.session.commit()
    previous = app.extensions.get("sikd_clock")
    later = clock.now() + timedelta(days=400)  # the LoI (one year) and a January have passed
    app.extensions["sikd_clock"] = FixedClock(later)
    try:
        sweep_deadlines(now=later)
        national = web("KEMENDAGRI", ["sekjen_verifier"])
        page = text(national.get("/kerja-sama/tidak-aktif"))
        bekasi = text(web("32.75", ["tkksd"]).get("/kerja-sama/tidak-aktif"))
    finally:
        if previous is None:
            app.extensions.pop("sikd_clock", None)
        else:
            app.extensions["sikd_clock"] = previous
    rows = rows_of(page)
    loi_row = rows[numbers[loi.id]]
    assert "Pernyataan Kehendak (LoI) sudah lewat masa berlakunya" in loi_row
    assert "PMDN25" in loi_row or "Permendagri 25/2020" in loi_row
    assert "Susun dan ajukan Rencana Kerja Sama, atau hentikan kerja sama ini." in loi_row
    running_row = rows[numbers[running.id]]
    assert "Laporan tahunan kepada Gubernur" in running_row and "belum disampaikan" in running_row
    assert "Unggah laporannya" in running_row
    silent_row = rows[silent]
    assert "Tidak ada kegiatan, laporan, atau evaluasi sejak 1 Maret 2020" in silent_row
    assert f'href="/kerja-sama/{running.id}#dokumen"' in page
    # listed per daerah, and a daerah sees only its own
    assert '<h2 class="h5 mt-3">Kota Bekasi' in page and "Kota Surakarta" in page
    assert numbers[loi.id] in bekasi and silent not in bekasi
