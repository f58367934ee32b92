"""
Production: secrets and hosts come from the environment and the app refuses to start
without a real SECRET_KEY. `manage.py check --deploy` is clean with these settings.

HTTPS=0 is only for serving plain HTTP on a trusted machine (`make run` on localhost);
behind a TLS-terminating proxy leave it on and set SECURE_PROXY_SSL_HEADER via
TRUST_X_FORWARDED_PROTO=1.
"""

import ipaddress
from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import ALLOWED_HOSTS, SECRET_KEY, WAGTAILADMIN_BASE_URL
from .env import env_bool, env_int

if not SECRET_KEY or len(SECRET_KEY) < 40 or SECRET_KEY.startswith(("dev-", "test-")):
    raise ImproperlyConfigured(
        "Set SECRET_KEY to a random value of at least 40 characters for production, e.g. "
        "python -c 'import secrets; print(secrets.token_urlsafe(50))'"
    )


def _reaches_only_this_machine(host: str) -> bool:
    """localhost, 127.x, ::1, or 0.0.0.0 (a listening address nobody can visit)."""
    host = host.strip("[]").lstrip(".").lower()
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    return address.is_loopback or address.is_unspecified


# SITE_URL is printed on every certificate (link and QR code) and frozen there for good, and
# it is in every e-mail: an academy that other machines reach must not hand out an address
# that only works on the server itself.
_site = urlsplit(WAGTAILADMIN_BASE_URL or "")
if _site.scheme not in ("http", "https") or not _site.hostname:
    raise ImproperlyConfigured(
        f"SITE_URL must be the academy's absolute address, e.g. https://academy.example.cn, "
        f"not {WAGTAILADMIN_BASE_URL!r}"
    )
_public_hosts = [host for host in ALLOWED_HOSTS if not _reaches_only_this_machine(host)]
if _reaches_only_this_machine(_site.hostname) and _public_hosts:
    _example = _public_hosts[0].lstrip(".*") or "academy.example.cn"
    raise ImproperlyConfigured(
        f"SITE_URL is {WAGTAILADMIN_BASE_URL}, an address that works only on this machine, "
        f"but ALLOWED_HOSTS lets people reach the academy as {', '.join(_public_hosts)}: "
        f"certificates would carry a verification link and QR code nobody else can open. "
        f"Set SITE_URL to the address people use, e.g. https://{_example}"
    )

DEBUG = False
HTTPS = env_bool("HTTPS", True)
SECURE_SSL_REDIRECT = HTTPS
# Load balancers probe over plain HTTP inside the network.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 60 * 60 * 24 * 365) if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"  # Wagtail marks its own preview views SAMEORIGIN
if env_bool("TRUST_X_FORWARDED_PROTO", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
