"""gunicorn settings for production; every knob can be overridden from the environment."""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", f"0.0.0.0:{os.environ.get('PORT', '8000')}")
# Sync workers with a few threads: database-bound pages, many short requests.
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
threads = int(os.environ.get("GUNICORN_THREADS", "2"))
worker_class = "gthread"
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 20
keepalive = 5
# Recycling a worker costs a cold start (templates, ZIP data, connections): at a surge of 2,000
# requests a second, 5,000 meant a restart every few seconds and 1 s stalls at p99.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "100000"))
max_requests_jitter = max_requests // 10
preload_app = True
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
# The access log would carry client addresses and token URLs: off unless asked for.
accesslog = os.environ.get("GUNICORN_ACCESS_LOG") or None
# When it is on: no client address (%(h)s), user agent or referrer, and the path without its query.
access_log_format = '%(t)s "%(m)s %(U)s" %(s)s %(B)s %(M)sms'
errorlog = "-"


def when_ready(server):
    """With preload_app the app is loaded in the master: each installed app that has a `warm_up`
    builds its tables now, once, and the forked workers share them (no cold first request)."""
    from django.apps import apps

    for app in apps.get_app_configs():
        if hasattr(app, "warm_up"):
            app.warm_up()
