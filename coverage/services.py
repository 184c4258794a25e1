"""Writes from the field that touch several models at once, each all-or-nothing."""

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from .models import FieldReport, ReportPhoto


class ReportRefused(Exception):
    """The report could not be stored; `form` carries the reason for the officer."""

    def __init__(self, form):
        super().__init__("report refused")
        self.form = form


def existing_report(*, client_id, user) -> FieldReport | None:
    """The report already delivered under `client_id` by `user`, if any (the idempotency key)."""
    return FieldReport.objects.filter(client_id=client_id, submitted_by=user).first()


def submit_report(*, form, user) -> tuple[FieldReport, bool]:
    """Store a valid ReportForm: the held event, the report and its photos, at most once per client id.

    Returns (report, created). A retry with a client id already stored returns
    the stored report and changes nothing.
    """
    client_id = form.cleaned_data["client_id"]
    if found := existing_report(client_id=client_id, user=user):
        return found, False
    stored_files = []
    try:
        with transaction.atomic():
            event = form.instance
            event.save()
            event.kims.set(form.cleaned_data["kims"])
            report = FieldReport.objects.create(client_id=client_id, event=event, submitted_by=user)
            for photo in form.cleaned_data["photos"]:
                stored_files.append(ReportPhoto.objects.create(report=report, image=photo).image)
            report.receipt = report.make_receipt()
            report.save(update_fields=["receipt"])
    except Exception as error:
        for image in stored_files:  # the rows are gone with the transaction; the files go too
            image.storage.delete(image.name)
        # The same report arrived twice at once: the other request stored it.
        if isinstance(error, IntegrityError):
            if found := existing_report(client_id=client_id, user=user):
                return found, False
            # Another officer's report for the same planned event was stored in the meantime.
            form.add_error("event", _("Kegiatan ini baru saja dilaporkan oleh petugas lain."))
            raise ReportRefused(form) from error
        raise
    return report, True


@transaction.atomic
def propose_kim(*, form, officers) -> None:
    """A KIM proposed by a field officer, pending until staff verify it, with its officers."""
    kim = form.save()
    officers.instance = kim
    officers.save()
    return kim
