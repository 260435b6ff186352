"""The notifications page: "giliran Anda" (addressed to the roles that must act) apart from
"untuk informasi", the unread ones marked, and the unread count in the menu."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user, login_required
from sqlalchemy.exc import SQLAlchemyError

from sikd.notifications.services import (
    UNREAD_CAP,
    is_turn,
    mark_notifications_read,
    mark_one_read,
    notifications_for,
    unread_count,
)

bp = Blueprint("notification_pages", __name__, template_folder="templates")


@bp.app_context_processor
def _unread() -> dict[str, Any]:
    """``unread_notifications`` for the menu of every page (one query when signed in), counted
    up to ``unread_cap`` + 1 (the menu then says "99+")."""
    if not getattr(current_user, "is_authenticated", False):
        return {"unread_notifications": 0, "unread_cap": UNREAD_CAP}
    try:
        return {"unread_notifications": unread_count(current_user), "unread_cap": UNREAD_CAP}
    except SQLAlchemyError:  # an error page after a failed transaction still renders
        return {"unread_notifications": 0, "unread_cap": UNREAD_CAP}


@bp.route("/notifikasi")
@login_required
def notifications():
    items = notifications_for(current_user)
    return render_template(
        "notifications/notifications.html",
        turn=[n for n in items if is_turn(n, current_user)],
        info=[n for n in items if not is_turn(n, current_user)],
        items=items,
    )


@bp.route("/notifikasi/<int:note_id>")
@login_required
def open_notification(note_id: int):
    """Open a notification: it is marked read and the cooperation it is about is shown."""
    note = mark_one_read(current_user, note_id)
    if note is None or note.cooperation_id is None:
        return redirect(url_for("notification_pages.notifications"))
    return redirect(url_for("cooperation_pages.detail", coop_id=note.cooperation_id))


@bp.route("/notifikasi/dibaca", methods=["POST"])
@login_required
def notifications_read():
    count = mark_notifications_read(current_user)
    flash(f"{count} notifikasi ditandai sudah dibaca.", "info")
    return redirect(url_for("notification_pages.notifications"))
