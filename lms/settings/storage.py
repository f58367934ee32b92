"""
Where certificate PDFs are kept. Every app server serves them and every queue cluster
writes them, so with several machines the storage must be shared: a folder on a volume all
of them mount (the default, PRIVATE_MEDIA_ROOT), or an S3-compatible bucket (MinIO, Aliyun
OSS, Tencent COS, AWS S3) through django-storages with CERTIFICATE_STORAGE=s3.
"""

from django.core.exceptions import ImproperlyConfigured

from .env import env_str


def certificate_storage(private_media_root: str) -> dict:
    """The STORAGES["certificates"] entry the environment asks for."""
    kind = (env_str("CERTIFICATE_STORAGE", "filesystem") or "filesystem").strip().lower()
    if kind == "filesystem":
        # Never published under MEDIA_URL: every download goes through a view that checks
        # scope and revocation.
        return {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": private_media_root, "base_url": None},
        }
    if kind != "s3":
        raise ImproperlyConfigured(
            f"CERTIFICATE_STORAGE must be 'filesystem' or 's3', not {kind!r}"
        )
    bucket = env_str("CERTIFICATE_S3_BUCKET")
    if not bucket:
        raise ImproperlyConfigured("CERTIFICATE_STORAGE=s3 needs CERTIFICATE_S3_BUCKET")
    options = {
        "bucket_name": bucket,
        "location": env_str("CERTIFICATE_S3_PREFIX", "certificates-private"),
        # Private objects: the bucket is never read directly, only through our views.
        "default_acl": None,
        "querystring_auth": True,
        # A certificate's file is written once; a second render must not replace it.
        "file_overwrite": False,
    }
    optional = {
        "endpoint_url": "CERTIFICATE_S3_ENDPOINT_URL",  # anything but AWS itself
        "region_name": "CERTIFICATE_S3_REGION",
        "addressing_style": "CERTIFICATE_S3_ADDRESSING_STYLE",  # "path" for MinIO
        # Without these, boto3's own chain applies (AWS_ACCESS_KEY_ID, an instance role).
        "access_key": "CERTIFICATE_S3_ACCESS_KEY_ID",
        "secret_key": "CERTIFICATE_S3_SECRET_ACCESS_KEY",
    }
    for option, variable in optional.items():
        value = env_str(variable)
        if value:
            options[option] = value
    return {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": options}
