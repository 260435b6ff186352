"""The layout: the front door, the navigation every page shows, and the template filters.

The pages themselves live with their features (``cooperations/views.py``, ``documents/views.py``,
``rules/views.py`` …); navigation names their endpoints.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, redirect, url_for
from flask_login import current_user

from sikd.web.filters import register_filters
from sikd.workflow.roles import CREATOR_ROLES, NATIONAL_ROLES

bp = Blueprint("web", __name__, template_folder="templates")
register_filters(bp)


@bp.app_context_processor
def _navigation() -> dict[str, Any]:
    if not getattr(current_user, "is_authenticated", False):
        return {"nav_items": []}
    items = [
        ("cooperation_pages.home", "Kotak Masuk"),
        ("cooperation_pages.register", "Daftar Kerja Sama"),
    ]
    if current_user.tenant.is_daerah and current_user.has_role(*CREATOR_ROLES):
        items.append(("cooperation_pages.create", "Prakarsa Baru"))
    if current_user.tenant.is_daerah and current_user.has_role("opd", "tkksd", "kepala_daerah"):
        items.append(("pemetaan_pages.cycles", "Pemetaan"))
    if current_user.tenant.is_daerah and current_user.has_role(
        "tim_pengawasan", "tkksd", "kepala_daerah"
    ):
        items.append(("cooperation_pages.monitoring_inbox", "Pemantauan & Evaluasi"))
    if current_user.has_role("gubernur_verifier"):
        items.append(("cooperation_pages.gubernur_queue", "Antrean Gubernur"))
    if current_user.has_role(*NATIONAL_ROLES):
        items.append(("cooperation_pages.national", "Pantauan Nasional"))
    if current_user.has_role("kemlu_reviewer"):
        items.append(("cooperation_pages.kemlu_queue", "Antrean Kemlu"))
    items.append(("rule_pages.rules", "Aturan"))
    if current_user.has_role("tenant_admin"):
        items.append(("accounts.users", "Pengguna"))
        items.append(("letterhead_pages.settings_page", "Kop Surat"))
    items.append(("notification_pages.notifications", "Notifikasi"))
    return {"nav_items": items}


@bp.route("/")
def index():
    if current_user.is_authenticated:
        return redirect(url_for("cooperation_pages.home"))
    return redirect(url_for("accounts.login"))
