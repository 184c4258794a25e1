from core.region import portal_region

from .regions import region_name


def portal(request):
    """`portal_region_name` for the page header of a province or country portal ("Kalimantan
    Tengah", "Indonesia"); nothing on a kabupaten portal, whose header stays as it is."""
    region = portal_region()
    return {} if region.is_kabupaten else {"portal_region_name": region_name(region)}
