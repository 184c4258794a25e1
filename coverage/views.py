from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Count, Window
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.cache import page_shows
from core.forms import requested_day
from core.links import reverse_arg
from core.ratelimit import over_limit
from core.region import PortalRegion, RegionKind, portal_region
from registry.decorators import portal_required
from registry.models import Desa, Kabupaten, Kecamatan, Kim

from . import charts, maps
from . import report as report_module
from .forms import WishForm
from .models import OutreachEvent, Wish
from .queries import Stage, desa_coverage, kecamatan_coverage, monthly_progress
from .rollup import region_coverage
from .targets import desa_target_progress, kecamatan_target_progress
from .templatetags.stages import stage_class


@portal_required
def dashboard(request, kabupaten):
    """A kabupaten portal's dashboard; on a province or country portal, the region's roll-up."""
    if kabupaten is None:
        return _region_dashboard(request)
    return _kabupaten_dashboard(request, kabupaten)


def kabupaten_dashboard(request, code):
    """/kabupaten/<code>/: the dashboard of any kabupaten/kota of the portal's region."""
    kabupaten = get_object_or_404(Kabupaten.objects.in_portal(), code=code)
    return _kabupaten_dashboard(request, kabupaten)


def province_dashboard(request, code):
    """/provinsi/<code>/ on a country portal: the province's roll-up, one row per kabupaten/kota,
    which the country's map and table link to (the country's `/` lists only the provinces)."""
    region = PortalRegion(code[:2])
    if portal_region().kind is not RegionKind.COUNTRY or code != region.code or not code.isascii():
        raise Http404(_("Provinsi tidak ditemukan."))
    if not Kabupaten.objects.in_region(region).exists():  # "62" when loaded; "6x" never is
        raise Http404(_("Provinsi tidak ditemukan."))
    return _region_dashboard(request, region)


def _region_dashboard(request, region=None):
    """The roll-up of `region`: the portal's own (on `/`), or one province of a country portal."""
    form, on = requested_day(request)
    region = region or portal_region()
    coverage = region_coverage(region=region, on=on)
    is_country = region.kind is RegionKind.COUNTRY
    svg, areas = _region_map(coverage.areas, region=region, links=True)
    context = {
        "coverage": coverage,
        "form": form,
        "today": timezone.localdate(),
        "map": svg,
        "map_areas": areas,
        "wide_map": is_country,
        "map_links": True,
        "in_country": region != portal_region(),  # a province's page on a country portal
    }
    return render(request, "coverage/region_dashboard.html", context, status=400 if form.errors else 200)


def _region_map(rows, *, region, links: bool):
    """The region's map (provinces of the country, or kabupaten/kota of a province) and its areas
    coloured by the share of kecamatan covered; `rows` have code, name, kecamatan_covered/_total.
    With `links`, each area leads to its own page: a province's roll-up, a kabupaten's dashboard."""
    is_country = region.kind is RegionKind.COUNTRY
    svg = maps.province_map() if is_country else maps.kabupaten_map(region.code)
    page = "coverage:province-dashboard" if is_country else "coverage:kabupaten-dashboard"
    areas = [
        maps.MapArea(
            shape=svg.shapes[a.code],
            # The label: "Katingan", "Kota Palangkaraya"; none for 38 provinces, too many to read.
            name="" if is_country else a.name.removeprefix("Kabupaten "),
            css_class=_coverage_class(a),
            label=_("%(name)s: %(covered)d dari %(total)d kecamatan ber-KIM")
            % {"name": a.name, "covered": a.kecamatan_covered, "total": a.kecamatan_total},
            url=reverse(page, args=[a.code]) if links else None,
        )
        for a in rows
        if svg and a.code in svg.shapes
    ]
    return svg, areas


def _coverage_class(area) -> str:
    """The map colour of a kabupaten or province: by its share of kecamatan with an active KIM."""
    if not area.kecamatan_covered:
        return "stage-0"
    return f"stage-{min(4, 1 + int(area.percentage // 25))}"


def _kabupaten_dashboard(request, kabupaten):
    page_shows(request, kabupaten.code)
    form, on = requested_day(request)
    coverage = kecamatan_coverage(kabupaten=kabupaten, on=on)
    progress = monthly_progress(kabupaten=kabupaten, on=on, coverage=coverage)
    svg = maps.kecamatan_map(kabupaten.code)
    urls = {k.code: reverse_arg("coverage:kecamatan-detail", k.code) for k in coverage.kecamatan}
    areas = [
        maps.MapArea(
            shape=svg.shapes[k.code],
            name=k.name,
            css_class=stage_class(k.stage),
            label=f"{k.name}: {k.stage_label}",
            url=urls[k.code],
        )
        for k in coverage.kecamatan
        if svg and k.code in svg.shapes
    ]
    context = {
        "coverage": coverage,
        # Uncovered first, each with its page's address (reversed once for the map, both lists).
        "kecamatan_rows": [(k, urls[k.code]) for k in coverage.by_stage],
        "form": form,
        "today": timezone.localdate(),
        "stages": Stage,
        "map": svg,
        "map_areas": areas,
        "chart": charts.progress_chart(progress, kecamatan_total=coverage.total),
        "progress": progress,
        "in_region": not portal_region().is_kabupaten,
        "desa_target": desa_target_progress(kabupaten=kabupaten, on=on),
    }
    return render(request, "coverage/dashboard.html", context, status=400 if form.errors else 200)


# A kecamatan page lists at most this many of its past and of its planned events.
EVENTS_SHOWN = 50


@portal_required
def kecamatan_detail(request, kabupaten, code):
    in_portal = {"kabupaten": kabupaten} if kabupaten else {"kabupaten__in": Kabupaten.objects.in_portal()}
    kecamatan = get_object_or_404(Kecamatan.objects.select_related("kabupaten"), code=code, **in_portal)
    kabupaten = kecamatan.kabupaten
    page_shows(request, kabupaten.code)
    form, on = requested_day(request)
    (row,) = kecamatan_coverage(kabupaten=kabupaten, on=on, only=kecamatan).kecamatan
    # Without a KIM first; the page shows no KIM's vitality.
    desa = sorted(desa_coverage(kecamatan=kecamatan, on=on, vitality=False), key=lambda d: d.covered)
    svg = maps.desa_map(code)
    areas = [
        maps.MapArea(
            shape=svg.shapes[d.code],
            name=d.name,
            css_class="has-kim" if d.covered else "no-kim",
            label=_desa_label(d),
            url=None if d.covered else f"{reverse('coverage:forming-kim')}?desa={d.code}#minat",
        )
        for d in desa
        if svg and d.code in svg.shapes
    ]
    events = OutreachEvent.objects.public().filter(kecamatan=kecamatan).select_related("desa")
    # The first planned, each carrying how many are planned in all (a window: one query however many).
    planned = events.planned().annotate(planned_total=Window(Count("pk"))).order_by("starts_at", "pk")
    planned_events = list(planned[:EVENTS_SHOWN])
    planned_more = planned_events[0].planned_total - len(planned_events) if planned_events else 0
    context = {
        "kecamatan": kecamatan,
        "row": row,
        "desa": desa,
        "form": form,
        "on": on,
        "today": timezone.localdate(),
        "map": svg,
        "map_areas": areas,
        # The 50 latest no longer planned (coverage_event_kec_starts, read backwards), and the 50
        # planned first (overdue ones first), with how many more are planned: bounded whatever the
        # database holds (the bench's 32.01.01 had 143 planned, a quarter of the page's CPU).
        "past_events": list(
            events.exclude(status=OutreachEvent.Status.PLANNED).order_by("-starts_at", "-pk")[:EVENTS_SHOWN]
        ),
        "planned_events": planned_events,
        "planned_more": planned_more,
        "in_region": not portal_region().is_kabupaten,
        "desa_target": kecamatan_target_progress(kecamatan=kecamatan, on=on),
        "wishes_open": sum(d.wishes_open for d in desa),
    }
    return render(request, "coverage/kecamatan_detail.html", context, status=400 if form.errors else 200)


def _desa_label(d) -> str:
    """A desa's map tooltip: "Patai: belum ada KIM aktif · ada minat warga: 2 · Bentuk KIM"."""
    if d.covered:
        return f"{d.name}: {_('ada KIM aktif')}"
    demand = _("ada minat warga: %(n)d") % {"n": d.wishes_open} if d.wishes_open else ""
    return " · ".join(filter(None, [f"{d.name}: {_('belum ada KIM aktif')}", demand, _("Bentuk KIM")]))


@portal_required
def kim_detail(request, kabupaten, pk):
    """A KIM's public profile: the register's facts and its outreach events with Diskominfo."""
    kims = Kim.objects.public()
    kims = (
        kims.in_kabupaten(kabupaten)
        if kabupaten
        else kims.filter(desa__kecamatan__kabupaten__in=Kabupaten.objects.in_portal())
    )
    kim = get_object_or_404(
        kims.with_vitality(timezone.localdate()).select_related("desa__kecamatan__kabupaten", "tier"),
        pk=pk,
    )
    page_shows(request, kim.desa.kecamatan.kabupaten.code)
    pengurus = kim.pengurus.only("name", "role", "kim_id")
    events = (
        OutreachEvent.objects.public()
        .filter(kims=kim)
        .exclude(status=OutreachEvent.Status.CANCELLED)
        .order_by("-starts_at")
    )
    return render(
        request,
        "coverage/kim_detail.html",
        {
            "kim": kim,
            "pengurus": pengurus,
            "events": events[:50],
            "activities": kim.activities.counted().only("date", "kind", "link", "kim_id")[:20],
            "quiet_months": settings.KIM_QUIET_MONTHS,
            "today": timezone.localdate(),
            "in_region": not portal_region().is_kabupaten,
        },
    )


@portal_required
def yearly_report(request, kabupaten, tahun):
    """The yearly report for a Kepala Dinas, printable on A4; 404 for a year without data.
    On a province or country portal, of the kabupaten/kota named by ?kabupaten=<code>, and without
    it the region's report (a row per kabupaten/kota)."""
    if kabupaten is None:
        code = request.GET.get("kabupaten", "")[:20]
        if not code:
            return _region_yearly_report(request, tahun)
        kabupaten = get_object_or_404(Kabupaten.objects.in_portal(), code=code)
    page_shows(request, kabupaten.code)
    today = timezone.localdate()
    try:
        report = report_module.yearly_report(kabupaten=kabupaten, year=tahun, today=today)
    except report_module.YearOutOfRange as error:
        context = {"year": tahun, "first": error.first, "last": error.last}
        return render(request, "coverage/yearly_report_missing.html", context, status=404)
    svg = maps.kecamatan_map(kabupaten.code)
    areas = [
        maps.MapArea(
            shape=svg.shapes[k.code], name=k.name, css_class=stage_class(k.stage), label=f"{k.name}: {k.stage_label}"
        )
        for k in report.coverage_end.kecamatan
        if svg and k.code in svg.shapes
    ]
    context = {"report": report, "map": svg, "map_areas": areas, "stages": Stage, "today": today}
    return render(request, "coverage/yearly_report.html", context)


def _region_yearly_report(request, tahun):
    """A province or country portal's yearly report: one row per kabupaten/kota (and province)."""
    today = timezone.localdate()
    try:
        report = report_module.region_yearly_report(region=portal_region(), year=tahun, today=today)
    except report_module.YearOutOfRange as error:
        context = {"year": tahun, "first": error.first, "last": error.last}
        return render(request, "coverage/yearly_report_missing.html", context, status=404)
    rows = report.provinces if report.is_country else report.kabupaten
    svg, areas = _region_map(rows, region=report.region, links=False)
    context = {"report": report, "map": svg, "map_areas": areas, "wide_map": report.is_country, "today": today}
    context["contact"] = settings.DISKOMINFO_CONTACT
    return render(request, "coverage/yearly_report_region.html", context)


TOO_MANY_WISHES = gettext_lazy("Terlalu banyak kiriman dari alamat Anda. Coba lagi nanti, atau hubungi Diskominfo.")


@portal_required
def forming_kim(request, kabupaten):
    """ "Membentuk KIM di desa Anda": what a KIM is, its legal basis, the steps, whom to contact, and
    the form *Kami ingin membentuk KIM* (?desa=<code> or ?kecamatan=<code> chooses the place)."""
    kecamatan, desa, in_kabupaten = _chosen_place(request)
    if request.method == "POST":
        if over_limit(request, scope="wish", limit=settings.WISH_RATE_LIMIT, seconds=settings.WISH_RATE_SECONDS):
            return _forming_kim_page(request, kabupaten, None, kecamatan, status=429, refused=TOO_MANY_WISHES)
        form = WishForm(request.POST, kecamatan=kecamatan, kabupaten=in_kabupaten)
        if form.is_spam:
            return _forming_kim_page(
                request, kabupaten, None, kecamatan, status=400, refused=_("Kiriman tidak dapat diproses.")
            )
        if form.is_valid():
            data = form.cleaned_data
            fields = ("desa", "name", "phone", "email", "role", "people", "message")
            try:
                wish, _created = Wish.objects.receive(**{name: data[name] for name in fields})
            except ValidationError as error:
                form.add_error(None, error)
            else:
                return redirect(f"{reverse('coverage:forming-kim')}?{urlencode({'diterima': wish.receipt})}#minat")
        return _forming_kim_page(request, kabupaten, form, kecamatan, status=400)
    form = WishForm(kecamatan=kecamatan, kabupaten=in_kabupaten, initial={"desa": desa.code if desa else ""})
    return _forming_kim_page(request, kabupaten, form, kecamatan)


def _chosen_place(request):
    """The kecamatan, desa and kabupaten a visitor came for, from ?desa=, ?kecamatan= or ?kabupaten=
    (codes outside the portal's region ignored)."""
    kabupaten = Kabupaten.objects.in_portal()
    code = {name: request.GET.get(name, "")[:20] for name in ("desa", "kecamatan", "kabupaten")}
    desa = Desa.objects.select_related("kecamatan").filter(code=code["desa"], kecamatan__kabupaten__in=kabupaten)
    if desa := desa.first():
        return desa.kecamatan, desa, None
    if kecamatan := Kecamatan.objects.filter(code=code["kecamatan"], kabupaten__in=kabupaten).first():
        return kecamatan, None, None
    return None, None, kabupaten.filter(code=code["kabupaten"]).first()


def _forming_kim_page(request, kabupaten, form, kecamatan, *, status=200, refused=""):
    receipt = request.GET.get("diterima", "")[:20]
    received = Wish.objects.select_related("desa").filter(receipt=receipt).first() if receipt else None
    context = {
        # On a province or country portal: its region's name, as the page only names it.
        "kabupaten": kabupaten or Kabupaten(name=Kabupaten.objects.portal_name()),
        "contact": settings.DISKOMINFO_CONTACT,
        "quiet_months": settings.KIM_QUIET_MONTHS,
        "retention_months": settings.WISH_RETENTION_MONTHS,
        "form": form,
        "kecamatan": kecamatan,
        "received": received,
        "refused": refused,
    }
    response = render(request, "coverage/membentuk_kim.html", context, status=status)
    # The form's CSRF token is the visitor's own: never kept in the page cache nor a shared cache.
    add_never_cache_headers(response)
    return response
