from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.forms import requested_day
from registry.decorators import portal_required
from registry.models import Kecamatan, Kim

from . import charts, maps
from .models import OutreachEvent
from .queries import Stage, desa_coverage, kecamatan_coverage, monthly_progress
from .templatetags.stages import stage_class


@portal_required
def dashboard(request, kabupaten):
    form, on = requested_day(request)
    coverage = kecamatan_coverage(kabupaten=kabupaten, on=on)
    progress = monthly_progress(kabupaten=kabupaten, on=on)
    svg = maps.kecamatan_map(kabupaten.code)
    areas = [
        maps.MapArea(
            shape=svg.shapes[k.code],
            name=k.name,
            css_class=stage_class(k.stage),
            label=f"{k.name}: {k.stage.label}",
            url=reverse("coverage:kecamatan-detail", args=[k.code]),
        )
        for k in coverage.kecamatan
        if svg and k.code in svg.shapes
    ]
    context = {
        "coverage": coverage,
        "form": form,
        "today": timezone.localdate(),
        "stages": Stage,
        "map": svg,
        "map_areas": areas,
        "chart": charts.progress_chart(progress, kecamatan_total=coverage.total),
        "progress": progress,
    }
    return render(request, "coverage/dashboard.html", context, status=400 if form.errors else 200)


@portal_required
def kecamatan_detail(request, kabupaten, code):
    kecamatan = get_object_or_404(Kecamatan, kabupaten=kabupaten, code=code)
    form, on = requested_day(request)
    row = next(k for k in kecamatan_coverage(kabupaten=kabupaten, on=on).kecamatan if k.code == code)
    desa = desa_coverage(kecamatan=kecamatan, on=on)
    svg = maps.desa_map(code)
    areas = [
        maps.MapArea(
            shape=svg.shapes[d.code],
            name=d.name,
            css_class="has-kim" if d.covered else "no-kim",
            label=f"{d.name}: {_('ada KIM aktif') if d.covered else _('belum ada KIM aktif')}",
        )
        for d in desa
        if svg and d.code in svg.shapes
    ]
    events = OutreachEvent.objects.public().filter(kecamatan=kecamatan).select_related("desa").order_by("-starts_at")
    context = {
        "kecamatan": kecamatan,
        "row": row,
        "desa": desa,
        "form": form,
        "on": on,
        "today": timezone.localdate(),
        "map": svg,
        "map_areas": areas,
        "past_events": [e for e in events if e.status != OutreachEvent.Status.PLANNED][:50],
        "planned_events": [e for e in events if e.status == OutreachEvent.Status.PLANNED][::-1],
    }
    return render(request, "coverage/kecamatan_detail.html", context, status=400 if form.errors else 200)


@portal_required
def kim_detail(request, kabupaten, pk):
    """A KIM's public profile: the register's facts and its outreach events with Diskominfo."""
    kim = get_object_or_404(
        Kim.objects.public().in_kabupaten(kabupaten).select_related("desa__kecamatan", "tier"), pk=pk
    )
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
        {"kim": kim, "pengurus": pengurus, "events": events[:50], "today": timezone.localdate()},
    )
