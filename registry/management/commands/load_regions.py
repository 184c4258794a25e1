from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from core.region import portal_region
from registry.regions import RegionError, load_regions, region_kabupaten_codes


class Command(BaseCommand):
    help = (
        "Load kabupaten/kota with their kecamatan and desa/kelurahan from the shipped "
        "Kemendagri 2025 code file. Default: every kabupaten/kota of the portal's region (PORTAL_REGION)."
    )

    def add_arguments(self, parser):
        parser.add_argument("codes", nargs="*", help="Kemendagri codes, e.g. 62.02 62.01")
        parser.add_argument("--all", action="store_true", help="all 514 kabupaten/kota")

    def handle(self, *args, codes, all, **options):
        if all and codes:
            raise CommandError(_("Pilih salah satu: kode kabupaten/kota atau --all."))
        codes = None if all else (codes or region_kabupaten_codes(portal_region()))
        try:
            result = load_regions(codes)
        except RegionError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            _(
                "%(kabupaten)d kabupaten/kota: %(created)d wilayah baru, %(updated)d diperbarui, %(unchanged)d tidak berubah."
            )
            % {
                "kabupaten": len(result.kabupaten),
                "created": result.created,
                "updated": result.updated,
                "unchanged": result.unchanged,
            }
        )
