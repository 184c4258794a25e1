"""Settings for KIM Portal.

Every deployment-specific value is read from the environment (or a `.env`
file beside manage.py) through django-environ. `.env.example` lists them all.
"""

import re
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

# A development-only key: the app refuses to start with it unless DEBUG is on.
INSECURE_DEV_SECRET_KEY = "django-insecure-kimportal-development-only"

env = environ.Env()
environ.Env.read_env(env.str("ENV_FILE", default=str(BASE_DIR / ".env")))

DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env.str("SECRET_KEY", default=INSECURE_DEV_SECRET_KEY)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=0)
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # What PostgreSQL's planner counts for reading a page out of order. Its default, 4, models a
    # spinning disk and made it read all 50,000 KIM rather than fetch 746 by key for an admin
    # search (14 -> 4 ms, docs/benchmarks.md); 1.1 is what its manual suggests for SSDs, on
    # which any server of today keeps the database. A DATABASE_URL's own `?options=` comes after
    # this one, so it wins; PG_RANDOM_PAGE_COST=4 gives the planner its default back.
    _options = DATABASES["default"].setdefault("OPTIONS", {})
    _own = _options.get("options", "")
    _options["options"] = f"-c random_page_cost={env.float('PG_RANDOM_PAGE_COST', default=1.1)} {_own}".strip()
# The covering indexes (`include=`) serve PostgreSQL; SQLite builds them without the extra columns,
# which is all it needs. Its warning (W040) only alarmed newcomers running `migrate`.
SILENCED_SYSTEM_CHECKS = ["models.W040"]
CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://kimportal")}
# The region this portal serves, by its Kemendagri code: a kabupaten/kota (62.02),
# a province (62) or empty for the whole country. KABUPATEN_CODE is its deprecated
# old name (a kabupaten code), still read when PORTAL_REGION is not set.
PORTAL_REGION = env.str("PORTAL_REGION", default=env.str("KABUPATEN_CODE", default="62.02")).strip()
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(BASE_DIR / "staticfiles")))
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(BASE_DIR / "media")))
# Large uploads are spooled here, not in the system's temp folder: `sweep_photos` finds what a
# killed worker left (core/uploads.py). Never served, never under MEDIA_ROOT.
FILE_UPLOAD_TEMP_DIR = env.str("UPLOAD_TEMP_DIR", default=str(BASE_DIR / "uploads-tmp"))
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=False)
SESSION_COOKIE_SECURE = env.bool("SECURE_COOKIES", default=not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
LOG_LEVEL = env.str("LOG_LEVEL", default="INFO")
# Behind a TLS-terminating proxy that sets X-Forwarded-Proto (nginx).
BEHIND_TLS_PROXY = env.bool("SECURE_PROXY_SSL_HEADER", default=False)
# HSTS: one year in production (0 turns it off, e.g. before HTTPS works).
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)
CSP_REPORT_URI = env.str("CSP_REPORT_URI", default="")
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_HOURS", default=1.0)  # hours
TRUSTED_PROXY_COUNT = env.int("AXES_PROXY_COUNT", default=0)  # proxies in front (nginx: 1)
# Public pages are cached (core/cache.py) for this many seconds at most;
# any change to regions, KIM, pengurus or events invalidates them at once.
PAGE_CACHE_SECONDS = env.int("PAGE_CACHE_SECONDS", default=3600)
# Seconds a worker may trust the data version it read from the shared cache
# (0: ask Redis on every request; its own changes always count at once).
PAGE_CACHE_VERSION_SECONDS = env.float("PAGE_CACHE_VERSION_SECONDS", default=1)
# Notifications (core/notifications.py): the mail server in django-environ's form
# (smtp://127.0.0.1:25, smtp+tls://user:pass@host:587, smtps://...; empty: mail off, notifications
# are only recorded), the sender, the portal's address for the links in mails, how many times a
# recipient the server refuses (5xx) is tried, and how long to wait for the server.
EMAIL_URL = env.str("EMAIL_URL", default="")
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="KIM Portal <noreply@localhost>")
PORTAL_URL = env.str("PORTAL_URL", default="http://127.0.0.1:8000")
EMAIL_MAX_REFUSALS = env.int("EMAIL_MAX_REFUSALS", default=3)
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=30)
SERVER_EMAIL = DEFAULT_FROM_EMAIL
if EMAIL_URL:  # Django's own mail (error reports) goes the same way
    vars().update(env.email_url_config(EMAIL_URL))
else:
    EMAIL_BACKEND = "django.core.mail.backends.dummy.EmailBackend"

if PORTAL_REGION and not re.fullmatch(r"\d{2}(\.\d{2})?", PORTAL_REGION):
    raise ImproperlyConfigured(
        f"PORTAL_REGION={PORTAL_REGION!r} is not a region code: use a kabupaten/kota code (62.02), "
        "a province code (62) or leave it empty for the whole country."
    )

if not DEBUG and (not SECRET_KEY or SECRET_KEY == INSECURE_DEV_SECRET_KEY):
    raise ImproperlyConfigured(
        "SECRET_KEY is missing or is the development key. Set SECRET_KEY in the "
        "environment (or .env), or set DEBUG=1 for local development only."
    )

INSTALLED_APPS = [
    "core.apps.PortalAdminConfig",  # django.contrib.admin, with the portal's admin site
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sitemaps",  # sitemap.xml (kimportal/sitemaps.py)
    "django_filters",
    "simple_history",
    "axes",
    "import_export",
    # The portal's rooms; imports point one way: core <- registry <- coverage <- field, opendata.
    "core",
    "registry",
    "coverage",
    "field",
    "opendata",
    "kimportal",  # the demo data command
]

MIDDLEWARE = [
    "core.middleware.MicrocacheExpiryMiddleware",  # first: it sees the answer last (nginx's microcache)
    "django.middleware.security.SecurityMiddleware",
    "core.middleware.SecurityHeadersMiddleware",
    "core.middleware.DatabaseUnavailableMiddleware",
    "core.middleware.RejectHostileInputMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "core.compression.PublicGZipMiddleware",  # below whitenoise, above all that writes bodies (BREACH: see module)
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "field.middleware.FieldJsonErrorsMiddleware",  # JSON, never HTML, for the phones' queue
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",  # must be last
]

ROOT_URLCONF = "kimportal.urls"
WSGI_APPLICATION = "kimportal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "registry.context_processors.portal",
            ],
        },
    },
    {  # the long loops of a few pages, rendered through {% rows %} (core/jinja.py)
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "DIRS": [BASE_DIR / "templates" / "jinja2"],
        "APP_DIRS": False,
        "OPTIONS": {"environment": "core.jinja.environment"},
    },
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "id"
LANGUAGES = [("id", _("Bahasa Indonesia")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Jakarta"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "core.storage.StaticStorage"  # whitenoise's, with ES module imports hashed
        )
    },
}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
FORMS_URLFIELD_ASSUME_HTTPS = True  # Django 6 behaviour: a typed "kotim.go.id" means https
LOGIN_URL = "admin:login"
# Where a login lands when its ?next= is missing or points to another site.
LOGIN_REDIRECT_URL = "admin:index"

# Field officers' report photos (field/photos.py): how many per report and how large.
FIELD_PHOTOS_PER_REPORT = 3
FIELD_PHOTO_MAX_BYTES = 8 * 1024 * 1024

# Security headers, login lock-out and spreadsheet imports. The values that
# vary by deployment were read from the environment at the top of this file.
if BEHIND_TLS_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
# Content-Security-Policy sent by core.middleware.SecurityHeadersMiddleware:
# scripts only from our own origin, never inline. Inline *styles* stay allowed:
# the admin's select2 widgets and django-import-export's preview set style
# attributes, and a browser check showed them blocked (broken widths) without it.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
    + ([f"report-uri {CSP_REPORT_URI}"] if CSP_REPORT_URI else [])
)
# Requests carrying a NUL byte or absurdly long parameters get a 400 page.
MAX_QUERY_PARAM_LENGTH = 1000

# Login lock-out (django-axes). It listens to django.contrib.auth's
# user_login_failed signal, so every login built on authenticate() is covered:
# the admin's and any other (e.g. the field officers' under /petugas/).
AUTHENTICATION_BACKENDS = [
    "core.auth.LockoutBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Lock the pair (user name, address): an attacker cannot lock staff out from elsewhere.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False  # no banner on every manage.py command
AXES_LOCKOUT_TEMPLATE = "lockout.html"
# The address of a login attempt (core.auth.client_address): the socket's,
# or behind TRUSTED_PROXY_COUNT proxies that append to X-Forwarded-For (nginx in
# docs/deployment.md: 1) the one the outermost proxy saw. A forged header counts
# for nothing. (Not django-ipware: axes only uses it when installed, and then
# with its own reading of the header.)
AXES_CLIENT_IP_CALLABLE = "core.auth.client_address"

# Spreadsheet import/export in the admin (django-import-export): all or nothing.
IMPORT_EXPORT_USE_TRANSACTIONS = True
IMPORT_EXPORT_SKIP_ADMIN_LOG = False  # every imported row is a LogEntry in the admin history
IMPORT_EXPORT_IMPORT_PERMISSION_CODE = "add"  # import needs the right to add KIM
IMPORT_EXPORT_EXPORT_PERMISSION_CODE = "view"
# The uploaded file waits for confirmation in the cache for an hour, never in /tmp.
IMPORT_EXPORT_TMP_STORAGE_CLASS = "registry.resources.ImportPreviewStorage"
# What one import may hold, checked before the file is parsed (README, "Importing KIM"). Rows: a valid
# row costs ~16-19 ms to preview and again to confirm (measured, 500 and 2,000 rows), so 1,000 rows
# (~19 s) stay under gunicorn's 30 s timeout; the largest kabupaten has ~450 desa, and staff import
# their own kabupaten. Raise it with the timeout, or once rows are cheaper. A full 1,000-row list
# with all 21 columns is ~0.3 MB as CSV; 5 MB leaves room for long notes. Columns: the 21 the
# import reads and 9 of the office's own (no., keterangan...).
IMPORT_MAX_BYTES = 5 * 1024 * 1024
IMPORT_MAX_ROWS = 1000  # under the header
IMPORT_MAX_COLUMNS = 30

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
}

# KIM vitality (registry/vitality.py): a KIM with no activity entry and no held outreach
# event for this many months is quiet (vakum); whether quiet and SK-ended KIM still count
# for coverage. Contact details of Diskominfo shown on "Membentuk KIM di desa Anda".
KIM_QUIET_MONTHS = env.int("KIM_QUIET_MONTHS", default=6)
# How far ahead an outreach event may be planned (coverage.models.planning_horizon): a plan for
# 31 December 9999 was published as the next event. Two years cover any real work plan.
PLANNING_HORIZON_DAYS = env.int("PLANNING_HORIZON_DAYS", default=730)
KIM_QUIET_COUNTS = env.bool("KIM_QUIET_COUNTS", default=True)
KIM_SK_ENDED_COUNTS = env.bool("KIM_SK_ENDED_COUNTS", default=True)
# Citizens' wishes to form a KIM (/membentuk-kim/, coverage.models.Wish): their name and contact
# are erased after this many months (command erase_wish_contacts, run daily), the wish kept anonymous;
# one address may send at most WISH_RATE_LIMIT forms per WISH_RATE_SECONDS (counted in the cache, the
# address only as a keyed hash, never stored in the database or a log).
WISH_RETENTION_MONTHS = env.int("WISH_RETENTION_MONTHS", default=12)
WISH_RATE_LIMIT = env.int("WISH_RATE_LIMIT", default=5)
WISH_RATE_SECONDS = env.int("WISH_RATE_SECONDS", default=3600)
DISKOMINFO_CONTACT = {
    # Kotim's office by default only on Kotim's portal; elsewhere the page names the region's Diskominfo.
    "name": env.str(
        "DISKOMINFO_NAME",
        default="Dinas Komunikasi dan Informatika Kabupaten Kotawaringin Timur" if PORTAL_REGION == "62.02" else "",
    ),
    "address": env.str("DISKOMINFO_ADDRESS", default=""),
    "phone": env.str("DISKOMINFO_PHONE", default=""),
    "email": env.str("DISKOMINFO_EMAIL", default=""),
}
# Satu Data Indonesia (Perpres 39/2019): the open datasets' metadata by Peraturan BPS No. 5 Tahun
# 2020 (/data/<name>/ and /data/<name>/metadata.json) names who produces the data (produsen data),
# the walidata that checks and publishes it, how often it is renewed and what it covers. Empty
# produsen, walidata or cakupan: named from the portal's region (opendata.metadata).
SATU_DATA = {
    "produsen": env.str("SATU_DATA_PRODUSEN", default=""),
    "walidata": env.str("SATU_DATA_WALIDATA", default=""),
    "frekuensi": env.str("SATU_DATA_FREKUENSI", default="Harian: berkas dibuat dari data terkini setiap diunduh"),
    "cakupan": env.str("SATU_DATA_CAKUPAN", default=""),
}
