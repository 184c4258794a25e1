from django.core.management.base import BaseCommand
from django.utils import timezone

from core.notifications import deliver_due
from coverage.digest import record_digests


class Command(BaseCommand):
    help = (
        "Record today's digest of each staff member's inbox (only when something waits for their "
        "decision, at most one a day each), then mail what is due. Run once a day, e.g. at 07:00."
    )

    def handle(self, *args, **options):
        recorded = record_digests(on=timezone.localdate())
        self.stdout.write(f"{recorded} ringkasan harian dicatat. {deliver_due().summary()}")
