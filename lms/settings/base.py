"""
Settings shared by every environment. Each knob that differs between deployments is read
from the environment (see README, "Configuration"); dev, test and production only change
what they must.
"""

from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

from .env import env_bool, env_int, env_list, env_str
from .storage import certificate_storage

BASE_DIR = Path(__file__).resolve().parent.parent.parent
# Local state (SQLite database, uploads, generated PDFs, collected static files) lives under
# var/ so a checkout stays clean and `make clean` can remove it in one go.
VAR_DIR = Path(env_str("VAR_DIR", str(BASE_DIR / "var")))

SECRET_KEY = env_str("SECRET_KEY", "")
DEBUG = False
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "lms",
    "cases",
    "certification",
    "wagtail.contrib.routable_page",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.api.v3",  # API tokens (Settings → API tokens) for the JSON endpoints
    "wagtail.embeds",
    "wagtail.sites",
    "lms.apps.AcademyUsersAppConfig",  # wagtail.users with our staff fields on the user forms
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_filters",
    # django-ninja's templates and static files: the API's documentation page works offline.
    "ninja",
    "django_ratelimit",
    "django_q",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "lms.middleware.ChineseFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "lms.middleware.RequestSizeLimitMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "lms.middleware.KeptSiteMiddleware",
    "lms.routing.KeptRouteMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
]

ROOT_URLCONF = "lms.urls"
WSGI_APPLICATION = "lms.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "lms.context_processors.academy",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------
# SQLite under var/ by default so a new user needs nothing running; PostgreSQL (psycopg 3)
# in production: DATABASE_URL=postgres://user:pass@host:5432/name
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'kefu.sqlite3'}"),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    # The web server and the queue cluster write to the same file: WAL lets readers run
    # beside a writer, IMMEDIATE transactions take the write lock up front instead of
    # failing half-way with "database is locked", and the timeout waits for a busy writer.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Caches ---------------------------------------------------------------------------
# "default" is seen by every process of every app server (permissions, public pages, rate
# limits, the queue clusters' status): Redis when REDIS_URL is set, otherwise a table in the
# database (created by migrate), so a limit counts across workers even without Redis.
# "local" is each worker's own memory, for answers read far more often than they change
# and allowed to be a few seconds old (see CERTIFICATE_VERIFY_LOCAL_SECONDS).
REDIS_URL = env_str("REDIS_URL")
if REDIS_URL:
    _SHARED_CACHE = {
        # Django's Redis cache, one client object a pool instead of one an operation.
        "BACKEND": "lms.caches.ReusedClientRedisCache",
        "LOCATION": REDIS_URL,
        # Two academies (or a test run beside a demo) may share one Redis.
        "KEY_PREFIX": env_str("CACHE_KEY_PREFIX", ""),
    }
else:
    _SHARED_CACHE = {
        "BACKEND": "lms.caches.AtomicIncrementDatabaseCache",
        "LOCATION": "academy_shared_cache",
    }
CACHES = {
    "default": _SHARED_CACHE,
    "local": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "academy-local",
        "OPTIONS": {"MAX_ENTRIES": 4096},
    },
}

# --- People, login, sessions ----------------------------------------------------------
AUTH_USER_MODEL = "lms.User"
# Django's ModelBackend with each person's permissions kept in the shared cache (lms/auth.py).
AUTHENTICATION_BACKENDS = ["lms.auth.CachedPermissionsBackend"]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "lms:dashboard"
LOGOUT_REDIRECT_URL = "login"
# Django's own sessions. With Redis, "cached_db" reads a session from the shared cache and
# writes it through to the database (one query less on every signed-in request); without
# Redis the shared cache is itself a table, so plain "db" is one query where cached_db
# would be two. Deactivating a person signs them out by the user row, not by their
# sessions: the auth backend refuses an inactive person on their next request.
SESSION_ENGINE = (
    "django.contrib.sessions.backends.cached_db"
    if REDIS_URL
    else "django.contrib.sessions.backends.db"
)
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 60 * 60 * 12)  # one working shift and a half

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- Language and time ----------------------------------------------------------------
LANGUAGE_CODE = env_str("LANGUAGE_CODE", "zh-hans")
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
# Our own catalogue first; then Wagtail admin strings its zh_Hans catalogue lacks (refreshed by
# `manage.py wagtail_missing_translations` after a Wagtail upgrade). Earlier paths win.
LOCALE_PATHS = [BASE_DIR / "lms" / "locale", BASE_DIR / "lms" / "locale_wagtail"]
TIME_ZONE = env_str("TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True
WAGTAILADMIN_PERMITTED_LANGUAGES = LANGUAGES
WAGTAIL_I18N_ENABLED = False

# --- Static and media files -----------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    # Certificate PDFs: a private folder, or an S3-compatible bucket (lms/settings/storage.py).
    "certificates": certificate_storage(env_str("PRIVATE_MEDIA_ROOT", str(VAR_DIR / "private"))),
}
# `make run` has no separate web server in front, so the app serves uploaded media itself.
SERVE_MEDIA = env_bool("SERVE_MEDIA", False)
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000

# --- E-mail ---------------------------------------------------------------------------
EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 10)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "客服学院 <academy@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Background jobs (django-q2) ------------------------------------------------------
# `retry` must stay well above `timeout`: a job still running when `retry` passes is handed
# to a second worker and runs twice. max_attempts bounds a job that keeps failing.
Q_CLUSTER = {
    # Also the queue's name in Redis: academies sharing one Redis need different names.
    "name": env_str("Q_NAME", "kefu"),
    "workers": env_int("Q_WORKERS", 2),
    "timeout": env_int("Q_TIMEOUT", 300),
    "retry": env_int("Q_RETRY", 900),
    "max_attempts": env_int("Q_MAX_ATTEMPTS", 3),
    "ack_failures": True,
    "save_limit": 2000,
    "catch_up": False,
    "cache": "default",
    "label": _("Background jobs"),
}
if REDIS_URL:
    Q_CLUSTER["redis"] = REDIS_URL
else:
    Q_CLUSTER["orm"] = "default"
    Q_CLUSTER["poll"] = 1

# --- Wagtail --------------------------------------------------------------------------
WAGTAIL_SITE_NAME = "客服学院 Kefu Academy"
WAGTAILADMIN_BASE_URL = env_str("SITE_URL", "http://127.0.0.1:8000")
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "lms.search.backend"}}
WAGTAILDOCS_EXTENSIONS = ["csv", "docx", "pdf", "pptx", "txt", "xlsx", "zip", "mp4"]
WAGTAILDOCS_MAX_UPLOAD_SIZE = 50 * 1024 * 1024
WAGTAIL_PASSWORD_RESET_ENABLED = True

# --- Logging --------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    # WeasyPrint logs seven progress lines per PDF at INFO: too loud for a queue worker; so
    # is pikepdf's line on loading (certificates are composed with it).
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        "weasyprint.progress": {"level": "WARNING"},
        "pikepdf": {"level": "WARNING"},
    },
}

# --- The academy ----------------------------------------------------------------------
ACADEMY_NAME = env_str("ACADEMY_NAME", "客服学院")
# `make bench` only: mounts lms/bench.py (/bench/bare/, /bench/signed-in/), the baselines the
# pages are measured against.
ACADEMY_BENCH = env_bool("ACADEMY_BENCH", False)
# How long a background job owns its row without renewing its claim (lms/leases.py): after
# that, a worker is presumed dead and the reconciler (every minute) hands the work on.
JOB_LEASE_SECONDS = env_int("JOB_LEASE_SECONDS", 120)
# How many times an interrupted staff import is resumed before it is shown as failed.
JOB_MAX_ATTEMPTS = env_int("JOB_MAX_ATTEMPTS", 3)
ACADEMY_STAFF_IMPORT_MAX_BYTES = 10 * 1024 * 1024
ACADEMY_STAFF_IMPORT_MAX_ROWS = 50_000
# Case library: the weekly target, when a new case week opens (cron, local time) and when
# a case counts as stale.
CASES_PER_WEEK_TARGET = env_int("CASES_PER_WEEK_TARGET", 5)
CASE_WEEK_OPENS_CRON = env_str("CASE_WEEK_OPENS_CRON", "0 9 * * 1")
CASE_STALE_AFTER_DAYS = env_int("CASE_STALE_AFTER_DAYS", 180)
ACADEMY_QUIZ_GRACE_SECONDS = env_int("QUIZ_GRACE_SECONDS", 30)
# Certification: how long a verification answer is cached, rate limit of the public
# verification page (requests per address per minute), when to warn of a lapse, and the
# bounds on rendering a certificate PDF.
CERTIFICATE_VERIFY_CACHE_SECONDS = env_int("CERTIFICATE_VERIFY_CACHE_SECONDS", 300)
CERTIFICATE_VERIFY_RATE_PER_MINUTE = env_int("CERTIFICATE_VERIFY_RATE_PER_MINUTE", 60)
# How long each web worker may keep a verification page it served (the "local" cache): a revocation
# shows in every worker within this many seconds, in the one that made it at once.
CERTIFICATE_VERIFY_LOCAL_SECONDS = env_int("CERTIFICATE_VERIFY_LOCAL_SECONDS", 10)
# How many reverse proxies stand in front of the app (each appends to X-Forwarded-For);
# 0 trusts REMOTE_ADDR. Rate limits count per visitor address found this way.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
# django-ratelimit: counts in the shared cache, per visitor address as found above.
RATELIMIT_USE_CACHE = "default"
RATELIMIT_IP_META_KEY = "lms.clients.client_address"
# django-ratelimit warns about any cache it has not listed. Both of ours increment
# atomically: Django's RedisCache with INCR, and lms.caches' database cache under a row
# lock (tests/lms/test_rate_limits.py counts across two processes).
SILENCED_SYSTEM_CHECKS = ["django_ratelimit.W001"]
CERTIFICATE_LAPSE_WARNING_DAYS = env_int("CERTIFICATE_LAPSE_WARNING_DAYS", 60)
CERTIFICATE_RENDER_TIMEOUT_SECONDS = env_int("CERTIFICATE_RENDER_TIMEOUT_SECONDS", 30)
CERTIFICATE_RENDER_MAX_ATTEMPTS = env_int("CERTIFICATE_RENDER_MAX_ATTEMPTS", 3)
CERTIFICATE_RENDER_RETRY_SECONDS = env_int("CERTIFICATE_RENDER_RETRY_SECONDS", 300)
# The compact certificate font built by `manage.py build_certificate_font` (`make install`).
# A build product of the checkout like .venv, not state, so it stays in var/ under the
# checkout whatever VAR_DIR says; certificates fall back to the system font without it.
CERTIFICATE_FONT_DIR = BASE_DIR / "var" / "fonts"
# The Ed25519 key that signs certificates' Open Badges credentials, never in the database:
# the secret as a multibase string ("z3u2…", `manage.py credentials_key create --print`) in
# CREDENTIALS_SIGNING_KEY, or else the file CREDENTIALS_SIGNING_KEY_FILE (created by
# `manage.py credentials_key create`; on a volume every app server and queue worker reads).
CREDENTIALS_SIGNING_KEY = env_str("CREDENTIALS_SIGNING_KEY", "")
CREDENTIALS_SIGNING_KEY_FILE = Path(
    env_str("CREDENTIALS_SIGNING_KEY_FILE", str(VAR_DIR / "credentials_signing_key"))
)
