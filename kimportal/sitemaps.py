"""sitemap.xml and robots.txt: every public page, in Bahasa Indonesia and English.

Each page is listed once per language (/ and /en/) with its alternates
(`xhtml:link hreflang`, x-default the Indonesian one), through
django.contrib.sitemaps. The pages are those of the portal's region (settings.PORTAL_REGION):
one kabupaten's, or a province's or the country's with each kabupaten/kota's dashboard (and on the
country's each province's roll-up).
Every section is paginated (sitemap-kim.xml?p=2), so no response grows with the region.
"""

from django.contrib.sitemaps import Sitemap
from django.http import HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import cache_page
from django.views.decorators.http import require_GET

from core.region import portal_region
from coverage.report import report_years
from opendata.datasets import DATASETS
from registry.models import Kabupaten, Kecamatan, Kim


class _Bilingual(Sitemap):
    i18n = True
    alternates = True
    x_default = True
    protocol = None  # the request's
    # Django counts one entry per page and language: 20,000 <url> (10,000 pages) per sitemap
    # page, well under the protocol's 50,000 URLs and 50 MB with three alternates each.
    limit = 20_000


class PageSitemap(_Bilingual):
    """The pages every visitor starts from."""

    def items(self):
        return ["coverage:dashboard", "registry:kim-list", "opendata:index", "coverage:forming-kim"]

    def location(self, item):
        return reverse(item)


class DatasetSitemap(_Bilingual):
    """Each open dataset's metadata page (/data/<name>/, Satu Data Indonesia's MS-Keg, MS-Var, MS-Ind)."""

    def items(self):
        return list(DATASETS)

    def location(self, item):
        return reverse("opendata:dataset", args=[item])


class ReportSitemap(_Bilingual):
    """The yearly report of every year the portal's data covers (coverage.report.report_years)."""

    def items(self):
        first, last = report_years(kabupaten=Kabupaten.objects.in_portal(), today=timezone.localdate())
        return list(range(first, last + 1))

    def location(self, item):
        return reverse("coverage:yearly-report", args=[item])


class KabupatenSitemap(_Bilingual):
    """Each kabupaten/kota's dashboard on a province or country portal (a kabupaten portal's is /)."""

    def items(self):
        if portal_region().is_kabupaten:
            return []
        return Kabupaten.objects.in_portal().only("code").order_by("code")

    def location(self, item):
        return reverse("coverage:kabupaten-dashboard", args=[item.code])


class ProvinceSitemap(_Bilingual):
    """Each province's roll-up (/provinsi/<code>/) on a country portal."""

    def items(self):
        if portal_region().code:
            return []
        return sorted({code[:2] for code in Kabupaten.objects.values_list("code", flat=True)})

    def location(self, item):
        return reverse("coverage:province-dashboard", args=[item])


class KecamatanSitemap(_Bilingual):
    def items(self):
        return Kecamatan.objects.filter(kabupaten__in=Kabupaten.objects.in_portal()).only("code").order_by("code")

    def location(self, item):
        return reverse("coverage:kecamatan-detail", args=[item.code])


class KimSitemap(_Bilingual):
    """Every public KIM's profile (verified KIM only)."""

    def items(self):
        return (
            Kim.objects.public()
            .filter(desa__kecamatan__kabupaten__in=Kabupaten.objects.in_portal())
            .only("pk", "updated_at")
            .order_by("pk")
        )

    def location(self, item):
        return reverse("coverage:kim-detail", args=[item.pk])

    def lastmod(self, item):
        return item.updated_at


SITEMAPS = {
    "halaman": PageSitemap,
    "data": DatasetSitemap,
    "laporan": ReportSitemap,
    "provinsi": ProvinceSitemap,
    "kabupaten": KabupatenSitemap,
    "kecamatan": KecamatanSitemap,
    "kim": KimSitemap,
}

ROBOTS = """\
User-agent: *
Disallow: /admin/
Disallow: /petugas/
# Every past day (?tanggal=) of every page is reachable, but the sitemap lists each page once.
Disallow: /*tanggal=

Sitemap: {sitemap}
"""


@require_GET
@cache_page(60 * 60)
def robots_txt(request):
    sitemap = request.build_absolute_uri(reverse("django.contrib.sitemaps.views.index"))
    return HttpResponse(ROBOTS.format(sitemap=sitemap), content_type="text/plain; charset=utf-8")
