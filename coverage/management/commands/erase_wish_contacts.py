from django.conf import settings
from django.core.management.base import BaseCommand

from coverage.models import erase_expired_contacts


class Command(BaseCommand):
    help = (
        "Erase the name, contact and message of citizens' wishes to form a KIM older than "
        "WISH_RETENTION_MONTHS (default 12), keeping each wish anonymous. Run it daily (cron or a systemd timer)."
    )

    def handle(self, *args, **options):
        erased = erase_expired_contacts()
        self.stdout.write(
            f"{erased} wish contact(s) older than {settings.WISH_RETENTION_MONTHS} months erased; the wishes are kept."
        )
