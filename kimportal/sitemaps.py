"""sitemap.xml and robots.txt: every public page, in Bahasa Indonesia and English.

Each page is listed once per language (/ and /en/) with its alternates
(`xhtml:link hreflang`, x-default the Indonesian one), through
django.contrib.sitemaps.
"""

from django.contrib.sitemaps import Sitemap
from django.http import HttpResponse
from django.urls import reverse
from django.views.decorators.cache import cache_page
from django.views.decorators.http import require_GET

from registry.models import Kabupaten, Kecamatan, Kim


class _Bilingual(Sitemap):
    i18n = True
    alternates = True
    x_default = True
    protocol = None  # the request's


class PageSitemap(_Bilingual):
    """The pages every visitor starts from."""

    def items(self):
        return ["coverage:dashboard", "registry:kim-list", "opendata:index"]

    def location(self, item):
        return reverse(item)


class KecamatanSitemap(_Bilingual):
    def items(self):
        kabupaten = Kabupaten.objects.portal_or_none()
        return Kecamatan.objects.filter(kabupaten=kabupaten).only("code").order_by("code") if kabupaten else []

    def location(self, item):
        return reverse("coverage:kecamatan-detail", args=[item.code])


class KimSitemap(_Bilingual):
    """Every public KIM's profile (verified KIM only)."""

    limit = 20_000  # 40,000 URLs per sitemap page with both languages, under the protocol's 50,000

    def items(self):
        kabupaten = Kabupaten.objects.portal_or_none()
        return Kim.objects.public().in_kabupaten(kabupaten).only("pk", "updated_at").order_by("pk") if kabupaten else []

    def location(self, item):
        return reverse("coverage:kim-detail", args=[item.pk])

    def lastmod(self, item):
        return item.updated_at


SITEMAPS = {"halaman": PageSitemap, "kecamatan": KecamatanSitemap, "kim": KimSitemap}

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
