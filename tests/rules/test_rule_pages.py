"""The editor's pages without a browser: who may do what, refusals shown in words, the audit
chain of a published variant, the gallery and Kemendagri's overview (issue: rule editor)."""

from __future__ import annotations

from sqlalchemy import select

from sikd.testing.web import csrf, text


def post(client, path: str, data: dict, page: str = "/aturan/ubah"):
    token = csrf(text(client.get(page)))
    return client.post(path, data={**data, "csrf_token": token}, follow_redirects=True)


def test_forms_edit_the_draft_refuse_in_words_and_the_audit_chain_records_each_step(web, app_ctx):
    admin = web("33.72", ["tenant_admin"])
    assert "Mulai draf" in text(admin.get("/aturan/ubah"))
    post(admin, "/aturan/ubah/mulai", {})
    post(admin, "/aturan/ubah/regulation", {"key": "PERWALSKA2026", "label": "Perwal Surakarta"})
    page = text(
        post(
            admin,
            "/aturan/ubah/tighten_deadline",
            {
                "process": "luar_negeri",
                "stage": "naskah_di_gubernur",
                "amount": "7",
                "unit": "hari",
                "basis_regulation": "PERWALSKA2026",
                "basis_pasal": "4",
            },
        )
    )
    # PMDN25 tahap 8 / DOMAIN §4: 5 hari at the Gubernur; 7 is longer and is refused in words
    assert "Tenggat tidak boleh diperpanjang" in page and "5 hari" in page
    assert "tahap Rancangan Naskah di Gubernur (penerusan ke Kemendagri) › tenggat" in page
    no_basis = text(
        post(
            admin,
            "/aturan/ubah/tighten_deadline",
            {
                "process": "luar_negeri",
                "stage": "naskah_di_gubernur",
                "amount": "2",
                "unit": "hari",
            },
        )
    )
    assert "Pilih peraturan dasar perubahan ini" in no_basis

    # a field added to an existing kind's contents (Perwal's own basis), through the form
    added = text(
        post(
            admin,
            "/aturan/ubah/add_field",
            {
                "kind": "kajian",
                "field_name": "analisis_risiko",
                "field_label": "Analisis risiko",
                "field_type": "longtext",
                "field_required": "1",
                "basis_regulation": "PERWALSKA2026",
                "basis_pasal": "5",
            },
        )
    )
    assert "Perubahan tersimpan" in added and "isian tambahan kajian.analisis_risiko" in added

    # a ministry-held stage offers no form at all (PMDN25 tahap 7: Sekretaris Jenderal)
    editor = text(admin.get("/aturan/ubah"))
    row = editor.split('id="tahap-verifikasi_rencana"')[1].split("</tr>")[0]
    assert "tidak dapat diubah" in row and "Perketat tenggat" not in row

    from sikd.audit.models import AuditEntry
    from sikd.core.extensions import db
    from sikd.tenancy.scope import system_scope

    with system_scope():
        actions = list(
            db.session.scalars(
                select(AuditEntry.action).where(AuditEntry.object_type == "variant_draft")
            )
        )
        db.session.commit()
    assert actions[0] == "rules.draft_started" and "rules.draft_saved" in actions


def test_kemendagri_overview_and_gallery_pages(web):
    kemendagri = web("KEMENDAGRI", ["sekjen_verifier"])
    page = text(kemendagri.get("/aturan/ikhtisar"))
    assert "Kota Bekasi" in page and "Perwal Kota Bekasi Nomor 57 Tahun 2023" in page
    assert web("33.72", ["tenant_admin"]).get("/aturan/ikhtisar").status_code == 403
    gallery = text(web("33.72", ["tenant_admin"]).get("/aturan/galeri"))
    assert "Mulai draf dari Kota Bekasi" in gallery
