"""The issuer's public keys, so every key that ever signed a credential stays published."""

from django.db import models
from django.utils import timezone


class IssuerKey(models.Model):
    """
    A public key (Ed25519 Multikey) that signed or may sign credentials. The secret half
    lives outside the database (certification.credentials.keys); this row is what keeps
    the public half in the issuer profile after the secret is rotated away, since
    credentials signed with it are still held and checked.
    """

    public_key_multibase = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    # When a newer key took over signing (the profile still lists this one).
    retired_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self):
        return self.public_key_multibase
