from __future__ import annotations

from datetime import date

from flask import request
from flask.views import MethodView
from flask_login import current_user
from flask_smorest import Blueprint

from sikd.core.api import api_login_required, error_response
from sikd.rules.services import VariantRefused, submit_variant, versions_of
from sikd.rules.versions import current_rulebook_version

blp = Blueprint("rules", __name__, description="Aturan: nasional dan varian daerah")


def version_dict(v) -> dict:
    return {
        "id": v.id,
        "content_hash": v.content_hash,
        "source": v.source,
        "effective_from": v.effective_from.isoformat(),
        "created_at": v.created_at.isoformat() if v.created_at else None,
    }


@blp.route("/rules")
class Rules(MethodView):
    decorators = [api_login_required]

    def get(self):
        """Aturan yang berlaku bagi instansi Anda hari ini, dan semua versinya."""
        current = current_rulebook_version(current_user.tenant)
        from sikd.core.extensions import db

        db.session.commit()
        return {
            "tenant": current_user.tenant.code,
            "current": version_dict(current),
            "versions": [version_dict(v) for v in versions_of(current_user.tenant_id)],
        }


@blp.route("/rules/variant")
class Variant(MethodView):
    decorators = [api_login_required]

    def post(self):
        """Ajukan varian aturan daerah (YAML, lihat tenants/rules/FORMAT.md) dengan tanggal berlakunya."""
        body = request.get_json(silent=True) or {}
        try:
            effective = date.fromisoformat(str(body.get("effective_from", "")))
        except ValueError:
            return error_response(
                "invalid_input",
                "Isi tanggal mulai berlaku (effective_from) dengan format TTTT-BB-HH.",
                422,
                errors={"effective_from": ["Tanggal tidak sah."]},
            )
        try:
            version = submit_variant(current_user, body.get("yaml") or "", effective)
        except PermissionError as exc:
            return error_response("forbidden", str(exc), 403)
        except VariantRefused as exc:
            return error_response(
                "variant_refused",
                "Varian aturan ditolak. Perbaiki setiap butir yang disebutkan lalu ajukan kembali.",
                422,
                errors={f"{e.path}": [e.reason] for e in exc.errors},
            )
        return version_dict(version), 201
