from __future__ import annotations

from flask.views import MethodView
from flask_login import current_user
from flask_smorest import Blueprint
from marshmallow import fields, validate

from sikd.core.api import api_login_required, documented_errors, error_response
from sikd.core.schemas import Schema
from sikd.rules.services import VariantRefused, submit_variant, versions_of
from sikd.rules.versions import current_rulebook_version

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
