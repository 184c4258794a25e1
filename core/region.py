"""The region a portal serves (settings.PORTAL_REGION): one kabupaten/kota, a province or the country.

Only codes, no models: `registry.models.KabupatenQuerySet.in_portal()` turns it into rows.
"""

import re
from dataclasses import dataclass
from enum import StrEnum

from django.conf import settings

KABUPATEN_CODE = re.compile(r"^\d{2}\.\d{2}$")


class RegionKind(StrEnum):
    KABUPATEN = "kabupaten"
    PROVINCE = "province"
    COUNTRY = "country"


@dataclass(frozen=True)
class PortalRegion:
    code: str  # "62.02" (a kabupaten/kota), "62" (a province) or "" (the whole country)

    @property
    def kind(self) -> RegionKind:
        if not self.code:
            return RegionKind.COUNTRY
        return RegionKind.KABUPATEN if KABUPATEN_CODE.match(self.code) else RegionKind.PROVINCE

    @property
    def is_kabupaten(self) -> bool:
        return self.kind is RegionKind.KABUPATEN

    @property
    def file_code(self) -> str:
        """The code in download names: 62.02, 62, or indonesia."""
        return self.code or "indonesia"

    def contains(self, kabupaten_code: str) -> bool:
        """Whether the kabupaten/kota `kabupaten_code` lies in this region."""
        if self.kind is RegionKind.COUNTRY:
            return True
        if self.kind is RegionKind.PROVINCE:
            return kabupaten_code.startswith(self.code + ".")
        return kabupaten_code == self.code


def portal_region() -> PortalRegion:
    """The one answer to "which region does this portal serve?" (read on each call: tests override it)."""
    return PortalRegion(settings.PORTAL_REGION)
