"""
Serve the academy the way production does: gunicorn for the web (static files through
WhiteNoise) and a django-q2 cluster for background jobs, stopped together on Ctrl-C.
"""

import os
import signal
import subprocess
import sys
import time

from django.core.management.base import BaseCommand

DEMO_ACCOUNTS = ("admin", "trainer", "lead", "agent", "newhire")


class Command(BaseCommand):
    help = "Run gunicorn and the django-q2 cluster side by side (Ctrl-C stops both)."

    def add_arguments(self, parser):
        parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
        parser.add_argument("--port", default=os.environ.get("PORT", "8000"))
        parser.add_argument("--workers", default=os.environ.get("WEB_WORKERS", "2"))

    def handle(self, *args, host, port, workers, **options):
        python = sys.executable
        web = [
            python, "-m", "gunicorn", "lms.wsgi:application",
            "--bind", f"{host}:{port}",
            "--workers", str(workers),
            "--threads", "4",
            "--access-logfile", "-",
            "--graceful-timeout", "10",
        ]  # fmt: skip
        queue = [python, "manage.py", "qcluster"]
        children = [
            subprocess.Popen(web, start_new_session=True),  # noqa: S603
            subprocess.Popen(queue, start_new_session=True),  # noqa: S603
        ]
        shown_host = "127.0.0.1" if host in ("0.0.0.0", "::") else host  # noqa: S104
        self.stdout.write(
            self.style.SUCCESS(
                f"\n  Kefu Academy 客服学院 is running at http://{shown_host}:{port}/\n"
            )
        )
        self.stdout.write(
            "  Demo accounts (password Demo-2026): " + ", ".join(DEMO_ACCOUNTS) + "\n"
            "  Content admin: /cms/   Health: /healthz   Stop: Ctrl-C\n"
        )

        if host not in ("127.0.0.1", "localhost", "::1"):
            self.stderr.write(
                self.style.WARNING(
                    f"  Listening on {host}: other machines can reach this academy. The demo "
                    "accounts share a published password; change them (or run without the "
                    "demo data) before real people use it, and put it behind HTTPS.\n"
                )
            )

        stopping = False

        def stop(signum, frame):
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGINT, stop)
        signal.signal(signal.SIGTERM, stop)
        try:
            while not stopping and all(child.poll() is None for child in children):
                time.sleep(0.5)
        finally:
            # Each parent shuts its own workers down in order; the process group is only
            # killed outright if it has not finished in time.
            for child in children:
                if child.poll() is None:
                    child.send_signal(signal.SIGTERM)
            deadline = time.monotonic() + 15
            for child in children:
                try:
                    child.wait(timeout=max(0.1, deadline - time.monotonic()))
                except subprocess.TimeoutExpired:
                    os.killpg(child.pid, signal.SIGKILL)
                    child.wait()
            self.stdout.write("Stopped web server and queue cluster.")
        failed = [child for child in children if child.returncode not in (0, -signal.SIGTERM)]
        if failed and not stopping:
            raise SystemExit(1)
