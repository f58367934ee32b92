"""
System checks for a deployment: certificates issued without a signing key carry no
credential until one is configured, so `check --deploy` says so before anyone is issued one.
"""

from django.core.checks import Error, Warning, register

from certification.credentials.keys import SigningKeyMissing, signing_key_configured


@register(deploy=True)
def signing_key_check(app_configs, **kwargs):
    try:
        signing_key_configured()
    except SigningKeyMissing as missing:
        text = str(missing)
        if "not an Ed25519 key" in text:
            return [Error(text, id="certification.E001")]
        return [
            Warning(
                "Certificates will be issued without a signed Open Badges credential: " + text,
                hint="manage.py credentials_key create",
                id="certification.W001",
            )
        ]
    return []
