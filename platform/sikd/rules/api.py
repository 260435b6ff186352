from __future__ import annotations

from datetime import date

from flask import Response, request
from flask.views import MethodView
from flask_login import current_user
from flask_smorest import Blueprint
from marshmallow import fields, validate

from sikd.core.api import api_login_required, documented_errors, error_response
from sikd.core.errors import AppError, NotFound
from sikd.core.schemas import Schema
from sikd.rules import drafts, overview, sharing
from sikd.rules.services import VariantRefused, submit_variant, versions_of
from sikd.rules.versions import current_rulebook_version
from sikd.tenancy.services import get_tenant

blp = Blueprint("rules", __name__, description="Aturan: nasional dan varian daerah")


class RulebookVersionOut(Schema):
    id = fields.Integer(required=True)
    content_hash = fields.String(required=True)
    source = fields.String(required=True)
    effective_from = fields.Date(required=True)
    created_at = fields.DateTime(allow_none=True)


class RulesOut(Schema):
    tenant = fields.String(required=True)
    current = fields.Nested(RulebookVersionOut, required=True)
    versions = fields.List(fields.Nested(RulebookVersionOut), required=True)


class VariantBody(Schema):
    yaml = fields.String(
        required=True,
        validate=validate.Length(min=1, max=1_000_000),
        metadata={"label": "Teks YAML varian", "description": "lihat tenants/rules/FORMAT.md"},
    )
    effective_from = fields.Date(required=True, metadata={"label": "Tanggal mulai berlaku"})


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


def _body() -> dict:
    body = request.get_json(silent=True)
    return body if isinstance(body, dict) else {}


def _date(value) -> date:
    try:
        return date.fromisoformat(str(value or ""))
    except ValueError:
        raise AppError(
            "invalid_input",
            "Isi tanggal mulai berlaku (effective_from) dengan format TTTT-BB-HH.",
            field_errors={"effective_from": ["Tanggal tidak sah."]},
        ) from None


@blp.route("/rules/draft")
class Draft(MethodView):
    decorators = [api_login_required]

    def get(self):
        """Draf aturan daerah Anda dengan hasil pemeriksaannya (dalam kata-kata)."""
        return drafts.report(current_user.tenant, drafts.draft_of(current_user))

    def post(self):
        """Mulai (atau buka) draf dari aturan daerah yang berlaku."""
        draft = drafts.start_draft(current_user)
        return drafts.report(current_user.tenant, draft), 201

    def put(self):
        """Simpan seluruh varian draf (bentuk FORMAT.md); diperiksa seperti berkas aturan."""
        variant = _body().get("variant")
        if not isinstance(variant, dict):
            raise AppError("invalid_input", "Kirim varian sebagai objek JSON pada 'variant'.")
        return drafts.save_variant(current_user, variant, refuse_new_errors=False)


@blp.route("/rules/draft/edits")
class DraftEdit(MethodView):
    decorators = [api_login_required]

    def post(self):
        """Satu perubahan dari formulir (op: tighten_deadline, add_document_kind, …)."""
        body = _body()
        return drafts.apply_edit(current_user, str(body.get("op") or ""), body)


@blp.route("/rules/draft/basis-document")
class DraftBasisDocument(MethodView):
    decorators = [api_login_required]

    def post(self):
        """Unggah naskah Perwal/Pergub (PDF) yang menjadi dasar draf."""
        upload = request.files.get("file")
        if upload is None:
            raise AppError("invalid_input", "Pilih berkas PDF peraturan.")
        return drafts.attach_basis_document(current_user, upload.filename or "", upload.read())


@blp.route("/rules/draft/propose")
class DraftPropose(MethodView):
    decorators = [api_login_required]

    def post(self):
        """Ajukan draf kepada Kepala Daerah dengan tanggal berlakunya."""
        draft = drafts.propose(current_user, _date(_body().get("effective_from")))
        return drafts.report(current_user.tenant, draft)


@blp.route("/rules/draft/publish")
class DraftPublish(MethodView):
    decorators = [api_login_required]

    def post(self):
        """Terbitkan usulan (Kepala Daerah, bukan pengusulnya)."""
        return RulebookVersionOut().dump(drafts.publish(current_user)), 201


@blp.route("/rules/draft/return")
class DraftReturn(MethodView):
    decorators = [api_login_required]

    def post(self):
        """Kembalikan usulan menjadi draf, dengan alasan."""
        draft = drafts.send_back(current_user, str(_body().get("reason") or ""))
        return drafts.report(current_user.tenant, draft)


@blp.route("/rules/draft/import")
class DraftImport(MethodView):
    decorators = [api_login_required]

    def post(self):
        """Mulai draf dari berkas YAML (FORMAT.md), mis. varian daerah lain."""
        return sharing.import_yaml(current_user, str(_body().get("yaml") or "")), 201


@blp.route("/rules/variant/export")
class VariantExport(MethodView):
    decorators = [api_login_required]

    def get(self):
        """Aturan daerah Anda yang berlaku, dalam format YAML FORMAT.md."""
        code = request.args.get("tenant") or current_user.tenant.code
        tenant = get_tenant(code)
        if tenant is None:
            raise NotFound(None, "Instansi tidak ditemukan.")
        text = sharing.export_yaml(tenant)
        return Response(
            text,
            mimetype="application/yaml",
            headers={"Content-Disposition": f'attachment; filename="{tenant.code}.yaml"'},
        )


@blp.route("/rules/history")
class History(MethodView):
    decorators = [api_login_required]

    def get(self):
        """Setiap versi aturan daerah yang diterbitkan: pengusul, penyetuju, dasar, tanggal, beda."""
        return {"versions": sharing.history(current_user.tenant)}


@blp.route("/rules/templates")
class Templates(MethodView):
    decorators = [api_login_required]

    def get(self):
        """Galeri: aturan daerah lain yang telah berlaku, untuk dijadikan titik awal."""
        return {"templates": overview.gallery(exclude=current_user.tenant)}


@blp.route("/rules/templates/<code>/use")
class UseTemplate(MethodView):
    decorators = [api_login_required]

    def post(self, code):
        """Mulai draf dari aturan daerah lain (galeri)."""
        tenant = get_tenant(code)
        if tenant is None:
            raise NotFound(None, "Instansi tidak ditemukan.")
        return sharing.import_yaml(current_user, sharing.export_yaml(tenant)), 201


@blp.route("/rules/overview")
class NationalOverview(MethodView):
    decorators = [api_login_required]

    def get(self):
        """Kemendagri: daerah yang memiliki aturan daerah, yang diperketat, dan perbedaannya."""
        if current_user.tenant.code != "KEMENDAGRI":
            raise AppError(
                "forbidden", "Ikhtisar aturan daerah nasional hanya untuk Kemendagri.", status=403
            )
        return overview.national_overview()
