"""The baseline the page benchmark compares against: a Flask app doing one indexed query on
the bench database, served by gunicorn with the same settings as SIKD (``bare:app``)."""

from __future__ import annotations

import os

from flask import Flask, jsonify
from sqlalchemy import create_engine, text

app = Flask(__name__)
engine = create_engine(os.environ["SIKD_DATABASE_URL"], pool_pre_ping=True)


@app.get("/bare")
def bare():
    with engine.connect() as conn:
        row = conn.execute(
            text("select id, code, name from tenants where code = :code"), {"code": "32.75"}
        ).one()
    return jsonify(id=row.id, code=row.code, name=row.name)
