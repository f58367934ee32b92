"""
Serve the academy the way production does: gunicorn for the web (static files through
WhiteNoise) and a django-q2 cluster for background jobs, under supervisord
(deploy/supervisord.conf), which restarts either when it dies while the other keeps serving
and stops both on Ctrl-C. This command only says where the academy is and hands over.
"""

import os
import sys
from pathlib import Path
from urllib.parse import urlsplit

from django.conf import settings
from django.core.management.base import BaseCommand

DEMO_ACCOUNTS = ("admin", "trainer", "lead", "agent", "newhire")
SUPERVISORD_CONF = Path(settings.BASE_DIR) / "deploy" / "supervisord.conf"


class Command(BaseCommand):
    help = "Run gunicorn and the django-q2 cluster under supervisord (Ctrl-C stops both)."

    def add_arguments(self, parser):
        parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
        parser.add_argument("--port", default=os.environ.get("PORT", "8000"))
        parser.add_argument("--workers", default=os.environ.get("WEB_WORKERS", "2"))

    def handle(self, *args, host, port, workers, **options):
        run_dir = Path(settings.VAR_DIR) / "run"
        run_dir.mkdir(parents=True, exist_ok=True)
        environment = {
            **os.environ,
            "HOST": host,
            "PORT": str(port),
            "WEB_WORKERS": str(workers),
            "KEFU_PYTHON": sys.executable,
            "KEFU_ROOT": str(settings.BASE_DIR),
            "KEFU_RUN_DIR": str(run_dir),
        }
        self._say_where(host, port)
        self.stdout.flush()
        self.stderr.flush()
        os.execve(  # noqa: S606 - our own interpreter and config
            sys.executable,
            [sys.executable, "-m", "supervisor.supervisord", "-n", "-c", str(SUPERVISORD_CONF)],
            environment,
        )

    def _say_where(self, host, port):
        site_url = settings.WAGTAILADMIN_BASE_URL
        self.stdout.write(
            self.style.SUCCESS(f"\n  Kefu Academy 客服学院 is running at {site_url}\n")
        )
        self.stdout.write(
            "  Demo accounts (password Demo-2026): " + ", ".join(DEMO_ACCOUNTS) + "\n"
            "  Content admin: /cms/   Health: /healthz   Stop: Ctrl-C\n"
        )
        site = urlsplit(site_url)
        site_port = site.port or {"http": 80, "https": 443}.get(site.scheme)
        if site.hostname in ("127.0.0.1", "localhost", "::1") and str(site_port) != str(port):
            self.stderr.write(
                self.style.WARNING(
                    f"  SITE_URL is {site_url} but this server listens on port {port}: "
                    "certificates and e-mails will point there. Set SITE_URL to the address "
                    "people use (`make run` does it from HOST and PORT).\n"
                )
            )
        if host not in ("127.0.0.1", "localhost", "::1"):
            self.stderr.write(
                self.style.WARNING(
                    f"  Listening on {host}: other machines can reach this academy. The demo "
                    "accounts share a published password; change them (or run without the "
                    "demo data) before real people use it, and put it behind HTTPS.\n"
                )
            )
