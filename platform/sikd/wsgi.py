"""WSGI entry point for gunicorn: ``gunicorn sikd.wsgi:app``."""

from sikd import create_app
from sikd.core.gc_freeze import freeze_long_lived

app = create_app()
freeze_long_lived(app)  # no full collection every few dozen requests (see core/gc_freeze.py)
