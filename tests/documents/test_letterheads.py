"""Each tenant's own letterhead and nomor surat pattern (Pengaturan Kop Surat, tenant admin,
audited), rendered into its letters; the sequence stays gap-free per tenant and year."""

from __future__ import annotations

import io
import re
import threading
from datetime import date

import pytest
from sqlalchemy import select

from sikd.audit.models import AuditEntry
from sikd.core.extensions import db
from sikd.documents.issuing import request_letter
from sikd.documents.letterhead import Letterhead, PatternError, check_pattern
from sikd.documents.models import Letter
from sikd.documents.services import open_version
from sikd.documents.tasks import render_letter_job
from sikd.tenancy.scope import set_tenant, system_scope, tenant_scope
from sikd.testing import login

CONTEXT = {
    "judul": "Kota Kembar dengan Kota Contoh",
    "mitra": "Pemerintah Kota Contoh",
    "tujuan": "Ketua DPRD",
    "penandatangan": {"jabatan": "Wali Kota", "nama": "Nama Pejabat"},
}

BEKASI_FORM = {
    "pemerintah": "PEMERINTAH KOTA BEKASI",
    "instansi": "SEKRETARIAT DAERAH",
    "nama_pemerintah": "Pemerintah Kota Bekasi",
    "alamat": "Jalan Jenderal Ahmad Yani Nomor 1, Bekasi 17141",
    "telepon": "(021) 88397963",
    "email": "kerjasama@bekasikota.go.id",
    "website": "www.bekasikota.go.id",
    "tempat": "Bekasi",
    "klasifikasi": "000.5",
    "unit": "Bag.KS",
    "pola_nomor": "{klasifikasi}/{seq}/{unit}/{year}",
}
SURAKARTA_FORM = {
    "pemerintah": "PEMERINTAH KOTA SURAKARTA",
    "instansi": "SEKRETARIAT DAERAH",
    "nama_pemerintah": "Pemerintah Kota Surakarta",
    "alamat": "Jalan Jenderal Sudirman Nomor 2, Surakarta 57111",
    "telepon": "(0271) 642020",
    "email": "kerjasama@surakarta.go.id",
    "website": "surakarta.go.id",
    "tempat": "Surakarta",
    "klasifikasi": "000.7",
    "unit": "Pem-KS",
    "pola_nomor": "{klasifikasi}/{seq:04d}/{unit}/{bulan}/{year}",
}


def png(color: tuple[int, int, int]) -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (40, 40), color).save(out, format="PNG")
    return out.getvalue()


def csrf(client, path: str) -> str:
    page = client.get(path)
    assert page.status_code == 200, page.status_code
    return re.search(r'name="csrf_token" value="([^"]+)"', page.get_data(as_text=True)).group(1)


def save_settings(client, form: dict, logo: bytes | None = None):
    data = dict(form, csrf_token=csrf(client, "/pengaturan/kop-surat"))
    if logo is not None:
        data["logo"] = (io.BytesIO(logo), "logo.png")
    return client.post("/pengaturan/kop-surat", data=data, content_type="multipart/form-data")


def pdf_text_and_images(data: bytes) -> tuple[str, int]:
    import pypdf

    reader = pypdf.PdfReader(io.BytesIO(data))
    text = " ".join(" ".join(p.extract_text() for p in reader.pages).split())
    return text, sum(len(p.images) for p in reader.pages)


def letter_pdf(tenant_id: int, kind: str = "surat_permohonan_dprd") -> tuple[Letter, bytes]:
    set_tenant(tenant_id)
    letter = request_letter(
        tenant_id, kind, CONTEXT, None, tanggal=date(2026, 12, 1), enqueue=lambda *a: None
    )
    render_letter_job(tenant_id, letter.id)
    set_tenant(tenant_id)
    db.session.expire_all()
    letter = db.session.get(Letter, letter.id)
    with tenant_scope(tenant_id):
        return letter, open_version(letter.document.current_version).read()


def test_bekasi_and_surakarta_letters_carry_their_own_letterhead_logo_and_number(
    app, client, make_user, tenant
):
    bekasi, solo = tenant("32.75"), tenant("33.72")
    for code, form, color in (
        ("32.75", BEKASI_FORM, (200, 0, 0)),
        ("33.72", SURAKARTA_FORM, (0, 0, 200)),
    ):
        admin_client = app.test_client()
        login(admin_client, make_user(code, ["tenant_admin"]).email)
        assert save_settings(admin_client, form, png(color)).status_code == 302

    letter, data = letter_pdf(bekasi.id)
    text, images = pdf_text_and_images(data)
    assert letter.nomor == "000.5/1/Bag.KS/2026"
    assert "PEMERINTAH KOTA BEKASI" in text and "Jalan Jenderal Ahmad Yani Nomor 1" in text
    assert "kerjasama@bekasikota.go.id" in text and "Bekasi, 1 Desember 2026" in text
    assert "Surakarta" not in text and "Alamat kantor belum diisi" not in text
    assert images == 1  # the logo

    letter, data = letter_pdf(solo.id)
    text, images = pdf_text_and_images(data)
    assert letter.nomor == "000.7/0001/Pem-KS/XII/2026"
    assert "PEMERINTAH KOTA SURAKARTA" in text and "Jalan Jenderal Sudirman Nomor 2" in text
    assert "Surakarta, 1 Desember 2026" in text and "Bekasi" not in text
    assert images == 1


def test_ministry_letters_use_the_ministrys_own_settings(app, client, make_user, tenant):
    kemlu = tenant("KEMLU")
    admin = make_user("KEMLU", ["tenant_admin"])
    login(client, admin.email)
    form = dict(
        BEKASI_FORM,
        pemerintah="KEMENTERIAN LUAR NEGERI REPUBLIK INDONESIA",
        instansi="DIREKTORAT JENDERAL HUKUM DAN PERJANJIAN INTERNASIONAL",
        alamat="Jalan Taman Pejambon Nomor 6, Jakarta Pusat 10110",
        tempat="Jakarta",
        unit="HPI",
        klasifikasi="HK.01.01",
    )
    assert save_settings(client, form).status_code == 302
    letter, data = letter_pdf(kemlu.id)
    text, _ = pdf_text_and_images(data)
    assert letter.nomor == "HK.01.01/1/HPI/2026"
    assert "Jalan Taman Pejambon Nomor 6" in text and "Jakarta, 1 Desember 2026" in text


def test_without_settings_the_documented_default_stays(app, tenant):
    letter, data = letter_pdf(tenant("32.75").id)
    assert letter.nomor == "000.7/001/Kerma-32.75/2026"


def test_settings_are_audited_with_what_changed(app, client, make_user, tenant):
    admin = make_user("32.75", ["tenant_admin"])
    login(client, admin.email)
    save_settings(client, BEKASI_FORM)
    save_settings(client, dict(BEKASI_FORM, unit="Bag.Kerma"))
    set_tenant(tenant("32.75").id)
    entries = db.session.scalars(
        select(AuditEntry).where(AuditEntry.action == "letterhead.updated").order_by(AuditEntry.seq)
    ).all()
    assert len(entries) == 2
    assert entries[1].actor_user_id == admin.id
    assert entries[1].summary.endswith(": unit")
    assert (
        entries[1].data["before"]["unit"] == "Bag.KS"
        and entries[1].data["after"]["unit"] == "Bag.Kerma"
    )


def test_preview_shows_the_next_number_and_the_letter(app, client, make_user):
    admin = make_user("32.75", ["tenant_admin"])
    login(client, admin.email)
    save_settings(client, BEKASI_FORM)
    page = client.get("/pengaturan/kop-surat").get_data(as_text=True)
    assert "000.5/1/Bag.KS/" in page
    preview = client.get("/pengaturan/kop-surat/pratinjau").get_data(as_text=True)
    assert "Jalan Jenderal Ahmad Yani Nomor 1" in preview
    pdf = client.get("/pengaturan/kop-surat/pratinjau.pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF-")


def test_bad_pattern_and_non_image_logo_are_refused_with_what_to_fix(app, client, make_user):
    admin = make_user("32.75", ["tenant_admin"])
    login(client, admin.email)
    refused = save_settings(client, dict(BEKASI_FORM, pola_nomor="000.5/Bag.KS/{year}"))
    assert refused.status_code == 422
    assert "harus memuat {seq} (nomor urut) dan {year} (tahun)" in refused.get_data(as_text=True)
    refused = save_settings(client, BEKASI_FORM, logo=b"%PDF-1.4\n%%EOF\n")
    assert refused.status_code == 422
    assert "Logo harus berupa gambar PNG atau JPEG" in refused.get_data(as_text=True)
    with system_scope():
        assert db.session.scalar(select(Letterhead)) is None


def test_only_the_tenant_admin_may_change_the_letterhead(app, client, make_user):
    tkksd = make_user("32.75", ["tkksd"])
    login(client, tkksd.email)
    assert client.get("/pengaturan/kop-surat").status_code == 403


@pytest.mark.parametrize(
    "pattern",
    [
        "{seq}/{year}/{seq}",
        "{klasifikasi}/{nomor}/{year}",
        "{seq}-{year}<script>",
        "{klasifikasi}/{unit}",
    ],
)
def test_patterns_that_could_repeat_or_inject_are_refused(pattern):
    with pytest.raises(PatternError):
        check_pattern(pattern)


def test_twenty_letters_requested_concurrently_are_numbered_without_gaps(
    app, client, make_user, tenant
):
    bekasi = tenant("32.75")
    admin = make_user("32.75", ["tenant_admin"])
    login(client, admin.email)
    save_settings(client, BEKASI_FORM)
    tenant_id = bekasi.id
    barrier = threading.Barrier(20)
    numbers: list[str] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def one() -> None:
        try:
            with app.app_context():
                set_tenant(tenant_id)
                barrier.wait()
                letter = request_letter(
                    tenant_id, "surat_permohonan_dprd", CONTEXT, None,
                    tanggal=date(2026, 12, 1), enqueue=lambda *a: None,
                )  # fmt: skip
                with lock:
                    numbers.append(letter.nomor)
                db.session.remove()
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=one) for _ in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert not errors
    assert sorted(numbers, key=lambda n: int(n.split("/")[1])) == [
        f"000.5/{i}/Bag.KS/2026" for i in range(1, 21)
    ]
