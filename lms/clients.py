"""Who is asking: the visitor's address, as far as the academy's proxies let us know it."""

from django.conf import settings


def client_address(request) -> str:
    """
    The visitor's address. Behind TRUSTED_PROXY_COUNT reverse proxies it is that many
    entries from the right of X-Forwarded-For (the part a visitor cannot forge); without
    proxies REMOTE_ADDR, since a visitor can write X-Forwarded-For to be anything. Rate
    limits (django-ratelimit's "ip" key, RATELIMIT_IP_META_KEY) count by this address.
    """
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies:
        hops = [h.strip() for h in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        hops = [h for h in hops if h]
        if len(hops) >= proxies:
            return hops[-proxies]
    return request.META.get("REMOTE_ADDR", "")
