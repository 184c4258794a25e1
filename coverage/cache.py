"""The public pages' cache: one version number for everything they show.

`cached_page` stores a page under a key made of the data version, the
portal's current day, the language and the full path (with its query
string). Any change to regions, tiers, KIM, officers or outreach events bumps
the version, so no stale page is ever served; pages of the old version simply
expire. Works with any Django cache backend: locmem for one process, Redis
(CACHE_URL=redis://...) when several gunicorn workers must share it.
"""

import hashlib
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver
from django.http import HttpResponse
from django.utils import timezone, translation

VERSION_KEY = "kimportal:pages:version"
CACHED_HEADERS = ("Content-Type", "Content-Language", "Content-Disposition")


def data_version() -> int:
    version = cache.get(VERSION_KEY)
    if version is None:
        cache.add(VERSION_KEY, 1, timeout=None)
        version = cache.get(VERSION_KEY, 1)
    return version


def _bump():
    try:
        cache.incr(VERSION_KEY)
    except ValueError:  # the key is gone (evicted, or a fresh cache)
        cache.add(VERSION_KEY, 2, timeout=None)


def invalidate_pages():
    """Make every cached page stale: now, and again when the transaction commits
    (so a page rendered from the old data in between is not kept)."""
    _bump()
    transaction.on_commit(_bump)


def page_key(request) -> str:
    path = hashlib.sha256(request.get_full_path().encode()).hexdigest()[:32]
    return ":".join(
        [
            "kimportal:page",
            str(data_version()),
            timezone.localdate().isoformat(),
            translation.get_language() or "",
            path,
        ]
    )


def _cacheable_request(request) -> bool:
    # A visitor with a session (staff, field officers) may see a personal page.
    return request.method == "GET" and settings.SESSION_COOKIE_NAME not in request.COOKIES


def _cacheable_response(response) -> bool:
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and "private" not in response.get("Cache-Control", "")
    )


def cached_page(view):
    """Serve `view` from the cache for anonymous GET requests (see module doc)."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not _cacheable_request(request):
            return view(request, *args, **kwargs)
        key = page_key(request)
        hit = cache.get(key)
        if hit is not None:
            status, headers, content = hit
            response = HttpResponse(content, status=status)
            for name, value in headers:
                response[name] = value
            response["X-Cache"] = "hit"
            return response
        response = view(request, *args, **kwargs)
        if _cacheable_response(response):
            headers = [(h, response[h]) for h in CACHED_HEADERS if h in response]
            cache.set(key, (response.status_code, headers, response.content), settings.PAGE_CACHE_SECONDS)
            response["X-Cache"] = "miss"
        return response

    return wrapper


WATCHED = {"registry": ["Kabupaten", "Kecamatan", "Desa", "Tier", "Kim", "Officer"], "coverage": ["OutreachEvent"]}


def _watched(sender) -> bool:
    return sender._meta.object_name in WATCHED.get(sender._meta.app_label, ())


@receiver(post_save)
@receiver(post_delete)
def _model_changed(sender, **kwargs):
    if _watched(sender):
        invalidate_pages()


@receiver(m2m_changed)
def _relation_changed(sender, action, instance, model, **kwargs):
    if action.startswith("post_") and (_watched(model) or _watched(type(instance))):
        invalidate_pages()
