"""Conditional downloads: `ETag` and `Last-Modified` for every dataset file, and
`304 Not Modified` to a harvester that already holds it, without building the file.

The validators come from what the datasets read: the newest change of the
kabupaten's KIM and outreach events (their `updated_at` and their history,
which also records deletions), the number of rows, the stored data revision
(`core.models.DataRevision`, counted up after every committed change to regions,
tiers, KIM and events made through the ORM), the day the file describes, the
query string and the columns. A change to any of them gives another ETag, and
all of them live in the database: every worker and every server gives the same.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, time
from functools import wraps

from django.db.models import Count, Max
from django.http import HttpResponse
from django.utils import timezone, translation
from django.utils.cache import get_conditional_response, patch_vary_headers
from django.utils.http import http_date, quote_etag

from core.forms import DayForm
from core.models import DataRevision
from core.region import portal_region
from coverage.models import OutreachEvent
from registry.models import Kabupaten, Kim

from .datasets import DATASETS, Dataset

# Formats whose bytes depend on the language (the XLSX column sheet is translated).
TRANSLATED_FORMATS = {"xlsx"}


@dataclass(frozen=True)
class Validators:
    etag: str  # quoted, strong
    last_modified: datetime


def _changes(queryset, history) -> tuple[datetime | None, int, datetime | None]:
    """(newest updated_at, row count, newest history entry) of one table."""
    row = queryset.aggregate(at=Max("updated_at"), n=Count("pk"))
    return row["at"], row["n"], history.aggregate(at=Max("history_date"))["at"]


def data_changes(kabupaten: Kabupaten | None) -> dict[str, tuple]:
    """What changed last in the tables the datasets read (four queries); None: the portal's region."""
    if kabupaten is None:
        region = Kabupaten.objects.in_portal()
        kims, events = (
            Kim.objects.filter(desa__kecamatan__kabupaten__in=region),
            OutreachEvent.objects.filter(kecamatan__kabupaten__in=region),
        )
    else:
        kims, events = Kim.objects.in_kabupaten(kabupaten), OutreachEvent.objects.in_kabupaten(kabupaten)
    return {
        "kim": _changes(kims, Kim.history.model.objects.all()),
        "events": _changes(events, OutreachEvent.history.model.objects.all()),
    }


def _day_of(dataset: Dataset, request):
    """The day the file describes, or None when `tanggal` is invalid (the view answers 400)."""
    if not dataset.takes_day:
        return timezone.localdate()  # the KIM directory's `active` column is today's
    form = DayForm(request.GET)
    return form.cleaned_data["tanggal"] if form.is_valid() else None


def download_validators(request, kabupaten: Kabupaten, dataset: Dataset, fmt: str) -> Validators | None:
    on = _day_of(dataset, request)
    if on is None:
        return None
    changes = data_changes(kabupaten)
    stamps = [at for table in changes.values() for at in (table[0], table[2]) if at]
    # A file about a day is new at the start of that day at the latest (a KIM's end date may pass).
    stamps.append(timezone.make_aware(datetime.combine(on, time.min)))
    last_modified = min(max(stamps), timezone.now())
    parts = [
        dataset.slug,
        fmt,
        translation.get_language() if fmt in TRANSLATED_FORMATS else "",
        ",".join(dataset.column_names),
        on.isoformat(),
        kabupaten.code if kabupaten else f"region:{portal_region().code}",
        sorted(request.GET.lists()),
        changes,
        DataRevision.current(),
    ]
    digest = hashlib.sha256(repr(parts).encode()).hexdigest()[:32]
    return Validators(etag=quote_etag(digest), last_modified=last_modified)


def conditional_download(view):
    """Answer `view(request, kabupaten, slug, fmt)` with ETag and Last-Modified, or with 304."""

    @wraps(view)
    def wrapper(request, kabupaten, slug, fmt, **kwargs):
        dataset = DATASETS.get(slug)
        validators = download_validators(request, kabupaten, dataset, fmt) if dataset else None
        if validators is None:
            return view(request, kabupaten, slug, fmt, **kwargs)
        last_modified = int(validators.last_modified.timestamp())
        response = get_conditional_response(request, etag=validators.etag, last_modified=last_modified)
        if response is None:
            response = view(request, kabupaten, slug, fmt, **kwargs)
        if response.status_code in (200, 304):
            response["ETag"] = validators.etag
            response["Last-Modified"] = http_date(last_modified)
            response["Cache-Control"] = "public, no-cache"  # keep it, but ask before using it
            if fmt in TRANSLATED_FORMATS:
                patch_vary_headers(response, ["Accept-Language", "Cookie"])
        return response

    return wrapper


def conditional_document(request, body: str, content_type: str) -> HttpResponse:
    """A small document built whole (the data package's descriptor): its ETag is the digest of its
    bytes, so a harvester holding the same bytes gets 304, on every worker alike."""
    etag = quote_etag(hashlib.sha256(body.encode()).hexdigest()[:32])
    response = get_conditional_response(request, etag=etag) or HttpResponse(body, content_type=content_type)
    response["ETag"] = etag
    response["Cache-Control"] = "public, no-cache"
    response["Access-Control-Allow-Origin"] = "*"
    return response
