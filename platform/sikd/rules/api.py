from __future__ import annotations

from flask import Response, request
from flask.views import MethodView
from flask_login import current_user
from flask_smorest import Blueprint

from sikd.core.api import api_login_required, documented_errors, error_response
from sikd.core.errors import AppError, NotFound
from sikd.rules import drafts, overview, sharing
from sikd.rules.api_schemas import (
    BASIS_DOCUMENT_BODY,
    YAML_VARIANT,
    BasisDocumentOut,
    DraftOut,
    DraftVariantBody,
    EditBody,
    ExportQuery,
    HistoryOut,
    ImportBody,
    OverviewOut,
    ProposeBody,
    ReturnBody,
    RulebookVersionOut,
    RulesOut,
    TemplatesOut,
    VariantBody,
)
from sikd.rules.services import VariantRefused, submit_variant, versions_of
from sikd.rules.versions import current_rulebook_version
from sikd.tenancy.services import get_tenant

blp = Blueprint("rules", __name__, description="Aturan: nasional dan varian daerah")


@blp.route("/rules")
class Rules(MethodView):
    decorators = [api_login_required]

    @blp.response(200, RulesOut)
    @documented_errors(blp, 401)
    def get(self):
        """Aturan yang berlaku bagi instansi Anda hari ini, dan semua versinya."""
        current = current_rulebook_version(current_user.tenant)
        from sikd.core.extensions import db

        db.session.commit()
        return {
            "tenant": current_user.tenant.code,
            "current": current,
            "versions": versions_of(current_user.tenant_id),
        }


@blp.route("/rules/variant")
class Variant(MethodView):
    decorators = [api_login_required]

    @blp.arguments(VariantBody)
    @blp.response(201, RulebookVersionOut)
    @documented_errors(blp, 401, 403)
    def post(self, body):
        """Ajukan varian aturan daerah (YAML, lihat tenants/rules/FORMAT.md) dengan tanggal berlakunya."""
        try:
            return submit_variant(current_user, body["yaml"], body["effective_from"])
        except PermissionError as exc:
            return error_response("forbidden", str(exc), 403)
        except VariantRefused as exc:
            return error_response(
                "variant_refused",
                "Varian aturan ditolak. Perbaiki setiap butir yang disebutkan lalu ajukan kembali.",
                422,
                errors={f"{e.path}": [e.reason] for e in exc.errors},
            )


# --------------------------------------------------------------------------- the rule editor

EDITOR_ERRORS = (401, 403, 404, 409, 422)


def _template_tenant(code: str):
    """The daerah a code names (a path or query value), or a 404 in words."""
    tenant = get_tenant(code) if 0 < len(code) <= 20 and "\x00" not in code else None
    if tenant is None:
        raise NotFound(None, "Instansi tidak ditemukan.")
    return tenant


@blp.route("/rules/draft")
class Draft(MethodView):
    decorators = [api_login_required]

    @blp.response(200, DraftOut)
    @documented_errors(blp, 401, 403, 404)
    def get(self):
        """Draf aturan daerah Anda dengan hasil pemeriksaannya (dalam kata-kata)."""
        return drafts.report(current_user.tenant, drafts.draft_of(current_user))

    @blp.response(201, DraftOut)
    @documented_errors(blp, 401, 403, 409, 422)
    def post(self):
        """Mulai (atau buka) draf dari aturan daerah yang berlaku."""
        draft = drafts.start_draft(current_user)
        return drafts.report(current_user.tenant, draft)

    @blp.arguments(DraftVariantBody)
    @blp.response(200, DraftOut)
    @documented_errors(blp, *EDITOR_ERRORS)
    def put(self, body):
        """Simpan seluruh varian draf (bentuk FORMAT.md); diperiksa seperti berkas aturan."""
        return drafts.save_variant(current_user, body["variant"], refuse_new_errors=False)


@blp.route("/rules/draft/edits")
class DraftEdit(MethodView):
    decorators = [api_login_required]

    @blp.arguments(EditBody)
    @blp.response(200, DraftOut)
    @documented_errors(blp, *EDITOR_ERRORS)
    def post(self, body):
        """Satu perubahan dari formulir (op: tighten_deadline, add_document_kind, …)."""
        return drafts.apply_edit(current_user, body["op"], body)


@blp.route("/rules/draft/basis-document")
class DraftBasisDocument(MethodView):
    decorators = [api_login_required]

    @blp.doc(requestBody=BASIS_DOCUMENT_BODY)
    @blp.response(200, BasisDocumentOut)
    @documented_errors(blp, 401, 403, 404, 409, 413, 422, 503)
    def post(self):
        """Unggah naskah Perwal/Pergub (PDF) yang menjadi dasar draf (multipart: file)."""
        upload = request.files.get("file")
        if upload is None:
            raise AppError(
                "file_required",
                "Pilih berkas PDF peraturan.",
                field_errors={"file": ["Wajib diisi."]},
            )
        return drafts.attach_basis_document(current_user, upload.filename or "", upload.read())


@blp.route("/rules/draft/propose")
class DraftPropose(MethodView):
    decorators = [api_login_required]

    @blp.arguments(ProposeBody)
    @blp.response(200, DraftOut)
    @documented_errors(blp, *EDITOR_ERRORS)
    def post(self, body):
        """Ajukan draf kepada Kepala Daerah dengan tanggal berlakunya."""
        draft = drafts.propose(current_user, body["effective_from"])
        return drafts.report(current_user.tenant, draft)


@blp.route("/rules/draft/publish")
class DraftPublish(MethodView):
    decorators = [api_login_required]

    @blp.response(201, RulebookVersionOut)
    @documented_errors(blp, *EDITOR_ERRORS)
    def post(self):
        """Terbitkan usulan (Kepala Daerah, bukan pengusulnya)."""
        return drafts.publish(current_user)


@blp.route("/rules/draft/return")
class DraftReturn(MethodView):
    decorators = [api_login_required]

    @blp.arguments(ReturnBody)
    @blp.response(200, DraftOut)
    @documented_errors(blp, *EDITOR_ERRORS)
    def post(self, body):
        """Kembalikan usulan menjadi draf, dengan alasan."""
        draft = drafts.send_back(current_user, body["reason"])
        return drafts.report(current_user.tenant, draft)


@blp.route("/rules/draft/import")
class DraftImport(MethodView):
    decorators = [api_login_required]

    @blp.arguments(ImportBody)
    @blp.response(201, DraftOut)
    @documented_errors(blp, 401, 403, 409, 422)
    def post(self, body):
        """Mulai draf dari berkas YAML (FORMAT.md), mis. varian daerah lain."""
        return sharing.import_yaml(current_user, body["yaml"])


@blp.route("/rules/variant/export")
class VariantExport(MethodView):
    decorators = [api_login_required]

    @blp.arguments(ExportQuery, location="query", unknown=None)  # unknown names: 422
    @blp.response(200, YAML_VARIANT, content_type="application/yaml")
    @documented_errors(blp, 401, 404, 422)
    def get(self, query):
        """Aturan daerah Anda (atau instansi ``tenant``) yang berlaku, dalam format YAML FORMAT.md."""
        tenant = _template_tenant(query.get("tenant") or current_user.tenant.code)
        text = sharing.export_yaml(tenant)
        return Response(
            text,
            mimetype="application/yaml",
            headers={"Content-Disposition": f'attachment; filename="{tenant.code}.yaml"'},
        )


@blp.route("/rules/history")
class History(MethodView):
    decorators = [api_login_required]

    @blp.response(200, HistoryOut)
    @documented_errors(blp, 401)
    def get(self):
        """Setiap versi aturan daerah yang diterbitkan: pengusul, penyetuju, dasar, tanggal, beda."""
        return {"versions": sharing.history(current_user.tenant)}


@blp.route("/rules/templates")
class Templates(MethodView):
    decorators = [api_login_required]

    @blp.response(200, TemplatesOut)
    @documented_errors(blp, 401)
    def get(self):
        """Galeri: aturan daerah lain yang telah berlaku, untuk dijadikan titik awal."""
        return {"templates": overview.gallery(exclude=current_user.tenant)}


@blp.route("/rules/templates/<code>/use")
class UseTemplate(MethodView):
    decorators = [api_login_required]

    @blp.response(201, DraftOut)
    @documented_errors(blp, *EDITOR_ERRORS)
    def post(self, code):
        """Mulai draf dari aturan daerah lain (galeri)."""
        tenant = _template_tenant(code)
        return sharing.import_yaml(current_user, sharing.export_yaml(tenant))


@blp.route("/rules/overview")
class NationalOverview(MethodView):
    decorators = [api_login_required]

    @blp.response(200, OverviewOut)
    @documented_errors(blp, 401, 403)
    def get(self):
        """Kemendagri: daerah yang memiliki aturan daerah, yang diperketat, dan perbedaannya."""
        if current_user.tenant.code != "KEMENDAGRI":
            raise AppError(
                "forbidden", "Ikhtisar aturan daerah nasional hanya untuk Kemendagri.", status=403
            )
        return overview.national_overview()
