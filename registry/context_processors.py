import gzip
import re
from functools import lru_cache

from django.conf import settings
from django.utils.translation import gettext as _

from core.region import PortalRegion, portal_region

from .regions import WILAYAH_FILE, region_name


@lru_cache(maxsize=8)
def _kabupaten_name(code: str) -> str:
    """The kabupaten/kota's name in the shipped code file (one scan per code and process, no query)."""
    found = re.search(rf"^{re.escape(code)},(.*)$", gzip.decompress(WILAYAH_FILE.read_bytes()).decode(), re.M)
    return found[1].strip() if found else code


def portal_display_name(region: PortalRegion | None = None) -> str:
    """The name of the region the portal serves: "Kabupaten Katingan", "Kalimantan Tengah" or
    "Indonesia", from the shipped code file, without a database query (the page frame and the
    admin's header use it on every page)."""
    region = region or portal_region()
    return _kabupaten_name(region.code) if region.is_kabupaten else region_name(region)


def portal(request):
    """What the frame of every page (base.html: title, header, footer) says about the portal:

    - `site_region_name`: the region's name ("Kabupaten Katingan", "Kalimantan Tengah", "Indonesia");
    - `site_is_region`: a province or country portal (its `/` is a roll-up);
    - `site_office`: the office that runs it (settings DISKOMINFO_NAME; on a kabupaten portal
      without one, "Diskominfo <kabupaten>"; empty on a province or country portal without one).

    The 500 page renders without these, and base.html then names no region at all.
    """
    region = portal_region()
    name = portal_display_name(region)
    office = settings.DISKOMINFO_CONTACT.get("name", "")
    if not office and region.is_kabupaten:
        office = _("Diskominfo %(name)s") % {"name": name}
    return {"site_region_name": name, "site_is_region": not region.is_kabupaten, "site_office": office}
