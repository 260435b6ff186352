"""Letters end to end: numbered at request, queued after commit, rendered by the RQ job into a
Document stored on moto's S3 server; a failure is visible on the letter and can be retried."""

from __future__ import annotations

import io
from datetime import date

import pytest
from sqlalchemy import func, select

from sikd.core.extensions import db
from sikd.core.storage import StorageUnavailable
from sikd.documents.issuing import request_letter
from sikd.documents.letters import LetterRefused
from sikd.documents.models import Document, Letter
from sikd.documents.services import open_version
from sikd.tenancy.scope import set_tenant
from sikd.testing.harness import start_moto, stop_moto

CONTEXT = {
    "judul": "Kota Bersaudara Bekasi dan Xiamen",
    "mitra": "Pemerintah Kota Xiamen",
    "tujuan": "Ketua DPRD Kota Bekasi",
    "penandatangan": {"jabatan": "Wali Kota Bekasi", "nama": "Dr. Contoh Nama, M.Si."},
    "tembusan": ["Gubernur Jawa Barat"],
}


def pdf_text(data: bytes) -> str:
    pypdf = pytest.importorskip("pypdf")
    return " ".join(
        " ".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(data)).pages).split()
    )


def test_request_numbers_the_letter_and_queues_the_job_after_commit(app, bekasi, make_user):
    from rq import Queue

    user = make_user("32.75", ["tkksd"])
    letter = request_letter(
        bekasi.id, "surat_permohonan_dprd", CONTEXT, user.id, cooperation_id=12,
        tanggal=date(2026, 11, 22),
    )  # fmt: skip
    assert letter.nomor == "000.7/001/Kerma-32.75/2026"
    assert letter.status == "queued" and letter.progress == 0
    jobs = Queue("documents", connection=app.extensions["sikd_redis"]).jobs
    assert [(j.func_name, j.args) for j in jobs] == [
        ("sikd.documents.tasks.render_letter_job", (bekasi.id, letter.id))
    ]
    second = request_letter(
        bekasi.id, "surat_penyampaian_rencana", CONTEXT, user.id, tanggal=date(2026, 11, 23)
    )
    assert second.nomor == "000.7/002/Kerma-32.75/2026"


def test_incomplete_request_takes_no_number(bekasi):
    with pytest.raises(LetterRefused) as err:
        request_letter(bekasi.id, "surat_permohonan_dprd", {"judul": "X"}, None, enqueue=print)
    assert "Tujuan surat wajib diisi." in err.value.message
    ok = request_letter(
        bekasi.id, "surat_permohonan_dprd", CONTEXT, None,
        tanggal=date(2026, 11, 22), enqueue=lambda *a: None,
    )  # fmt: skip
    assert ok.nomor.startswith("000.7/001/")


def test_job_renders_pdf_and_stores_it_as_a_document_of_the_letter_kind(bekasi, make_user):
    from sikd.documents.tasks import render_letter_job

    user = make_user("32.75", ["tkksd"])
    queued: list[tuple] = []
    letter = request_letter(
        bekasi.id, "surat_permohonan_dprd", CONTEXT, user.id, cooperation_id=12,
        tanggal=date(2026, 11, 22), enqueue=lambda *args: queued.append(args),
    )  # fmt: skip
    assert queued == [(bekasi.id, letter.id)]
    document_id = render_letter_job(*queued[0])
    db.session.expire_all()
    letter = db.session.get(Letter, letter.id)
    assert letter.status == "done" and letter.progress == 100 and letter.error is None
    assert letter.document_id == document_id
    document = db.session.get(Document, document_id)
    assert document.kind == "surat_permohonan_dprd" and document.cooperation_id == 12
    version = document.current_version
    assert version.content_type == "application/pdf"
    assert version.fields == {
        "nomor_surat": "000.7/001/Kerma-32.75/2026",
        "tanggal_surat": "2026-11-22",
        "perihal": "Permohonan Persetujuan DPRD atas Rencana Kerja Sama "
        "Kota Bersaudara Bekasi dan Xiamen",
    }
    assert version.storage_key.startswith(f"32.75/12/{document.uuid}/")
    text = pdf_text(open_version(version).read())
    assert "PEMERINTAH KOTA BEKASI" in text
    assert "000.7/001/Kerma-32.75/2026" in text and "Bekasi, 22 November 2026" in text
    # running the job again (RQ retry) does not make a second document
    assert render_letter_job(bekasi.id, letter.id) == document_id
    assert db.session.scalar(select(func.count()).select_from(Document)) == 1


def test_docx_letter_for_officials_to_edit(bekasi):
    from sikd.documents.tasks import render_letter_job

    letter = request_letter(
        bekasi.id, "surat_permohonan_dprd", CONTEXT, None, fmt="docx",
        tanggal=date(2027, 1, 1), enqueue=lambda *a: None,
    )  # fmt: skip
    render_letter_job(bekasi.id, letter.id)
    db.session.expire_all()
    version = db.session.get(Letter, letter.id).document.current_version
    assert version.content_type.endswith("wordprocessingml.document")
    assert version.filename.endswith(".docx")
    import docx

    body = "\n".join(
        p.text for p in docx.Document(io.BytesIO(open_version(version).read())).paragraphs
    )
    assert "Bekasi, 1 Januari 2027" in body


def test_job_failure_is_shown_on_the_letter_and_a_retry_succeeds(app, bekasi, moto_s3):
    from sikd.documents.tasks import render_letter_job

    letter = request_letter(
        bekasi.id, "surat_permohonan_dprd", CONTEXT, None,
        tanggal=date(2026, 11, 22), enqueue=lambda *a: None,
    )  # fmt: skip
    port = stop_moto(moto_s3)
    try:
        with pytest.raises(StorageUnavailable):
            render_letter_job(bekasi.id, letter.id)
    finally:
        start_moto(moto_s3, port)
    db.session.expire_all()
    failed = db.session.get(Letter, letter.id)
    assert failed.status == "failed" and failed.document_id is None
    assert failed.error.startswith("Surat gagal dibuat: Penyimpanan berkas sedang tidak dapat")
    assert db.session.scalar(select(func.count()).select_from(Document)) == 0
    render_letter_job(bekasi.id, letter.id)
    db.session.expire_all()
    done = db.session.get(Letter, letter.id)
    assert done.status == "done" and done.error is None and done.document_id


def test_job_runs_in_its_own_app_context(app, bekasi, document_tables):
    """As a worker runs it: no app context and no tenant set by the caller."""
    import threading

    from sikd.documents.tasks import render_letter_job

    letter = request_letter(
        bekasi.id, "tanggapan_sekjen",
        CONTEXT | {"rujukan_nomor": "000.7/3/Kerma-32.75/2026", "rujukan_tanggal": "2026-10-01",
                   "catatan": "Tanggapan positif."},
        None, tanggal=date(2026, 11, 22), enqueue=lambda *a: None,
    )  # fmt: skip
    set_tenant(None)
    result: dict = {}

    def worker() -> None:
        from sikd.core import jobs

        jobs.set_app(app)  # the worker process would build its own app from settings
        try:
            result["document_id"] = render_letter_job(bekasi.id, letter.id)
        except BaseException as exc:  # noqa: BLE001
            result["error"] = exc

    thread = threading.Thread(target=worker)
    thread.start()
    thread.join(60)
    from sikd.core import jobs

    jobs.set_app(None)
    assert "error" not in result, result.get("error")
    assert result["document_id"]


def test_letters_are_filed_as_the_rulebook_document_kinds(bekasi):
    """A rendered letter satisfies the rulebook's `requires_documents` and its fields."""
    from pathlib import Path

    import yaml

    from sikd.documents.contents import validate_contents
    from sikd.documents.letters import LETTER_KINDS
    from sikd.documents.tasks import render_letter_job

    path = Path(__file__).resolve().parents[2] / "tenants" / "rules" / "national.yaml"
    if not path.exists():
        pytest.skip("tenants/rules/national.yaml belum ada")
    kinds = yaml.safe_load(path.read_text(encoding="utf-8"))["document_kinds"]
    assert LETTER_KINDS["pertimbangan_sekjen"].filed_as in kinds
    assert LETTER_KINDS["surat_konfirmasi_kemlu"].filed_as in kinds
    assert LETTER_KINDS["surat_persetujuan_mendagri"].filed_as in kinds
    letter = request_letter(
        bekasi.id, "surat_penyampaian_rencana", CONTEXT, None,
        tanggal=date(2026, 11, 22), enqueue=lambda *a: None,
    )  # fmt: skip
    render_letter_job(bekasi.id, letter.id)
    db.session.expire_all()
    document = db.session.get(Letter, letter.id).document
    assert document.kind == "surat_penyampaian_rencana"
    validate_contents(kinds[document.kind], document.current_version.fields)
