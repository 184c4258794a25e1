"""The public pages' cache (one version number for everything they show), and their validators.

`cached_page` stores a page under a key made of the data version, the
portal's current day, the language and the full path (with its query
string). Any change to a model the apps above ask it to watch (regions,
tiers, KIM, pengurus, outreach events: `invalidate_on_change`) bumps the
version, so no stale page is ever served; pages of the old version simply
expire. Works with any Django cache backend: locmem for one process, Redis
(CACHE_URL=redis://...) when several gunicorn workers must share it.

Validators come from the data, never from a process: a page's ETag is a hash of
its bytes (kept with the cached page, so a hit costs no hashing), and every change
also counts up the stored `DataRevision` once its transaction commits, which the
open data's ETags hold. So every worker and every server answers the same ETag
for the same page and 304 to whoever holds it.
"""

import hashlib
import logging
import secrets
import threading
import time
from collections import OrderedDict
from functools import wraps

from django.conf import settings
from django.core.cache import cache, caches
from django.core.cache.backends.redis import RedisCache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver
from django.http import HttpResponse
from django.utils import timezone, translation
from django.utils.cache import get_conditional_response
from django.utils.http import quote_etag

from core.models import DataRevision

log = logging.getLogger(__name__)
VERSION_KEY = "kimportal:pages:version"
CACHED_HEADERS = ("Content-Type", "Content-Language", "Content-Disposition", "Access-Control-Allow-Origin", "ETag")


# Pages this process served lately, by their full (versioned) key: a hit then
# costs one read of the version from the shared cache, not of the page too.
LOCAL_PAGES: OrderedDict = OrderedDict()
LOCAL_PAGES_MAX = 256
_local_lock = threading.Lock()


def _fresh_version() -> int:
    """A random starting version: after the cache was emptied, no old key comes back to life."""
    return secrets.randbits(52)


def _read_version():
    """The version from the shared cache; on Redis with one plain GET (Django
    stores integers unpickled), which is three times cheaper than cache.get()."""
    backend = caches["default"]
    if isinstance(backend, RedisCache):
        client = getattr(backend, "_kimportal_reader", None)
        if client is None:
            client = backend._kimportal_reader = backend._cache.get_client(write=False)
        raw = client.get(backend.make_and_validate_key(VERSION_KEY))
        return None if raw is None else int(raw)
    return cache.get(VERSION_KEY)


# The version this process read last, and when (time.monotonic()).
_known = {"version": None, "read_at": 0.0}


def data_version() -> int:
    """The current data version. With PAGE_CACHE_VERSION_SECONDS > 0 a process
    trusts the version it read for that long (its own changes still count at
    once); with 0, the default, it asks the shared cache on every request."""
    trust = settings.PAGE_CACHE_VERSION_SECONDS
    if trust and _known["version"] is not None and time.monotonic() - _known["read_at"] < trust:
        return _known["version"]
    version = _read_version()
    if version is None:
        cache.add(VERSION_KEY, _fresh_version(), timeout=None)
        version = cache.get(VERSION_KEY)
    _known.update(version=version, read_at=time.monotonic())
    return version


def _bump():
    _known["version"] = None
    try:
        cache.incr(VERSION_KEY)
    except ValueError:  # the key is gone (evicted, or a fresh cache)
        cache.add(VERSION_KEY, _fresh_version(), timeout=None)


def _revise():
    DataRevision.count_up()


def invalidate_pages():
    """Make every cached page stale: now, and again when the transaction commits
    (so a page rendered from the old data in between is not kept); and count up
    the stored revision when it commits (once per transaction or savepoint)."""
    _bump()
    transaction.on_commit(_bump)
    # Django's callbacks waiting for the commit, as (savepoints open then, function, robust): one
    # revision per savepoint, so a rolled-back savepoint takes only its own changes' revision along.
    connection = transaction.get_connection()
    here = set(connection.savepoint_ids)
    if not any(f is _revise and sids == here for sids, f, _ in connection.run_on_commit):
        transaction.on_commit(_revise, robust=True)


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


def content_etag(content: bytes) -> str:
    """A strong ETag made of a page's bytes: the same from every worker and server for the same page."""
    return quote_etag(hashlib.sha256(content).hexdigest()[:32])


def answer_conditionally(request, response):
    """`response` with its ETag, or 304 Not Modified to a visitor who holds that page already.
    Only anonymous GETs of a whole page: a signed-in visitor's pages carry no validator."""
    if not (_cacheable_request(request) and _cacheable_response(response)):
        return response
    if not response.has_header("ETag"):
        response["ETag"] = content_etag(response.content)
    return get_conditional_response(request, etag=response["ETag"], response=response)


def conditional_page(view):
    """ETag and 304 for a page that is not cached (the sitemap): the page is made, then hashed."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        if _cacheable_request(request) and hasattr(response, "render"):
            response.render()  # a TemplateResponse's bytes
        return answer_conditionally(request, response)

    return wrapper


def cached_page(view):
    """Serve `view` from the cache for anonymous GET requests, with an ETag (see module doc)."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not _cacheable_request(request):
            return view(request, *args, **kwargs)
        try:
            key = page_key(request)
            hit = LOCAL_PAGES.get(key) or cache.get(key)
        except Exception:  # noqa: BLE001 - the cache server is away: serve the page uncached
            log.exception("Page cache unavailable")
            return view(request, *args, **kwargs)
        if hit is not None:
            status, headers, content = hit
            response = HttpResponse(content, status=status)
            for name, value in headers:
                response[name] = value
            _remember(key, hit)
            response["X-Cache"] = "hit"
            return answer_conditionally(request, response)
        response = view(request, *args, **kwargs)
        if _cacheable_response(response):
            response["ETag"] = content_etag(response.content)
            headers = [(h, response[h]) for h in CACHED_HEADERS if h in response]
            entry = (response.status_code, headers, response.content)
            try:
                cache.set(key, entry, settings.PAGE_CACHE_SECONDS)
            except Exception:  # noqa: BLE001
                log.exception("Page cache unavailable")
            _remember(key, entry)
            response["X-Cache"] = "miss"
        return answer_conditionally(request, response)

    return wrapper


def _remember(key, entry):
    with _local_lock:
        LOCAL_PAGES[key] = entry
        LOCAL_PAGES.move_to_end(key)
        while len(LOCAL_PAGES) > LOCAL_PAGES_MAX:
            LOCAL_PAGES.popitem(last=False)


# Labels ("registry.Kim") of the models whose changes the public pages show.
WATCHED: set[str] = set()


def invalidate_on_change(*models):
    """Make cached pages stale whenever one of `models` is saved, deleted or relinked.

    Apps call this from their AppConfig.ready(): the cache knows no model itself.
    """
    WATCHED.update(model._meta.label for model in models)


def _watched(sender) -> bool:
    return sender._meta.label in WATCHED


@receiver(post_save)
@receiver(post_delete)
def _model_changed(sender, **kwargs):
    if _watched(sender):
        invalidate_pages()


@receiver(m2m_changed)
def _relation_changed(sender, action, instance, model, **kwargs):
    if action.startswith("post_") and (_watched(model) or _watched(type(instance))):
        invalidate_pages()
