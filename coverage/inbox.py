"""What needs doing, for the admin's home page: counts with links to the lists that hold the rows."""

from dataclasses import dataclass
from datetime import date

from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from registry.admin import VitalityFilter
from registry.models import Desa, Kecamatan, Kim, KimActivity
from registry.scope import for_staff
from registry.vitality import Vitality

from .models import FieldReport, OutreachEvent, Wish


@dataclass(frozen=True)
class InboxItem:
    key: str
    label: str
    count: int
    url: str  # the admin list filtered to exactly these rows


def _url(name: str, **params) -> str:
    return f"{reverse(name)}?{urlencode(params)}"


def uncovered_kecamatan(on: date):
    """Kecamatan with no KIM active on `on` (the public pages' rule, coverage.queries)."""
    return Kecamatan.objects.exclude(Exists(Kim.objects.active_on(on).filter(desa__kecamatan=OuterRef("pk"))))


def uncovered_desa(on: date):
    """Desa/kelurahan with no KIM active on `on`."""
    return Desa.objects.exclude(Exists(Kim.objects.active_on(on).filter(desa=OuterRef("pk"))))


def staff_inbox(*, user, on: date) -> list[InboxItem]:
    """The inbox of `user` on day `on`, in their kabupaten (registry.scope): one COUNT query per item,
    items of lists the user may not open left out."""
    counts = [
        (
            "kim_pending",
            _("Usulan KIM menunggu pemeriksaan"),
            for_staff(Kim.objects.waiting(), user),
            _url("admin:registry_kim_changelist", review_status__exact=Kim.Review.WAITING),
        ),
        (
            "reports_waiting",
            _("Laporan petugas belum diperiksa"),
            for_staff(FieldReport.objects.waiting(), user),
            _url("admin:coverage_fieldreport_changelist", review_status__exact=FieldReport.Review.WAITING),
        ),
        (
            "activity_waiting",
            _("Aktivitas KIM dari petugas belum diperiksa"),
            for_staff(KimActivity.objects.waiting(), user),
            _url("admin:registry_kimactivity_changelist", review_status__exact=KimActivity.Review.WAITING),
        ),
        (
            "wishes_waiting",
            _("Minat membentuk KIM"),
            for_staff(Wish.objects.waiting(), user),
            _url("admin:coverage_wish_changelist", review_status__exact=Wish.Review.WAITING),
        ),
        (
            "events_overdue",
            _("Kegiatan direncanakan yang sudah lewat tanggalnya"),
            for_staff(OutreachEvent.objects.overdue(on), user),
            _url("admin:coverage_outreachevent_changelist", terlambat="ya"),
        ),
        (
            "kecamatan_uncovered",
            _("Kecamatan tanpa KIM aktif"),
            for_staff(uncovered_kecamatan(on), user),
            _url("admin:registry_kecamatan_changelist", cakupan="belum"),
        ),
        (
            "desa_uncovered",
            _("Desa/kelurahan tanpa KIM aktif"),
            for_staff(uncovered_desa(on), user),
            _url("admin:registry_desa_changelist", cakupan="belum"),
        ),
        (
            "kim_quiet",
            _("KIM vakum (tanpa aktivitas atau kegiatan tercatat)"),
            for_staff(Kim.objects.in_vitality(on, Vitality.QUIET), user),
            _url("admin:registry_kim_changelist", vitalitas=Vitality.QUIET),
        ),
        (
            "kim_sk_ended",
            _("KIM yang masa bakti SK-nya berakhir (perlu SK baru)"),
            for_staff(Kim.objects.in_vitality(on, Vitality.SK_ENDED), user),
            _url("admin:registry_kim_changelist", vitalitas=Vitality.SK_ENDED),
        ),
        (
            "kim_sk_ending",
            _("KIM yang masa bakti SK-nya berakhir dalam 90 hari"),
            for_staff(Kim.objects.sk_term_ending_soon(on), user),
            _url("admin:registry_kim_changelist", vitalitas=VitalityFilter.SK_SOON),
        ),
    ]
    return [
        InboxItem(key, label, queryset.count(), url)
        for key, label, queryset, url in counts
        if user.has_perm(f"{queryset.model._meta.app_label}.view_{queryset.model._meta.model_name}")
    ]
