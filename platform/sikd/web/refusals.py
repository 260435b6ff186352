"""How a page form answers a refusal (one place for the pages of the yearly work)."""

from __future__ import annotations

from flask import flash
from werkzeug.wrappers import Response

from sikd.core.errors import AppError
from sikd.core.extensions import db


def refused_back(exc: AppError, back: Response) -> Response:
    """Nothing of the refused change is kept; 403/404 answer as the refusal page (the error
    goes on to the one handler), anything else as a message on the page the form came from."""
    db.session.rollback()
    if exc.status in (403, 404):
        raise exc
    flash(exc.message, "danger")
    return back
