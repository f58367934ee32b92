"""
`manage.py credentials_key [show|create|rotate]`: the Ed25519 key that signs certificates'
Open Badges credentials. The secret goes to CREDENTIALS_SIGNING_KEY_FILE (owner-only) or,
with --print, to standard output for CREDENTIALS_SIGNING_KEY in the environment file;
never to the database. Its public half is recorded there, so the issuer profile keeps
every key that ever signed after a rotation.
"""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from certification.credentials.documents import issuer_url, verification_method_id
from certification.credentials.keys import (
    SigningKeyMissing,
    signing_key_configured,
    signing_key_file,
    signing_key_generate,
    signing_key_write,
)
from certification.models import IssuerKey
from certification.services import issuer_key_record


class Command(BaseCommand):
    help = "Show, create or rotate the key that signs certificates' credentials."

    def add_arguments(self, parser):
        parser.add_argument(
            "action", nargs="?", default="show", choices=["show", "create", "rotate"]
        )
        parser.add_argument(
            "--print",
            action="store_true",
            help="print the new secret (for CREDENTIALS_SIGNING_KEY) instead of writing the file",
        )
        parser.add_argument(
            "--if-missing",
            action="store_true",
            help="create: do nothing when a key is already configured",
        )

    def handle(self, *args, action, **options):
        if action == "show":
            return self._show()
        try:
            current = signing_key_configured()
        except SigningKeyMissing:
            current = None
        if action == "create" and current is not None:
            if options["if_missing"]:
                return None
            raise CommandError("A signing key is already configured: use `rotate` to replace it.")
        if action == "rotate" and current is None:
            raise CommandError("No signing key is configured yet: use `create`.")
        if settings.CREDENTIALS_SIGNING_KEY and not options["print"]:
            raise CommandError(
                "CREDENTIALS_SIGNING_KEY is set and wins over the key file: use --print and"
                " put the new key in the environment instead."
            )
        new = signing_key_generate()
        with transaction.atomic():
            if current is not None:
                # The old public key stays published: credentials it signed are still held.
                issuer_key_record(current)
            issuer_key_record(new)
        if options["print"]:
            self.stdout.write(f"CREDENTIALS_SIGNING_KEY={new.secret_multibase}")
            self.stderr.write(
                "Put this line in the environment file of every app server and queue worker,"
                " then restart them."
            )
        else:
            path = signing_key_file()
            signing_key_write(new, path)
            self.stdout.write(f"Wrote the signing key to {path} (readable by its owner only).")
        self.stdout.write(f"Signing with {verification_method_id(new.public_multibase)}")
        return None

    def _show(self):
        self.stdout.write(f"Issuer profile: {issuer_url()}")
        try:
            current = signing_key_configured().public_multibase
        except SigningKeyMissing as missing:
            current = None
            self.stdout.write(f"No signing key: {missing}")
        for key in IssuerKey.objects.all():
            state = "signing" if key.public_key_multibase == current else "retired, published"
            self.stdout.write(f"{key.public_key_multibase}  {state}")
        if current and not IssuerKey.objects.filter(public_key_multibase=current).exists():
            self.stdout.write(f"{current}  signing (recorded when it first signs)")
