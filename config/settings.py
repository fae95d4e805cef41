"""Every setting of the site, each read from the environment (see .env.example)."""

from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=False)

# A generated key is only acceptable on a developer's machine: production refuses to start without one.
SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set it in the environment (see .env.example); "
            "only DEBUG=true runs with a generated development key."
        )
    _dev_key = BASE_DIR / ".dev-secret-key"
    if not _dev_key.exists():
        from django.core.management.utils import get_random_secret_key

        _dev_key.write_text(get_random_secret_key())
    SECRET_KEY = _dev_key.read_text().strip()

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "accounts",
    "campaigns",
    "petitions",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "crispy_forms",
    "crispy_bootstrap5",
    "import_export",
    "django_tasks_db",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Django's, with the policy built once (config/middleware.py).
    "config.middleware.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "config.middleware.SecurityHeadersMiddleware",
    # Reads only the language cookie and Accept-Language: a first visit asking for Spanish at
    # an English address is sent to "/es/…" before any stored English page could answer it.
    "config.language.PreferredLanguageMiddleware",
    # An anonymous GET for a public page is answered here from the shared cache: nothing below
    # (session, language, CSRF, auth, messages, account) runs for it (config/caching.py).
    "config.caching.SharedPageCacheMiddleware",
    # Django's session and messages middleware, idle when a request has no use for them
    # (config/middleware.py).
    "config.middleware.SessionMiddleware",
    # The path's language, and only that (in place of Django's LocaleMiddleware).
    "config.language.PathLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "config.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    # A session with a signing table open reaches only the table (petitions/lockdown.py).
    "petitions.lockdown.SigningTableLockMiddleware",
    "config.middleware.DatabaseUnavailableMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "config.context_processors.site",
            ],
        },
    },
]

# SQLite by default so a newcomer needs no server; PostgreSQL in production and CI.
DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = 20


def ratelimit_cache_url(cache_url: str) -> str:
    """The rate-limit cache's default: the next database of the same Redis, or its own locmem."""
    parts = urlsplit(cache_url)
    if not parts.scheme.startswith("redis"):
        return f"{cache_url}-ratelimit"
    db = parts.path.strip("/")
    following = (int(db) + 1) % 16 if db.isdigit() else 1
    return urlunsplit(parts._replace(path=f"/{following}"))


# Local memory by default; Redis in production (shared by every app server). Rate-limit counters
# have a cache of their own: a flood of cached pages must never evict them. Where eviction is on
# (maxmemory), give RATELIMIT_CACHE_URL a Redis instance of its own: eviction spans databases.
_CACHE_URL = env.str("CACHE_URL", default="locmemcache://end287g")
CACHES = {
    "default": env.cache_url_config(_CACHE_URL),
    "ratelimit": env.cache_url("RATELIMIT_CACHE_URL", default=ratelimit_cache_url(_CACHE_URL)),
}
for _cache in CACHES.values():
    if _cache["BACKEND"] == "django.core.cache.backends.redis.RedisCache":
        _cache["BACKEND"] = "config.cache.RedisCache"  # same backend, one client reused

# Sessions in the database (shared by every app server), read through the cache.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "campaigns:my_campaigns"

# allauth: email is the login; verification is mandatory before a claim completes.
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_EMAIL_VERIFICATION_BY_CODE_ENABLED = False
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_SESSION_REMEMBER = None
# allauth's rate limits key on the site's daily hashed client address (accounts/adapter.py).
ACCOUNT_ADAPTER = "accounts.adapter.AccountAdapter"
# Bots fill every field: a filled "website" gets the usual "check your email" page, no account.
ACCOUNT_SIGNUP_FORM_HONEYPOT_FIELD = "website"
ACCOUNT_FORMS = {"signup": "accounts.forms.SignupForm"}
# "login_failed": its "/key" counts an email AND a connection (accounts/adapter.py), so wrong
# passwords typed elsewhere never lock the real person out; "/ip" stops one connection guessing.
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    "login_failed": "10/m/ip,5/5m/key",
    "signup": "10/m/ip",
    "confirm_email": "1/3m/key",
    "reset_password": "20/m/ip,5/m/key",
    "reset_password_from_key": "20/m/ip",
}
# A leader's phone handed to a signer, or a laptop left open: adding or changing an email, setting
# a password and two-factor (set up or removed) ask for the password again (changing the password
# asks for the current one), and the account's address is told of each change.
ACCOUNT_REAUTHENTICATION_REQUIRED = True
ACCOUNT_REAUTHENTICATION_TIMEOUT = 300
ACCOUNT_EMAIL_NOTIFICATIONS = True
MFA_REAUTHENTICATION_REQUIRED = True
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_ADAPTER = "accounts.adapter.MFAAdapter"
# Encrypts staff's TOTP secrets and recovery-code seeds in the database (accounts.adapter). Kept
# outside the database so a stolen dump holds no usable second factor. The default derives from
# SECRET_KEY: set it on its own before ever rotating SECRET_KEY, or staff lose their second factor.
MFA_ENCRYPTION_KEY = env.str("MFA_ENCRYPTION_KEY", default="") or ("mfa-encryption:" + SECRET_KEY)
MFA_TOTP_ISSUER = "End 287(g)"

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("es", _("Spanish"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
# US Spanish numbers, times and dates (config/formats/es/formats.py).
FORMAT_MODULE_PATH = ["config.formats"]
TIME_ZONE = "America/New_York"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(BASE_DIR / "media")))
STORAGES = {
    # Uploads (delivery photos, sheet photos) are private: never served by a public URL.
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# Photos of sheets carry handwritten names: only the site's own user reads them or lists their folders.
FILE_UPLOAD_PERMISSIONS = 0o600
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o700
DATA_UPLOAD_MAX_MEMORY_SIZE = 12 * 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = 2000

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Email: django-environ still speaks EMAIL_*, Django 6.1 wants MAILERS.
_email = env.email_url("EMAIL_URL", default="consolemail://")
if _email["EMAIL_BACKEND"] == "django.core.mail.backends.console.EmailBackend":
    _email["EMAIL_BACKEND"] = "config.mail.ConsoleBackend"  # links printed whole, clickable
MAILERS = {
    "default": {
        "BACKEND": _email["EMAIL_BACKEND"],
        "OPTIONS": {
            k: v
            for k, v in {
                "host": _email.get("EMAIL_HOST"),
                "port": _email.get("EMAIL_PORT"),
                "username": _email.get("EMAIL_HOST_USER"),
                "password": _email.get("EMAIL_HOST_PASSWORD"),
                "use_tls": _email.get("EMAIL_USE_TLS"),
                "use_ssl": _email.get("EMAIL_USE_SSL"),
                "timeout": 10,
            }.items()
            if v not in (None, "") and _email["EMAIL_BACKEND"].endswith("smtp.EmailBackend")
        },
    }
}
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="End 287(g) <no-reply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
STAFF_NOTIFY_EMAILS = env.list("STAFF_NOTIFY_EMAILS", default=[])
# The address every absolute link in an email starts with.
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")
# allauth builds its links (confirm, reset) from the request's host; "https" forces that scheme,
# so it follows SITE_URL's: plain http under `make run`, https wherever SITE_URL says so.
ACCOUNT_DEFAULT_HTTP_PROTOCOL = env.str(
    "ACCOUNT_DEFAULT_HTTP_PROTOCOL", default=urlsplit(SITE_URL).scheme or "https"
)
# Account emails' subjects start with the site's name, not the request's host and port.
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[End 287(g)] "

# Background work: immediate in development and tests, a database worker in production.
TASKS = {
    "default": {
        "BACKEND": env.str(
            "TASKS_BACKEND", default="django.tasks.backends.immediate.ImmediateBackend"
        ),
    }
}

# Security. Behind a TLS-terminating proxy, trust its X-Forwarded-Proto only when told to.
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https") if env.bool("BEHIND_PROXY", default=not DEBUG) else None
)
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=not DEBUG)
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_SECURE = SESSION_COOKIE_SECURE
LANGUAGE_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600
X_FRAME_OPTIONS = "DENY"
# Our own origin only: no CDN, no web font, no analytics. Our templates hold no inline script
# or style (static/js/): a page anyone may get is served from the shared cache, where a nonce
# would be one visitor's. Django adds the nonce only to a page that reads it (the admin's), and
# such a page is never stored (config/caching.py).
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
}
PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), "
    "microphone=(), payment=(), usb=(), interest-cohort=()"
)

# Where admin lives (a less obvious path cuts noise from scanners) and whether staff need 2FA.
ADMIN_URL = env.str("ADMIN_URL", default="admin/").strip("/") + "/"
ADMIN_REQUIRE_MFA = env.bool("ADMIN_REQUIRE_MFA", default=not DEBUG)

# Rate limits key on a keyed hash of the client address, never the address itself.
# Behind a proxy, the client address comes only from this header, counted from its right: the
# entries our own TRUSTED_PROXY_HOPS proxies appended (config/ratelimit.py).
CLIENT_IP_HEADER = env.str("CLIENT_IP_HEADER", default="")
TRUSTED_PROXY_HOPS = env.int("TRUSTED_PROXY_HOPS", default=1)
RATELIMIT_USE_CACHE = "ratelimit"
RATELIMIT_VIEW = "config.views.rate_limited"
# Online signatures a minute from one address to one campaign: a rally on one network fits.
SIGN_RATE_PER_MINUTE = env.int("SIGN_RATE_PER_MINUTE", default=60)

# Campaign rules the organization configures.
SIGNATURE_GOAL = env.int("SIGNATURE_GOAL", default=200)
MILESTONES = (50, 100, 200)
CONFIRMATION_LINK_MAX_AGE = timedelta(days=env.int("CONFIRMATION_LINK_DAYS", default=7))
CLAIM_TRAINING_DEADLINE = timedelta(days=env.int("CLAIM_TRAINING_DAYS", default=14))
# Claims that succeed from one connection (hashed client address) per day: one person with many
# accounts cannot take every campaign in an afternoon. Each account also has its own limit.
CLAIMS_PER_ADDRESS_PER_DAY = env.int("CLAIMS_PER_ADDRESS_PER_DAY", default=3)
COUNT_CACHE_SECONDS = env.int("COUNT_CACHE_SECONDS", default=5)
PUBLIC_CACHE_SECONDS = env.int("PUBLIC_CACHE_SECONDS", default=10)
# Rendered public pages kept in the shared cache (config/caching.py): on with Redis; off with
# local memory (development, tests), where each process would keep and show its own copy.
PAGE_CACHE_SECONDS = env.int(
    "PAGE_CACHE_SECONDS",
    default=0 if "locmem" in CACHES["default"]["BACKEND"].lower() else PUBLIC_CACHE_SECONDS,
)
PURGE_AFTER_DAYS = env.int("PURGE_AFTER_DAYS", default=90)
# The key of the keyed hash that stands for a signer's mailbox (Signature.email_key): a stolen
# database alone cannot test addresses against it. The default derives from SECRET_KEY: set it on its
# own before ever rotating SECRET_KEY, or every mailbox could sign each campaign once more.
SIGNATURE_KEY_SECRET = env.str("SIGNATURE_KEY_SECRET", default="") or (
    "signature-key:" + SECRET_KEY
)
# A signing table (the leader's phone taking in-person signatures) closes by itself after this.
SIGNING_TABLE_MINUTES = env.int("SIGNING_TABLE_MINUTES", default=120)
# At most one email to a signer's address per campaign in this many minutes, however often
# someone signs with it (a stranger cannot flood an inbox through the sign form).
SIGNING_EMAIL_COOLDOWN_MINUTES = env.int("SIGNING_EMAIL_COOLDOWN_MINUTES", default=10)
# A leader who finished the training and delivered a petition sends updates to signers without
# waiting for staff review (staff still see every update and can stop one).
UPDATES_TRUSTED_LEADERS_SKIP_APPROVAL = env.bool(
    "UPDATES_TRUSTED_LEADERS_SKIP_APPROVAL", default=False
)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "filters": {"redact_link_tokens": {"()": "config.log_filters.RedactLinkTokens"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["redact_link_tokens"],
        }
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        # Request lines carry paths with tokens and client addresses: keep them out of the logs.
        "django.request": {"level": "ERROR"},
        "django.server": {"level": "WARNING"},
        # Its DEBUG lines (a variable missing in a template) print the whole template context.
        "django.template": {"level": "INFO"},
    },
}
