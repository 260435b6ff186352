"""The notifications page."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user, login_required

from sikd.notifications.services import mark_notifications_read, notifications_for

bp = Blueprint("notification_pages", __name__, template_folder="templates")


@bp.route("/notifikasi")
@login_required
def notifications():
    return render_template(
        "notifications/notifications.html", items=notifications_for(current_user)
    )


@bp.route("/notifikasi/dibaca", methods=["POST"])
@login_required
def notifications_read():
    count = mark_notifications_read(current_user)
    flash(f"{count} notifikasi ditandai sudah dibaca.", "info")
    return redirect(url_for("notification_pages.notifications"))
