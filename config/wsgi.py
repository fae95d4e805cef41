"""WSGI entry point for gunicorn (see gunicorn.conf.py)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
application = get_wsgi_application()

# With preload_app, this runs once in gunicorn's master: the workers share the tables it builds.
from campaigns.geography import warm_up  # noqa: E402

warm_up()
