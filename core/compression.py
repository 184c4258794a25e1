"""gzip for what the public reads, never for pages that hold a secret (BREACH).

BREACH recovers a secret from a compressed HTTPS page that also reflects what
the attacker sends (a search term, a form value), by watching the size. So only
responses that hold no secret are compressed: requests without a session cookie
(anonymous visitors: no CSRF token, nothing personal) and responses that set no
cookie. The admin and the field officers' pages, signed in, go out as they are.
Django's GZipMiddleware adds its own random padding on top (Heal-The-Breach).

Compressed: HTML, CSS, JavaScript, JSON, CSV, SVG, the DCAT catalogue; never
what is compressed already (XLSX is a zip, photos, whitenoise's .gz files).

Django weakens the ETag of what it compresses (W/"..."), and compares ETags
weakly, so the compressed file's ETag gets a 304 too; that 304 names the
compressed file as the client holds it (its weak ETag, `Vary: Accept-Encoding`).
"""

from django.conf import settings
from django.middleware.gzip import GZipMiddleware
from django.utils.cache import patch_vary_headers

COMPRESSIBLE = (
    "text/",
    "application/json",
    "application/ld+json",
    "application/javascript",
    "application/manifest+json",
    "image/svg+xml",
)


def _as_held(request, response):
    """A 304 to a holder of the compressed file, with the weak ETag it holds."""
    etag = response.get("ETag", "")
    if etag.startswith('"') and f"W/{etag}" in request.headers.get("If-None-Match", ""):
        response["ETag"] = f"W/{etag}"
        patch_vary_headers(response, ("Accept-Encoding",))
    return response


class PublicGZipMiddleware(GZipMiddleware):
    def process_response(self, request, response):
        if response.status_code == 304:
            return _as_held(request, response)
        if settings.SESSION_COOKIE_NAME in request.COOKIES or settings.CSRF_COOKIE_NAME in request.COOKIES:
            return response
        if response.cookies or not response.get("Content-Type", "").startswith(COMPRESSIBLE):
            return response
        return super().process_response(request, response)
