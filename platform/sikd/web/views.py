from __future__ import annotations

from flask import Blueprint, redirect, render_template, url_for
from flask_login import current_user, login_required

bp = Blueprint("web", __name__)


@bp.route("/")
def index():
    if current_user.is_authenticated:
        return redirect(url_for("web.home"))
    return redirect(url_for("accounts.login"))


@bp.route("/beranda")
@login_required
def home():
    return render_template("home.html", user=current_user, tenant=current_user.tenant)
