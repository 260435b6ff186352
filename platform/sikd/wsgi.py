"""WSGI entry point for gunicorn: ``gunicorn sikd.wsgi:app``."""

from sikd import create_app

app = create_app()
