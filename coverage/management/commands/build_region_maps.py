from pathlib import Path

from django.core.management.base import BaseCommand

from coverage.maps import KECAMATAN_FILE, REGIONS_FILE, build_region_outlines


class Command(BaseCommand):
    help = (
        "Dissolve the shipped kecamatan polygons into kabupaten/kota and province outlines for the "
        "roll-up maps (coverage/data/indonesia_kabupaten_provinsi.geojson.gz, committed). Needs shapely."
    )

    def add_arguments(self, parser):
        parser.add_argument("--source", type=Path, default=KECAMATAN_FILE)
        parser.add_argument("--output", type=Path, default=REGIONS_FILE)

    def handle(self, *args, source, output, **options):
        kabupaten, provinces = build_region_outlines(source, output)
        self.stdout.write(f"{kabupaten} kabupaten/kota and {provinces} provinces written to {output}")
