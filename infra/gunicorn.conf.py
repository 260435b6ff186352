"""Gunicorn settings for the web container."""

import os

bind = os.environ.get("SIKD_BIND", "0.0.0.0:8000")
workers = int(os.environ.get("SIKD_WEB_WORKERS", "3"))
threads = int(os.environ.get("SIKD_WEB_THREADS", "4"))
worker_class = "gthread"
timeout = 120  # uploads of up to 50 MB on a slow connection
accesslog = "-"
forwarded_allow_ips = os.environ.get("SIKD_FORWARDED_ALLOW_IPS", "127.0.0.1")
