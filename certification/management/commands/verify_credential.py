"""
`manage.py verify_credential URL` (`make verify-credential URL=…`): fetch a credential
(e.g. a certificate's …/badge.json) and check it as an outside verifier would: the
eddsa-rdfc-2022 proof against the key in the issuer's published profile, the validity
dates and the status list. Exits 1 when the credential does not stand.
"""

import json
import urllib.request

from django.core.management.base import BaseCommand, CommandError

from certification.credentials.verifier import credential_verify

ACCEPT = "application/vc+ld+json, application/ld+json;q=0.9, application/json;q=0.8"


def http_fetch(url: str) -> dict:
    if not url.startswith(("https://", "http://")):
        raise CommandError(f"Not an HTTP address: {url}")
    request = urllib.request.Request(url, headers={"Accept": ACCEPT})  # noqa: S310 - checked above
    with urllib.request.urlopen(request, timeout=15) as response:  # noqa: S310
        return json.loads(response.read().decode("utf-8"))


class Command(BaseCommand):
    help = "Verify an Open Badges 3.0 credential from its URL, as an outside verifier would."

    def add_arguments(self, parser):
        parser.add_argument("url")

    def handle(self, *args, url, **options):
        verdict = credential_verify(http_fetch(url), http_fetch)
        for name, passed in verdict.checks:
            self.stdout.write(f"{'ok  ' if passed else 'FAIL'} {name}")
        for purpose, is_set in verdict.status.items():
            self.stdout.write(f"{'SET ' if is_set else 'ok  '} status {purpose}: {is_set}")
        if not verdict.valid:
            self.stdout.write("NOT VALID")
            raise SystemExit(1)
        self.stdout.write("VALID")
