"""A per-address limit for public forms, counted in the cache (shared by the workers on Redis).

The address itself is never stored: the cache key holds a keyed hash of it (HMAC with the secret
key), which expires with its window; nothing goes to the database or a log line.
"""

import hashlib
import hmac

from django.conf import settings
from django.core.cache import cache

from .auth import client_address


def _key(scope: str, address: str) -> str:
    digest = hmac.new(settings.SECRET_KEY.encode(), f"{scope}\x1f{address}".encode(), hashlib.sha256)
    return f"kimportal:rate:{scope}:{digest.hexdigest()[:32]}"


def over_limit(request, *, scope: str, limit: int, seconds: int) -> bool:
    """Count one more request of this address for `scope`; True once it made more than `limit`
    within `seconds` (a fixed window starting with its first request)."""
    key = _key(scope, client_address(request) or "")
    if cache.add(key, 1, timeout=seconds):
        return limit < 1
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=seconds)
        count = 1
    return count > limit
