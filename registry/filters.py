import django_filters
from django import forms
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from core.jinja import escape_as_django as escape
from core.region import RegionKind, portal_region
from core.search import contains_without_joins

from .models import Desa, Kabupaten, Kecamatan, Kim, Tier
from .vitality import Vitality


def _attrs(attrs: dict) -> str:
    """Django's widgets/attrs.html, in Python."""
    return "".join(
        f" {escape(name)}" if value is True else f' {escape(name)}="{escape(str(value))}"'
        for name, value in attrs.items()
        if value is not False
    )


class QuickSelect(forms.Select):
    """Django's Select, writing the very same HTML (tests/registry/test_directory_speed.py
    compares them) without a template render per option: the directory's desa filter has up
    to 511 options, which took 15 ms of CPU per page through the templates; its four short
    selects (status, keadaan, tingkatan, urutan: 17 options) took 3 to 5 ms more. Each value is
    escaped as Django's templates escape it (core.jinja.escape_as_django), without format_html's
    check of every argument for a lazy string: 32.01's 435 desa, 11.9 -> 5.0 ms (30 renders)."""

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        parts = [f'<select name="{escape(widget["name"])}"', _attrs(widget["attrs"]), ">"]
        for group_name, options, _index in widget["optgroups"]:
            if group_name:
                parts.append(f'\n  <optgroup label="{escape(group_name)}">')
            for option in options:
                value, label = escape(str(option["value"])), escape(option["label"])
                parts.append(f'\n  <option value="{value}"{_attrs(option["attrs"])}>{label}</option>\n')
            if group_name:
                parts.append("\n  </optgroup>")
        parts.append("\n</select>")
        return mark_safe("".join(parts))  # noqa: S308 - every part above is escaped


class DesaChoices(django_filters.fields.ModelChoiceIterator):
    """The desa filter's options from three columns of each desa, not a model instance each: a
    kabupaten's directory offers up to 511 (CPU of 32.01's /kim/ in docs/benchmarks.md). The same
    values and labels as the model's (code; str(desa))."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        if self.field.null_label is not None:
            yield (self.field.null_value, self.field.null_label)
        kinds = {value: str(label) for value, label in Desa.Kind.choices}
        for code, kind, name in self.queryset.values_list("code", "kind", "name"):
            yield (code, f"{kinds.get(kind, kind)} {name}")


class DesaChoiceField(django_filters.fields.ModelChoiceField):
    iterator = DesaChoices


class DesaFilter(django_filters.ModelChoiceFilter):
    field_class = DesaChoiceField


class StableOrderingFilter(django_filters.OrderingFilter):
    """The chosen order, then name and id: KIM formed on the same day never swap places between pages."""

    def filter(self, qs, value):
        qs = super().filter(qs, value)
        return qs.order_by(*qs.query.order_by, "name", "pk") if value else qs


class KimFilter(django_filters.FilterSet):
    """The public KIM directory: kecamatan, desa, status, tier, name search, sort."""

    kabupaten = django_filters.ModelChoiceFilter(
        label=_("Kabupaten/kota"),
        widget=QuickSelect,
        field_name="desa__kecamatan__kabupaten",
        to_field_name="code",
        queryset=Kabupaten.objects.none(),
        empty_label=_("Semua kabupaten/kota"),
    )
    q = django_filters.CharFilter(label=_("Cari nama KIM"), method="search")
    kecamatan = django_filters.ModelChoiceFilter(
        label=_("Kecamatan"),
        widget=QuickSelect,
        field_name="desa__kecamatan",
        to_field_name="code",
        queryset=Kecamatan.objects.none(),
        empty_label=_("Semua kecamatan"),
    )
    desa = DesaFilter(
        label=_("Desa/kelurahan"),
        widget=QuickSelect,
        to_field_name="code",
        queryset=Desa.objects.none(),
        empty_label=_("Semua desa/kelurahan"),
    )
    status = django_filters.ChoiceFilter(
        label=_("Status"),
        choices=[("aktif", _("Aktif")), ("tidak-aktif", _("Tidak aktif"))],
        widget=QuickSelect,
        method="filter_status",
        empty_label=_("Semua status"),
    )
    vitalitas = django_filters.ChoiceFilter(
        label=_("Keadaan"),
        choices=[("aktif", _("Aktif")), ("vakum", _("Vakum")), ("sk-berakhir", _("SK berakhir"))],
        widget=QuickSelect,
        method="filter_vitality",
        empty_label=_("Semua keadaan"),
    )
    tier = django_filters.ModelChoiceFilter(
        label=_("Tingkatan"), queryset=Tier.objects.all(), empty_label=_("Semua tingkatan"), widget=QuickSelect
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
        widget=QuickSelect,
    )

    class Meta:
        model = Kim
        fields = ["kabupaten", "q", "kecamatan", "desa", "status", "vitalitas", "tier"]

    def __init__(self, data=None, *args, kabupaten: Kabupaten | None, **kwargs):
        """`kabupaten`: the one kabupaten the directory shows, or None for the portal's whole
        region (province or country), where a kabupaten/kota can be chosen. The kecamatan to
        choose from are the kabupaten's; for the whole country only once a kabupaten is chosen."""
        super().__init__(data, *args, **kwargs)
        if kabupaten is None:
            region = Kabupaten.objects.in_portal()
            self.filters["kabupaten"].queryset = region
            chosen_kabupaten = str((data or {}).get("kabupaten") or "")[:20]
            narrowed = bool(chosen_kabupaten or (data or {}).get("kecamatan"))
            if chosen_kabupaten:
                kecamatan = Kecamatan.objects.filter(kabupaten__in=region, kabupaten__code=chosen_kabupaten)
            elif portal_region().kind is RegionKind.COUNTRY:
                kecamatan = Kecamatan.objects.none()  # 7,000 choices help no one
            else:
                kecamatan = Kecamatan.objects.filter(kabupaten__in=region)
        else:
            del self.filters["kabupaten"]
            kecamatan = Kecamatan.objects.filter(kabupaten=kabupaten)
            narrowed = True
        self.filters["kecamatan"].queryset = kecamatan
        # A region's desa/kelurahan (1,500 in a province) to choose from only once a kabupaten or kecamatan is.
        desa = Desa.objects.filter(kecamatan__in=kecamatan) if narrowed else Desa.objects.none()
        desa = desa.select_related("kecamatan")
        chosen = (data or {}).get("kecamatan")
        if chosen:
            desa = desa.filter(kecamatan__code=chosen)
        self.filters["desa"].queryset = desa

    def chosen(self) -> dict[str, str]:
        """The valid filters in effect as query parameters, without the sort: for links that carry them."""
        self.form.is_valid()
        return {name: self.data[name] for name in self._meta.fields if self.form.cleaned_data.get(name)}

    def chosen_kabupaten(self) -> Kabupaten | None:
        """The kabupaten/kota chosen on a region's directory (a valid ?kabupaten=), or None."""
        self.form.is_valid()
        return self.form.cleaned_data.get("kabupaten")

    def search(self, queryset, name, value):
        value = value.strip()[:100]
        if not value:
            return queryset
        return queryset.filter(contains_without_joins(Kim, ["name", "desa__name"], value))

    VITALITY = {"aktif": Vitality.ACTIVE, "vakum": Vitality.QUIET, "sk-berakhir": Vitality.SK_ENDED}

    def filter_vitality(self, queryset, name, value):
        """The KIM whose vitality today (registry.vitality) is the one chosen: the directory's badges."""
        return queryset.in_vitality(timezone.localdate(), self.VITALITY[value])

    def filter_status(self, queryset, name, value):
        active = Kim.objects.active_on(timezone.localdate()).values("pk")
        if value == "aktif":
            return queryset.filter(pk__in=active)
        return queryset.exclude(pk__in=active)
