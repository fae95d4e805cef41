"""Settings for the test run: the site's own settings, with the environment tests need by default.

Only environment defaults live here; every rule stays in config/settings.py.
"""

import os

os.environ.setdefault("SECRET_KEY", "test-secret-key-not-for-production-0123456789")
os.environ.setdefault("ALLOWED_HOSTS", "*")
os.environ.setdefault("SECURE_SSL_REDIRECT", "false")
os.environ.setdefault("SESSION_COOKIE_SECURE", "false")
os.environ.setdefault("BEHIND_PROXY", "false")
os.environ.setdefault("ADMIN_REQUIRE_MFA", "false")
os.environ.setdefault("SITE_URL", "http://testserver")
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
os.environ["TASKS_BACKEND"] = "django.tasks.backends.immediate.ImmediateBackend"
os.environ["CACHE_URL"] = "locmemcache://tests"
os.environ["RATELIMIT_CACHE_URL"] = "locmemcache://tests-ratelimit"

from config.settings import *  # noqa: E402, F403
from config.settings import STORAGES  # noqa: E402

# Tests read static files from the source folders (no collectstatic step before a test run).
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_AUTOREFRESH = True
