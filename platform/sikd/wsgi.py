"""WSGI entry point for gunicorn: ``gunicorn sikd.wsgi:app``."""

import gc

from sikd import create_app

app = create_app()
# What the start made (modules, the app and its configuration) lives as long as the process:
# kept out of the garbage collector's full passes, which otherwise walk all of it in the middle
# of a request (about 100 ms, every few dozen requests).
gc.freeze()
