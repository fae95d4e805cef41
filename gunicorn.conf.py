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
    """With preload_app the app is loaded in the master, which forks every worker (and each one
    that replaces a recycled worker) from what it holds after this: each installed app's
    `warm_up` tables, the URL resolver in each language and the site's compiled templates are
    built once here, and no worker builds them on a visitor's request.

    Then gc.freeze(): the garbage collector never walks what the master built. A worker's full
    collection otherwise walked all of it (about 290,000 objects: the ZIP and place tables,
    Django) and wrote to every one, copying the master's memory page by page: on the bench's two
    busy cores, 0.6 to 7 s with the worker's threads stopped, the surge's p99.
    """
    import gc
    from pathlib import Path

    from django.apps import apps
    from django.conf import settings
    from django.template.loader import get_template
    from django.urls import get_resolver
    from django.utils import translation

    for app in apps.get_app_configs():
        if hasattr(app, "warm_up"):
            app.warm_up()
    # The site's own languages (a project without LANGUAGES, like the bench's bare ceiling,
    # would otherwise load Django's hundred catalogs).
    languages = settings.LANGUAGES if settings.is_overridden("LANGUAGES") else []
    for code in {settings.LANGUAGE_CODE, *(code for code, _name in languages)}:
        with translation.override(code):
            get_resolver().reverse_dict  # noqa: B018 (reading it builds it)
    for engine in settings.TEMPLATES:
        for folder in engine.get("DIRS", []):
            for template in Path(folder).rglob("*"):
                if template.suffix in (".html", ".txt"):
                    get_template(str(template.relative_to(folder)))
    gc.collect()
    gc.freeze()
