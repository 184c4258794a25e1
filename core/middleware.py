"""Middleware of the house: security headers, a friendly 503 when the
database is away, and a 400 for input no page should ever see."""

import logging
import re
import time
from urllib.parse import unquote

from django.conf import settings
from django.db import DatabaseError, InterfaceError, OperationalError, connections
from django.shortcuts import render

log = logging.getLogger(__name__)


class SecurityHeadersMiddleware:
    """Content-Security-Policy on every response (Django 5.2 has none of its own).

    HSTS, X-Content-Type-Options, Referrer-Policy and Cross-Origin-Opener-Policy
    come from Django's SecurityMiddleware, X-Frame-Options from
    XFrameOptionsMiddleware; this adds what they do not.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.policy = settings.CONTENT_SECURITY_POLICY

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", self.policy)
        response.headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        return response


def _database_gone(exception) -> bool:
    return isinstance(exception, (OperationalError, InterfaceError)) or (
        isinstance(exception, DatabaseError) and "connection" in str(exception).lower()
    )


class DatabaseUnavailableMiddleware:
    """A friendly Indonesian 503 page instead of a traceback when the database is away.

    The broken connection is closed so the next request opens a new one: the
    portal recovers by itself when the database returns.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not _database_gone(exception):
            return None
        log.error("Database unavailable: %s", exception)
        for conn in connections.all(initialized_only=True):
            try:
                conn.close()
            except Exception:  # noqa: BLE001 - a dead connection may fail to close
                conn.connection = None
        response = render(request, "503.html", status=503)
        response["Retry-After"] = "30"
        return response


# A whole number beyond 64 bits: no id, count or phone number is that long, and
# databases fail on it (SQLite: OverflowError, PostgreSQL: out of range).
HUGE_NUMBER = re.compile(r"-?\d{19,}")


class RejectHostileInputMiddleware:
    """400 for a NUL byte, an absurdly long value or a number beyond 64 bits.

    PostgreSQL refuses NUL in text (Django would answer 500 from an admin
    search); the admin prefills add forms from query parameters and looks
    foreign keys up with them, so a 30-digit `?desa=` would reach the
    database; and no field of the portal needs a query parameter longer than
    MAX_QUERY_PARAM_LENGTH.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.limit = settings.MAX_QUERY_PARAM_LENGTH

    def __call__(self, request):
        if self._hostile(request):
            return render(request, "400.html", status=400)
        return self.get_response(request)

    def _hostile(self, request) -> bool:
        if "\x00" in request.path or "\x00" in unquote(request.META.get("QUERY_STRING", "")):
            return True
        if any(HUGE_NUMBER.fullmatch(part) for part in request.path.split("/")):
            return True
        values = [v for _, vs in request.GET.lists() for v in vs]
        return any(len(v) > self.limit or HUGE_NUMBER.fullmatch(v.strip()) for v in values)


class MicrocacheExpiryMiddleware:
    """Tell nginx's microcache (deploy/nginx/kimportal.conf) to keep a public page until the end of
    the current second, no longer: `X-Accel-Expires: @<this second>`.

    nginx counts whole seconds: with `proxy_cache_valid 200 1s` alone a page stored at 12:00:00.1
    is served until 12:00:02.0, so a change could take 2 s to show. With this header it is served
    until 12:00:01.0 at the latest, and a write shows through nginx within 1 s (`make cluster-check`).
    nginx takes X-Accel-Expires before Cache-Control, so the header goes only on what may be shared:
    an anonymous GET/HEAD answered 200 without a cookie and without Cache-Control private, no-cache
    or no-store. nginx does not pass the header on to browsers. First in MIDDLEWARE: it sees the
    answer last, cookies included.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        control = response.get("Cache-Control", "").lower()
        if (
            request.method in ("GET", "HEAD")
            and response.status_code == 200
            and settings.SESSION_COOKIE_NAME not in request.COOKIES
            and not response.cookies
            and not any(word in control for word in ("private", "no-cache", "no-store"))
        ):
            response["X-Accel-Expires"] = f"@{int(time.time())}"
        return response
