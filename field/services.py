"""Writes from the field that touch several models at once, each all-or-nothing.

Services take plain typed values (never a form), raise ValidationError keyed
by model field, and return what their annotation says.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from uuid import UUID

from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from coverage.models import FieldReport, OutreachEvent, ReportPhoto
from registry.models import Desa, Kim, Pengurus


@dataclass(frozen=True)
class HeldEvent:
    """What an officer reports of a held event: the arguments of OutreachEvent.mark_held."""

    on: date
    desa: Desa | None = None
    venue: str = ""
    participants: int | None = None
    participants_women: int | None = None
    participants_men: int | None = None
    summary: str = ""
    outcome: str = ""
    follow_up: str = ""


def existing_report(*, client_id: UUID, user) -> FieldReport | None:
    """The report already delivered under `client_id` by `user`, if any (the idempotency key)."""
    return FieldReport.objects.filter(client_id=client_id, submitted_by=user).first()


def submit_report(
    *,
    user,
    client_id: UUID,
    event: OutreachEvent,
    held: HeldEvent,
    kims: Sequence[Kim],
    photos: Sequence[File],
) -> tuple[FieldReport, bool]:
    """Store a held event, its report and photos, at most once per client id.

    `event` is the planned event being reported, or a new unsaved one. Returns
    (report, created): a retry with a client id already stored returns the
    stored report and changes nothing.
    """
    if found := existing_report(client_id=client_id, user=user):
        return found, False
    outside = [kim for kim in kims if kim.desa.kecamatan_id != event.kecamatan_id]
    if outside:
        raise ValidationError(
            {
                "kims": _("KIM berikut tidak berada di kecamatan kegiatan: %(names)s.")
                % {"names": ", ".join(k.name for k in outside)}
            }
        )
    event.mark_held(**vars(held))
    stored_files = []
    try:
        with transaction.atomic():
            event.save()
            event.kims.set(kims)
            report = FieldReport.objects.create(client_id=client_id, event=event, submitted_by=user)
            for photo in photos:
                stored_files.append(ReportPhoto.objects.create(report=report, image=photo).image)
            report.receipt = report.make_receipt()
            report.save(update_fields=["receipt"])
    except Exception as error:
        for image in stored_files:  # the rows are gone with the transaction; the files go too
            image.storage.delete(image.name)
        if isinstance(error, IntegrityError):
            # The same report arrived twice at once: the other request stored it.
            if found := existing_report(client_id=client_id, user=user):
                return found, False
            # Another officer's report for the same planned event was stored in the meantime.
            raise ValidationError({"event": _("Kegiatan ini baru saja dilaporkan oleh petugas lain.")}) from error
        raise
    return report, True


@transaction.atomic
def propose_kim(*, user, kim: Kim, pengurus: Sequence[Pengurus]) -> Kim:
    """A KIM proposed by field officer `user`, pending until staff verify it, with its pengurus."""
    kim.review_status = Kim.Review.PENDING
    kim.proposed_by = user
    kim.full_clean()
    kim.save()
    for member in pengurus:
        member.kim = kim
        member.full_clean()
        member.save()
    return kim
