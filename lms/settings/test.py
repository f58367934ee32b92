"""The test suite: fast hashing, in-memory e-mail, background jobs run inline."""

import os

from .base import *  # noqa: F403
from .base import DATABASES, LOGGING, Q_CLUSTER, STORAGES, VAR_DIR

SECRET_KEY = "test-only-key-not-secret-000000000000000000000000000000000"
DEBUG = False
ALLOWED_HOSTS = ["*"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Tasks queued with async_task run in-process, so a test sees their effect at once.
Q_CLUSTER = {**Q_CLUSTER, "sync": True}
WAGTAILADMIN_BASE_URL = "http://testserver"
# Certificates' credentials are signed with this published test key (an Ed25519 secret).
CREDENTIALS_SIGNING_KEY = "z3u2RFeveGMc3hwSGJgU9gMfPvhkNFTGXnPGqdeTuNWrgRqh"
# Serve static files straight from the source folders, no collectstatic needed.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True

LOGGING = {
    **LOGGING,
    "loggers": {
        **LOGGING["loggers"],
        "django_tasks": {"level": "WARNING"},
        "wagtail": {"level": "WARNING"},
    },
}

# SQLite's test database is a file, not memory, so tests that start real processes (a queue
# cluster killed mid-job, two app servers sharing a rate limit) open the same database. One
# file per test run (removed at its end), so two runs in one checkout never share it.
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / f"test-database-{os.getpid()}.sqlite3")}
