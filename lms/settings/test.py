"""The test suite: fast hashing, in-memory e-mail, background jobs run inline."""

from .base import *  # noqa: F403
from .base import LOGGING, Q_CLUSTER, STORAGES

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
