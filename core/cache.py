"""The public pages' cache, keyed so that a change in one kabupaten leaves the others warm, and their validators.

`cached_page` stores a page under a key made of the global epoch, the version
of the region the page shows (its *scope*), the portal's current day, the
language and the full path (with its query string). A scope is a region code:
a kabupaten/kota ("62.02"), a province ("62") or the country (""). Each has its
own version in the shared cache:

- a kabupaten portal's pages are all of its one kabupaten;
- on a province or country portal, a kabupaten's pages (`/kabupaten/<code>/`,
  `/kecamatan/<code>/`, a KIM's page, `?kabupaten=<code>` on the directory
  and the yearly report) are that kabupaten's, and the roll-ups (`/`, `/kim/`,
  `/data/`) the portal region's.

A change to a model the apps above ask the cache to watch
(`invalidate_on_change`, with the lookup from the model to its kabupaten's
code) bumps the version of the kabupaten it belongs to (before and after a
save that moves it, on delete, and for both sides of a many-to-many link),
that kabupaten's province and the country: every other kabupaten's pages stay
hot. Where the kabupaten cannot be known (a region-table reload, a tier,
a relation cleared), the global epoch is bumped, which is part of every key:
`invalidate_pages()` still means "everything". Pages of an old version are
never served; they simply expire.

Which region a page shows is told by the view (`page_shows(request, code)`);
a view that says nothing shows the portal's whole region. The key must be
made before the view runs, so the cache guesses the scope from the request (a
region code in the URL, `?kabupaten=`, or what the view said for the same
address last time in this process, from a render or a hit) and keeps the
page only when the view showed nothing outside the guess: a wrong guess
costs a render, never a stale page. A hit costs one read of the shared cache (one MGET of the epoch
and the scope's version), or none while PAGE_CACHE_VERSION_SECONDS lets a
process trust the versions it read (its own changes count at once).
Works with any Django cache backend: locmem for one process, Redis
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
from collections.abc import Iterable
from functools import wraps

from django.conf import settings
from django.core.cache import cache, caches
from django.core.cache.backends.redis import RedisCache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete, pre_save
from django.dispatch import receiver
from django.http import HttpResponse
from django.utils import timezone, translation
from django.utils.cache import get_conditional_response
from django.utils.http import quote_etag

from core.models import DataRevision
from core.region import KABUPATEN_CODE, PortalRegion, portal_region

log = logging.getLogger(__name__)
EPOCH_KEY = VERSION_KEY = "kimportal:pages:version"  # the global epoch: part of every page's key
SCOPE_KEY = "kimportal:pages:version:{}"  # a region's version, by PortalRegion.file_code
CACHED_HEADERS = ("Content-Type", "Content-Language", "Content-Disposition", "Access-Control-Allow-Origin", "ETag")
EVERYTHING = None  # the scope of a change whose region is unknown: the epoch


# Pages this process served lately, by their full (versioned) key: a hit then
# costs one read of the versions from the shared cache, not of the page too.
LOCAL_PAGES: OrderedDict = OrderedDict()
LOCAL_PAGES_MAX = 256
# The region a view said it showed, by full path (for addresses that do not name it: /kim/<pk>/).
LEARNED_SCOPES: OrderedDict = OrderedDict()
LEARNED_SCOPES_MAX = 4096
_local_lock = threading.Lock()


def _fresh_version() -> int:
    """A random starting version: after the cache was emptied, no old key comes back to life."""
    return secrets.randbits(52)


def _scope_key(scope: str) -> str:
    return SCOPE_KEY.format(PortalRegion(scope).file_code)


def scopes_of(kabupaten_code: str) -> tuple[str, str, str]:
    """The scopes a change in kabupaten `kabupaten_code` makes stale: it, its province, the country."""
    return (kabupaten_code, kabupaten_code.split(".")[0], "")


def _redis_reader(backend):
    client = getattr(backend, "_kimportal_reader", None)
    if client is None:
        client = backend._kimportal_reader = backend._cache.get_client(write=False)
    return client


def _read_versions(keys: list[str]) -> list:
    """The values of `keys` from the shared cache; on Redis with one plain MGET (Django stores
    integers unpickled), which is three times cheaper than cache.get_many()."""
    backend = caches["default"]
    if isinstance(backend, RedisCache):
        raws = _redis_reader(backend).mget([backend.make_and_validate_key(k) for k in keys])
        return [None if raw is None else int(raw) for raw in raws]
    found = cache.get_many(keys)
    return [found.get(k) for k in keys]


# The versions this process read last, by scope: (epoch, scope version, when: time.monotonic()).
_known: dict[str, tuple[int, int, float]] = {}


def forget_local_state():
    """Forget the pages, versions and scopes this process keeps (tests start each one clean)."""
    with _local_lock:
        LOCAL_PAGES.clear()
        LEARNED_SCOPES.clear()
    _known.clear()


def data_version(scope: str = "") -> tuple[int, int]:
    """The global epoch and the version of region `scope`. With PAGE_CACHE_VERSION_SECONDS > 0 a
    process trusts what it read for that long (its own changes still count at once); with 0 it
    asks the shared cache on every request."""
    trust = settings.PAGE_CACHE_VERSION_SECONDS
    known = _known.get(scope)
    if trust and known is not None and time.monotonic() - known[2] < trust:
        return known[0], known[1]
    keys = [EPOCH_KEY, _scope_key(scope)]
    values = _read_versions(keys)
    if None in values:  # a fresh cache, or a key evicted
        for key, value in zip(keys, values, strict=True):
            if value is None:
                cache.add(key, _fresh_version(), timeout=None)
        values = _read_versions(keys)
    epoch, version = values
    _known[scope] = (epoch, version, time.monotonic())
    return epoch, version


def _bump(scopes=EVERYTHING):
    """Count up the versions of `scopes` (region codes), or the epoch for EVERYTHING, and
    forget what this process trusted of them."""
    if scopes is EVERYTHING:
        _known.clear()
        keys = [EPOCH_KEY]
    else:
        for scope in scopes:
            _known.pop(scope, None)
        keys = [_scope_key(scope) for scope in sorted(scopes)]
    backend = caches["default"]
    if isinstance(backend, RedisCache):
        with backend._cache.get_client(write=True).pipeline(transaction=False) as pipe:
            full = [backend.make_and_validate_key(key) for key in keys]
            for key in full:
                pipe.incr(key)
            counted = pipe.execute()
        for key, value in zip(full, counted, strict=True):
            if value == 1:  # the key was gone (evicted, or a fresh cache): start somewhere new
                backend._cache.get_client(write=True).set(key, _fresh_version())
        return
    for key in keys:
        try:
            cache.incr(key)
        except ValueError:  # the key is gone (evicted, or a fresh cache)
            cache.add(key, _fresh_version(), timeout=None)


def _revise():
    DataRevision.count_up()


class _BumpOnCommit:
    """The versions to count up when the transaction commits: one callback per savepoint, which
    the changes made under it add their scopes to."""

    def __init__(self):
        self.scopes: set[str] | None = set()  # None: everything

    def add(self, scopes):
        if scopes is EVERYTHING or self.scopes is None:
            self.scopes = None
        else:
            self.scopes.update(scopes)

    def __call__(self):
        _bump(self.scopes)


def _invalidate(scopes):
    """Make the pages of `scopes` (EVERYTHING: all) stale: now, and again when the transaction
    commits (so a page rendered from the old data in between is not kept); and count up the
    stored revision when it commits (once per transaction or savepoint)."""
    _bump(scopes)
    # Django's callbacks waiting for the commit, as (savepoints open then, function, robust): one
    # of each per savepoint, so a rolled-back savepoint takes only its own changes' along.
    connection = transaction.get_connection()
    if not connection.in_atomic_block:
        transaction.on_commit(_revise, robust=True)  # runs at once
        return
    here = set(connection.savepoint_ids)
    pending = [f for sids, f, _ in connection.run_on_commit if isinstance(f, _BumpOnCommit) and sids == here]
    if pending:
        pending[0].add(scopes)
    else:
        bump = _BumpOnCommit()
        bump.add(scopes)
        transaction.on_commit(bump)
    if not any(f is _revise and sids == here for sids, f, _ in connection.run_on_commit):
        transaction.on_commit(_revise, robust=True)


def invalidate_pages():
    """Make every cached page stale (the global epoch): for changes whose kabupaten is unknown
    or that touch many (a region reload, the bench's load, a shared tier)."""
    _invalidate(EVERYTHING)


def invalidate_kabupaten(codes: Iterable[str]):
    """Make the pages of the kabupaten/kota `codes` stale, with their provinces' and the
    country's roll-ups; every other kabupaten's pages stay hot. An empty or odd code: everything."""
    codes = set(codes)
    if not codes or not all(isinstance(c, str) and KABUPATEN_CODE.match(c) for c in codes):
        _invalidate(EVERYTHING)
        return
    _invalidate({scope for code in codes for scope in scopes_of(code)})


_SHOWN = "_kimportal_page_region"


def page_shows(request, region_code: str):
    """Tell the page cache that the page being made shows only region `region_code` (a
    kabupaten's code): it is then kept under that region's version. Without it, a page shows
    the portal's whole region."""
    setattr(request, _SHOWN, region_code)


def page_scope(request) -> str:
    """The region whose version keys the page at `request`, guessed before the view runs: a
    kabupaten portal's own; else the kabupaten the view named last time for this address, or
    one named by the address (a kabupaten or kecamatan code, ?kabupaten=); else the portal's
    region. `cached_page` keeps the page only if the view agrees."""
    region = portal_region()
    if region.is_kabupaten:
        return region.code
    learned = LEARNED_SCOPES.get(request.get_full_path())
    if learned is not None:
        return learned
    match = getattr(request, "resolver_match", None)
    code = (match.kwargs.get("code") if match else None) or request.GET.get("kabupaten") or ""
    code = str(code)[:5]
    return code if KABUPATEN_CODE.match(code) and region.contains(code) else region.code


def _within(shown: str, scope: str) -> bool:
    """Whether region `shown` lies in region `scope` (both codes; "" is the country)."""
    return not scope or shown == scope or shown.startswith(scope + ".")


def page_key(request, scope: str | None = None) -> str:
    """The page's key: the epoch and the version of region `scope` (default: `page_scope`), the
    day, the language and the full path."""
    scope = page_scope(request) if scope is None else scope
    epoch, version = data_version(scope)
    path = hashlib.sha256(request.get_full_path().encode()).hexdigest()[:32]
    return ":".join(
        [
            "kimportal:page",
            f"{epoch}.{PortalRegion(scope).file_code}.{version}",
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
            scope = page_scope(request)
            key = page_key(request, scope)
            hit = LOCAL_PAGES.get(key) or cache.get(key)
        except Exception:  # noqa: BLE001 - the cache server is away: serve the page uncached
            log.exception("Page cache unavailable")
            return view(request, *args, **kwargs)
        if hit is not None:
            status, headers, content, shown = hit
            if shown != scope:  # kept under a wider region than it shows: ask for the narrower next time
                _learn(request.get_full_path(), shown)
            response = HttpResponse(content, status=status)
            for name, value in headers:
                response[name] = value
            _remember(key, hit)
            response["X-Cache"] = "hit"
            return answer_conditionally(request, response)
        response = view(request, *args, **kwargs)
        if _cacheable_response(response):
            response["ETag"] = content_etag(response.content)
            shown = getattr(request, _SHOWN, portal_region().code)
            if _within(shown, scope):
                headers = [(h, response[h]) for h in CACHED_HEADERS if h in response]
                entry = (response.status_code, headers, response.content, shown)
                try:
                    cache.set(key, entry, settings.PAGE_CACHE_SECONDS)
                except Exception:  # noqa: BLE001
                    log.exception("Page cache unavailable")
                _remember(key, entry)
            if shown != scope:  # next time, key this address by what its view showed
                _learn(request.get_full_path(), shown)
            response["X-Cache"] = "miss"
        return answer_conditionally(request, response)

    return wrapper


def _remember(key, entry):
    with _local_lock:
        LOCAL_PAGES[key] = entry
        LOCAL_PAGES.move_to_end(key)
        while len(LOCAL_PAGES) > LOCAL_PAGES_MAX:
            LOCAL_PAGES.popitem(last=False)


def _learn(path, scope):
    with _local_lock:
        LEARNED_SCOPES[path] = scope
        LEARNED_SCOPES.move_to_end(path)
        while len(LEARNED_SCOPES) > LEARNED_SCOPES_MAX:
            LEARNED_SCOPES.popitem(last=False)


# The models whose changes the public pages show, by label ("registry.Kim"): the lookups from
# each to its kabupaten's code (none: a change to it may show anywhere).
WATCHED: dict[str, tuple[str, ...]] = {}
_BEFORE = "_kimportal_cache_scopes"  # on an instance: its kabupaten before a save or a delete


def invalidate_on_change(*models, kabupaten_code: str | Iterable[str] = ()):
    """Make cached pages stale whenever one of `models` is saved, deleted or relinked.

    `kabupaten_code`: the lookup(s) from the model to the code of the kabupaten whose pages show
    it (`"desa__kecamatan__kabupaten__code"`; several where it shows in more than one, e.g. an
    event on its KIM's pages too). Only that kabupaten's pages, its province's and the country's
    are made stale; without a lookup, every page. Apps call this from their AppConfig.ready():
    the cache knows no model itself.
    """
    lookups = (kabupaten_code,) if isinstance(kabupaten_code, str) else tuple(kabupaten_code)
    for model in models:
        WATCHED[model._meta.label] = lookups


def _watched(sender) -> bool:
    return sender._meta.label in WATCHED


def kabupaten_codes(model, pks) -> set[str] | None:
    """The kabupaten codes the rows `pks` of `model` show in (one query), or None when that
    cannot be known (the model names no lookup)."""
    lookups = WATCHED[model._meta.label]
    if not lookups:
        return None
    rows = model._base_manager.filter(pk__in=list(pks)).values_list(*lookups)
    return {code for row in rows for code in row if code is not None}


def _instance_codes(instance) -> set[str] | None:
    if instance.pk is None:
        return None
    return kabupaten_codes(type(instance), [instance.pk])


def _invalidate_codes(codes: set[str] | None):
    if codes is None:
        invalidate_pages()
    else:
        invalidate_kabupaten(codes)  # no code at all (the row is gone): everything


@receiver(pre_save)
@receiver(pre_delete)
def _model_changing(sender, instance, **kwargs):
    """Where the row showed before it changes: a save may move it to another kabupaten, and a
    deleted row can no longer be looked up afterwards."""
    if _watched(sender) and not (kwargs.get("raw") or instance._state.adding):
        instance.__dict__[_BEFORE] = _instance_codes(instance)


@receiver(post_save)
@receiver(post_delete)
def _model_changed(sender, instance, signal, **kwargs):
    if not _watched(sender):
        return
    if kwargs.get("raw"):  # loaddata (a restore): rows arrive in any order, the whole data changes
        invalidate_pages()
        return
    before = instance.__dict__.pop(_BEFORE, set())
    after = set() if signal is post_delete else _instance_codes(instance)
    _invalidate_codes(None if before is None or after is None else before | after)


@receiver(m2m_changed)
def _relation_changed(sender, action, instance, model, pk_set, **kwargs):
    if action not in ("post_add", "post_remove", "post_clear") or not (_watched(model) or _watched(type(instance))):
        return
    if action == "post_clear":  # the rows unlinked are not named: everything
        invalidate_pages()
        return
    codes: set[str] | None = set()
    for side, pks in ((type(instance), [instance.pk]), (model, pk_set or [])):
        if _watched(side) and codes is not None and pks:
            found = kabupaten_codes(side, pks)
            codes = None if found is None else codes | found
    _invalidate_codes(codes)
