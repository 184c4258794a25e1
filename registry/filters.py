import django_filters
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import Desa, Kabupaten, Kecamatan, Kim, Tier


class StableOrderingFilter(django_filters.OrderingFilter):
    """The chosen order, then name and id: KIM formed on the same day never swap places between pages."""

    def filter(self, qs, value):
        qs = super().filter(qs, value)
        return qs.order_by(*qs.query.order_by, "name", "pk") if value else qs


class KimFilter(django_filters.FilterSet):
    """The public KIM directory: kecamatan, desa, status, tier, name search, sort."""

    q = django_filters.CharFilter(label=_("Cari nama KIM"), method="search")
    kecamatan = django_filters.ModelChoiceFilter(
        label=_("Kecamatan"),
        field_name="desa__kecamatan",
        to_field_name="code",
        queryset=Kecamatan.objects.none(),
        empty_label=_("Semua kecamatan"),
    )
    desa = django_filters.ModelChoiceFilter(
        label=_("Desa/kelurahan"),
        to_field_name="code",
        queryset=Desa.objects.none(),
        empty_label=_("Semua desa/kelurahan"),
    )
    status = django_filters.ChoiceFilter(
        label=_("Status"),
        choices=[("aktif", _("Aktif")), ("tidak-aktif", _("Tidak aktif"))],
        method="filter_status",
        empty_label=_("Semua status"),
    )
    tier = django_filters.ModelChoiceFilter(
        label=_("Tingkatan"), queryset=Tier.objects.all(), empty_label=_("Semua tingkatan")
    )
    urut = StableOrderingFilter(
        label=_("Urutkan"),
        fields=[("name", "nama"), ("formed_on", "terbentuk"), ("desa__kecamatan__name", "kecamatan")],
        # Our own words for each direction (django-filter would say "Nama (descending)"). No empty
        # choice: with nothing chosen the directory is sorted by name, the first choice.
        choices=[
            ("nama", _("Nama (A–Z)")),
            ("-nama", _("Nama (Z–A)")),
            ("-terbentuk", _("Tanggal terbentuk (terbaru)")),
            ("terbentuk", _("Tanggal terbentuk (terlama)")),
            ("kecamatan", _("Kecamatan (A–Z)")),
            ("-kecamatan", _("Kecamatan (Z–A)")),
        ],
        empty_label=None,
    )

    class Meta:
        model = Kim
        fields = ["q", "kecamatan", "desa", "status", "tier"]

    def __init__(self, data=None, *args, kabupaten: Kabupaten, **kwargs):
        super().__init__(data, *args, **kwargs)
        kecamatan = Kecamatan.objects.filter(kabupaten=kabupaten)
        self.filters["kecamatan"].queryset = kecamatan
        desa = Desa.objects.filter(kecamatan__kabupaten=kabupaten).select_related("kecamatan")
        chosen = (data or {}).get("kecamatan")
        if chosen:
            desa = desa.filter(kecamatan__code=chosen)
        self.filters["desa"].queryset = desa

    def chosen(self) -> dict[str, str]:
        """The valid filters in effect as query parameters, without the sort: for links that carry them."""
        self.form.is_valid()
        return {name: self.data[name] for name in self._meta.fields if self.form.cleaned_data.get(name)}

    def search(self, queryset, name, value):
        value = value.strip()[:100]
        if not value:
            return queryset
        return queryset.filter(Q(name__icontains=value) | Q(desa__name__icontains=value))

    def filter_status(self, queryset, name, value):
        active = Kim.objects.active_on(timezone.localdate()).values("pk")
        if value == "aktif":
            return queryset.filter(pk__in=active)
        return queryset.exclude(pk__in=active)
