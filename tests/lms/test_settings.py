"""Deployment settings that protect production."""

import json
import os
import secrets
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]


def test_a_job_is_never_retried_while_it_may_still_be_running():
    """django-q2 hands a job to another worker after `retry` seconds: it must exceed the
    time limit by a wide margin or long jobs (bulk certificates) run twice."""
    q = settings.Q_CLUSTER
    assert q["retry"] >= 2 * q["timeout"]
    assert 1 <= q["max_attempts"] <= 10


def _manage(*args, **env):
    # A fresh process as a deployment would start it, without the test run's overrides.
    dropped = {"DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    environment = {k: v for k, v in os.environ.items() if k not in dropped}
    environment.update(env)
    return subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_production_settings_pass_the_deploy_check_with_a_real_secret():
    result = _manage(
        "check", "--deploy", "--fail-level", "WARNING",
        DJANGO_SETTINGS_MODULE="lms.settings.production",
        SECRET_KEY=secrets.token_urlsafe(50),
        CREDENTIALS_SIGNING_KEY=settings.CREDENTIALS_SIGNING_KEY,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.parametrize(("key", "code"), [("", "W001"), ("z3u2notakey", "E001")])
def test_the_deploy_check_names_a_missing_or_broken_credentials_signing_key(key, code, tmp_path):
    result = _manage(
        "check", "--deploy", "--fail-level", "WARNING",
        DJANGO_SETTINGS_MODULE="lms.settings.production",
        SECRET_KEY=secrets.token_urlsafe(50),
        CREDENTIALS_SIGNING_KEY=key,
        CREDENTIALS_SIGNING_KEY_FILE=str(tmp_path / "none"),
    )  # fmt: skip
    assert result.returncode != 0
    assert f"certification.{code}" in result.stdout + result.stderr


@pytest.mark.parametrize("secret", ["", "short", "dev-only-insecure-key-never-used-in-production"])
def test_production_refuses_to_start_without_a_real_secret(secret):
    result = _manage("check", DJANGO_SETTINGS_MODULE="lms.settings.production", SECRET_KEY=secret)
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_chinese_and_shanghai_time_are_the_defaults():
    assert settings.LANGUAGE_CODE == "zh-hans"
    assert settings.TIME_ZONE == "Asia/Shanghai"


@pytest.mark.parametrize(
    "site_url", ["http://127.0.0.1:8000", "http://localhost:9000/", "http://0.0.0.0:8000"]
)
def test_production_refuses_a_loopback_site_url_when_other_machines_reach_the_academy(site_url):
    result = _manage(
        "check",
        DJANGO_SETTINGS_MODULE="lms.settings.production",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="academy.example.cn,127.0.0.1",
        SITE_URL=site_url,
    )
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "SITE_URL" in result.stderr and "academy.example.cn" in result.stderr


@pytest.mark.parametrize(
    ("allowed_hosts", "site_url"),
    [
        ("academy.example.cn", "https://academy.example.cn"),
        ("127.0.0.1,localhost", "http://127.0.0.1:8377"),  # `make run` on this machine only
        ("127.0.0.1,localhost,0.0.0.0", "http://127.0.0.1:8377"),
    ],
)
def test_production_starts_with_a_site_url_people_can_reach(allowed_hosts, site_url):
    result = _manage(
        "check",
        DJANGO_SETTINGS_MODULE="lms.settings.production",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS=allowed_hosts,
        SITE_URL=site_url,
    )
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_a_site_url_that_is_not_an_address():
    result = _manage(
        "check",
        DJANGO_SETTINGS_MODULE="lms.settings.production",
        SECRET_KEY=secrets.token_urlsafe(50),
        SITE_URL="academy.example.cn",
    )
    assert result.returncode != 0
    assert "SITE_URL must be the academy's absolute address" in result.stderr


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
def test_make_run_tells_the_academy_the_address_it_serves(tmp_path):
    """Certificates print SITE_URL: `PORT=8377 make run` must not leave it at port 8000."""
    environment = {k: v for k, v in os.environ.items() if k not in ("SITE_URL", "PORT", "HOST")}
    planned = subprocess.run(
        ["make", "-n", "run", "HOST=127.0.0.1", "PORT=8377"],  # noqa: S607
        cwd=ROOT, env=environment, capture_output=True, text=True, timeout=60, check=True,
    ).stdout  # fmt: skip
    (serve,) = [line for line in planned.splitlines() if "manage.py serve" in line]
    assert 'SITE_URL="http://127.0.0.1:8377"' in serve
    assert "--port 8377" in serve
    seeding = [line for line in planned.splitlines() if "manage.py seed_demo" in line]
    assert seeding and 'SITE_URL="http://127.0.0.1:8377"' in seeding[0]


_SHOW_CERTIFICATE_STORAGE = """
import json
from django.conf import settings
from django.core.files.storage import storages
storage = storages["certificates"]
print(json.dumps({
    "entry": settings.STORAGES["certificates"],
    "class": type(storage).__name__,
    "bucket": getattr(storage, "bucket_name", None),
    "endpoint": getattr(storage, "endpoint_url", None),
    "location": getattr(storage, "location", None),
}))
"""


def test_certificate_storage_is_an_s3_bucket_when_the_environment_says_so():
    result = _manage(
        "shell", "-c", _SHOW_CERTIFICATE_STORAGE,
        DJANGO_SETTINGS_MODULE="lms.settings.production",
        SECRET_KEY=secrets.token_urlsafe(50),
        CERTIFICATE_STORAGE="s3",
        CERTIFICATE_S3_BUCKET="kefu-certificates",
        CERTIFICATE_S3_ENDPOINT_URL="http://minio.internal:9000",
        CERTIFICATE_S3_REGION="cn-east-1",
        CERTIFICATE_S3_ADDRESSING_STYLE="path",
        CERTIFICATE_S3_ACCESS_KEY_ID="academy",
        CERTIFICATE_S3_SECRET_ACCESS_KEY="not-a-real-secret",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    shown = json.loads(result.stdout.strip().splitlines()[-1])
    assert shown["entry"] == {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": "kefu-certificates",
            "location": "certificates-private",
            "default_acl": None,
            "querystring_auth": True,
            "file_overwrite": False,
            "endpoint_url": "http://minio.internal:9000",
            "region_name": "cn-east-1",
            "addressing_style": "path",
            "access_key": "academy",
            "secret_key": "not-a-real-secret",
        },
    }
    # django-storages accepts every option (it refuses unknown ones) and points at the bucket.
    assert shown["class"] == "S3Storage"
    assert (shown["bucket"], shown["endpoint"]) == (
        "kefu-certificates",
        "http://minio.internal:9000",
    )
    assert shown["location"] == "certificates-private"


def test_certificate_storage_is_the_private_folder_by_default(tmp_path):
    result = _manage(
        "shell", "-c", _SHOW_CERTIFICATE_STORAGE,
        DJANGO_SETTINGS_MODULE="lms.settings.production",
        SECRET_KEY=secrets.token_urlsafe(50),
        PRIVATE_MEDIA_ROOT=str(tmp_path / "shared" / "private"),
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    shown = json.loads(result.stdout.strip().splitlines()[-1])
    assert shown["entry"] == {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(tmp_path / "shared" / "private"), "base_url": None},
    }
    assert shown["class"] == "FileSystemStorage"


@pytest.mark.parametrize(
    ("environment", "message"),
    [
        ({"CERTIFICATE_STORAGE": "s3"}, "CERTIFICATE_S3_BUCKET"),
        ({"CERTIFICATE_STORAGE": "ftp"}, "CERTIFICATE_STORAGE must be"),
    ],
)
def test_an_incomplete_certificate_storage_setting_refuses_to_start(environment, message):
    result = _manage(
        "check", DJANGO_SETTINGS_MODULE="lms.settings.production",
        SECRET_KEY=secrets.token_urlsafe(50), **environment,
    )  # fmt: skip
    assert result.returncode != 0
    assert message in result.stderr
