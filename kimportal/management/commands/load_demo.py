from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from kimportal.demo import DEMO_PASSWORD, OFFICER_USERNAME, STAFF_USERNAME, load_demo


class Command(BaseCommand):
    help = "Create or restore the demo data of the source report (Kotim, March 2022). Idempotent."

    def handle(self, *args, **options):
        result = load_demo()
        self.stdout.write(
            _(
                "Data contoh siap: %(kims)d KIM, %(events)d kegiatan. Login: %(staff)s / %(password)s (staf), %(officer)s / %(password)s (petugas)."
            )
            % {
                "kims": result.kims,
                "events": result.events,
                "staff": STAFF_USERNAME,
                "officer": OFFICER_USERNAME,
                "password": DEMO_PASSWORD,
            }
        )
