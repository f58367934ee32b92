"""The certificate PDF tests see the certificate as deployed: with its compact font."""

import io
import threading
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.management import call_command

from certification import rendering
from certification.models import Certificate, LevelCode
from certification.rendering import (
    CERTIFICATE_FONT_FILE,
)
from tests.factories import certification as cert


@pytest.fixture(scope="session")
def compact_font() -> Path:
    """The compact certificate font, built into CERTIFICATE_FONT_DIR (as `make install` does;
    the command skips the work when it is already up to date)."""
    call_command("build_certificate_font", stdout=io.StringIO())
    return Path(django_settings.CERTIFICATE_FONT_DIR) / CERTIFICATE_FONT_FILE


@pytest.fixture(autouse=True)
def _compact_font_built(compact_font):
    # Every test here sees the certificate as deployed: with its compact font.
    assert compact_font.is_file()


@pytest.fixture
def fresh_font_config(monkeypatch):
    """A new thread-local FontConfiguration and image cache, as in a new worker: none of
    the fonts or images that earlier renders kept in this thread."""
    monkeypatch.setattr(rendering, "_fonts", threading.local())


@pytest.fixture
def issued(academy) -> Certificate:
    certificate = cert.certificate(
        academy.agent_a, cert.cycle(2026, 2), LevelCode.INTERMEDIATE, percent="92.5"
    )
    assert certificate.holder_name == "王芳"
    return certificate
