from django.core.management.base import BaseCommand

from core.notifications import deliver_due


class Command(BaseCommand):
    help = (
        "Mail the notifications that are due (core/notifications.py), each once. Safe to run every "
        "minute and twice at once; without EMAIL_URL it says mail is off and sends nothing."
    )

    def handle(self, *args, **options):
        self.stdout.write(deliver_due().summary())
