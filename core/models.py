from django.db import models
from django.db.models import F
from django.utils.translation import gettext_lazy as _


class DataRevision(models.Model):
    """How often the data the public sees has changed: one row, counted up after every committed
    change to a model the page cache watches (`core.cache.invalidate_on_change`).

    It lives in the database, not in a process or a cache, so every worker and every server
    reads the same number: the open data's ETags come from it (`opendata/conditional.py`).
    """

    number = models.BigIntegerField(_("nomor"), default=0)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("revisi data")
        verbose_name_plural = _("revisi data")

    def __str__(self):
        return str(self.number)

    @classmethod
    def current(cls) -> int:
        """The revision now (0 before the first change): one query."""
        return cls.objects.values_list("number", flat=True).first() or 0

    @classmethod
    def count_up(cls):
        """One more revision; the row is made by the first change."""
        if not cls.objects.update(number=F("number") + 1):
            cls.objects.bulk_create([cls(pk=1, number=1)], ignore_conflicts=True)
