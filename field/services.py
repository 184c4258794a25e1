"""Writes from the field that touch several models at once, each all-or-nothing.

Services take plain typed values (never a form), raise ValidationError keyed
by model field, and return what their annotation says.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import TypeVar
from uuid import UUID

from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from coverage.models import FieldReport, FieldSubmission, OfficerAssignment, OutreachEvent, ReportPhoto
from registry.models import Desa, Kim, KimActivity, Pengurus

T = TypeVar("T")


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


@dataclass(frozen=True)
class Location:
    """Where the phone was when the officer tapped "Catat lokasi saya": kept for staff only."""

    latitude: Decimal
    longitude: Decimal
    accuracy: int  # metres
    at: datetime

    def as_report_fields(self) -> dict:
        return {
            "latitude": self.latitude,
            "longitude": self.longitude,
            "location_accuracy": self.accuracy,
            "located_at": self.at,
        }


def stored_once(*, find: Callable[[], T | None], store: Callable[[], T], conflict: str | dict = "") -> tuple[T, bool]:
    """The one way everything an officer sends from the phone is stored: at most once per client id.

    `find()` returns what an earlier delivery of the same client id stored (or None); `store()`
    writes it, inside one transaction. Returns (the stored object, created). A retry gets the
    first delivery's object back and changes nothing; two deliveries at once meet the database's
    unique client id, and the loser gets the winner's object. Any other conflict on a unique key
    raises ValidationError(`conflict`) (by default: the id is taken by another item).
    """
    if (found := find()) is not None:
        return found, False
    try:
        with transaction.atomic():
            return store(), True
    except IntegrityError as error:
        if (found := find()) is not None:  # the same send, twice at once: the other request stored it
            return found, False
        raise ValidationError(conflict or ID_TAKEN) from error


ID_TAKEN = gettext_lazy("Kode kiriman ini sudah dipakai. Muat ulang formulir dan kirim lagi.")


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
    location: Location | None = None,
    corrects: FieldReport | None = None,
    plan_client_id: UUID | None = None,
) -> tuple[FieldReport, bool]:
    """Store a held event, its report (with the phone's location, if recorded) and photos,
    at most once per client id.

    `event` is the planned event being reported, or a new unsaved one. `corrects` is the refused
    report this one corrects (a new report; both stay). `plan_client_id` names a plan still in
    the phone's outbox: when it arrives, it is attached to this report's event (plan_event).
    Returns (report, created): a retry with a client id already stored returns the stored report
    and changes nothing.
    """

    def store():
        outside = [kim for kim in kims if kim.desa.kecamatan_id != event.kecamatan_id]
        if outside:
            names = ", ".join(k.name for k in outside)
            raise ValidationError(
                {"kims": _("KIM berikut tidak berada di kecamatan kegiatan: %(names)s.") % {"names": names}}
            )
        event.mark_held(**vars(held))
        stored_files = []
        try:
            event.save()
            event.kims.set(kims)
            report = FieldReport(
                client_id=client_id,
                event=event,
                submitted_by=user,
                corrects=corrects,
                plan_client_id=plan_client_id,
                **(location.as_report_fields() if location else {}),
            )
            report.full_clean(validate_unique=False)  # a second delivery of the id: IntegrityError
            report.save()
            for photo in photos:
                stored_files.append(ReportPhoto.objects.create(report=report, image=photo).image)
            report.receipt = report.make_receipt()
            report.save(update_fields=["receipt"])
        except Exception:
            for image in stored_files:  # the rows go with the transaction; the files go too
                image.storage.delete(image.name)
            raise
        return report

    return stored_once(
        find=lambda: existing_report(client_id=client_id, user=user),
        store=store,
        # not the same report twice: another officer's report of the same planned event came first
        conflict={"event": _("Kegiatan ini baru saja dilaporkan oleh petugas lain.")},
    )


def existing_submission(*, client_id: UUID, user) -> FieldSubmission | None:
    """The plan or proposal already delivered under `client_id` by `user`, if any."""
    return FieldSubmission.objects.filter(client_id=client_id, submitted_by=user).first()


def _submitted_once(*, user, client_id: UUID | None, kind: str, store) -> tuple[FieldSubmission | None, bool]:
    """Store a plan or proposal (`store()` returns the event or KIM) once per client id, with its
    FieldSubmission and receipt."""
    if client_id is None:  # a page posted without JavaScript from an old form: no key to keep
        with transaction.atomic():
            store()
        return None, True

    def store_with_receipt():
        field = "event" if kind == FieldSubmission.Kind.PLAN else "kim"
        submission = FieldSubmission.objects.create(
            client_id=client_id, kind=kind, submitted_by=user, **{field: store()}
        )
        submission.receipt = submission.make_receipt()
        submission.save(update_fields=["receipt"])
        return submission

    return stored_once(find=lambda: existing_submission(client_id=client_id, user=user), store=store_with_receipt)


def report_naming_plan(*, client_id: UUID | None, user) -> FieldReport | None:
    """`user`'s report that named plan `client_id` while the plan still waited in the phone's outbox."""
    if client_id is None:
        return None
    return FieldReport.objects.filter(plan_client_id=client_id, submitted_by=user).select_related("event").first()


def planned_event_of(*, client_id: UUID, user) -> OutreachEvent | None:
    """The event of `user`'s plan `client_id` if it arrived and still waits for its report."""
    submission = (
        FieldSubmission.objects.filter(
            client_id=client_id,
            submitted_by=user,
            kind=FieldSubmission.Kind.PLAN,
            event__status=OutreachEvent.Status.PLANNED,
            event__report__isnull=True,
        )
        .select_related("event")
        .first()
    )
    return submission.event if submission else None


def plan_event(*, user, client_id: UUID | None, event: OutreachEvent) -> tuple[FieldSubmission | None, bool]:
    """Store planned `event` (validated, unsaved) once per client id; returns (submission, created).

    A plan and its report may arrive in either order (both made offline). The rule: one event, the
    report's. If a report named this plan first, the plan is attached to that report's held event
    and no second event is made; if the plan comes first, the report reports the plan's event
    (ReportForm). Either way the plan keeps its receipt (REN).
    """

    def store():
        if (report := report_naming_plan(client_id=client_id, user=user)) is not None:
            return report.event
        event.full_clean()
        event.save()
        return event

    return _submitted_once(user=user, client_id=client_id, kind=FieldSubmission.Kind.PLAN, store=store)


def propose_kim(
    *, user, kim: Kim, pengurus: Sequence[Pengurus], client_id: UUID | None = None, corrects: Kim | None = None
) -> tuple[FieldSubmission | None, bool]:
    """A KIM proposed by field officer `user`, pending until staff verify it, with its pengurus.

    `corrects` is the refused proposal this one corrects (a new proposal; both stay).
    Stored once per client id; returns (submission, created).
    """

    def store():
        kim.review_status = Kim.Review.WAITING
        kim.proposed_by = user
        kim.corrects = corrects
        kim.full_clean()
        kim.save()
        for member in pengurus:
            member.kim = kim
            member.full_clean()
            member.save()
        return kim

    return _submitted_once(user=user, client_id=client_id, kind=FieldSubmission.Kind.PROPOSAL, store=store)


def existing_activity(*, client_id: UUID, user) -> KimActivity | None:
    """The activity entry already delivered under `client_id` by `user`, if any (the idempotency key)."""
    return KimActivity.objects.filter(client_id=client_id, entered_by=user).first()


def log_activity(
    *,
    user,
    client_id: UUID,
    kim: Kim,
    on: date,
    kind: str,
    link: str = "",
    note: str = "",
    corrects: KimActivity | None = None,
) -> tuple[KimActivity, bool]:
    """An activity entry of `kim` entered by field officer `user`, stored at most once per client id.

    It waits for staff review ("menunggu pemeriksaan") and counts for the KIM's vitality only
    once reviewed. `kim` must lie in a kecamatan `user` is assigned to. Returns (activity, created):
    a retry with a client id already stored returns the stored entry and changes nothing.
    """

    def store():
        if not OfficerAssignment.objects.kecamatan_of(user).filter(pk=kim.desa.kecamatan_id).exists():
            raise ValidationError({"kim": _("KIM %(name)s tidak berada di kecamatan tugas Anda.") % {"name": kim.name}})
        activity = KimActivity(
            client_id=client_id,
            kim=kim,
            date=on,
            kind=kind,
            link=link,
            note=note,
            entered_by=user,
            review_status=KimActivity.Review.WAITING,
            corrects=corrects,
        )
        activity.full_clean(validate_unique=False)  # a second delivery of the id: IntegrityError
        activity.save()
        return activity

    return stored_once(find=lambda: existing_activity(client_id=client_id, user=user), store=store)


def refused_report(*, client_id: UUID, user) -> FieldReport | None:
    """`user`'s report `client_id`, if staff refused it: what a correction corrects."""
    return FieldReport.objects.refused().filter(client_id=client_id, submitted_by=user).select_related("event").first()


def refused_proposal(*, client_id: UUID, user) -> Kim | None:
    """`user`'s KIM proposal sent as `client_id`, if staff refused it."""
    return Kim.objects.refused().filter(field_submission__client_id=client_id, proposed_by=user).first()


def refused_activity(*, client_id: UUID, user) -> KimActivity | None:
    """`user`'s activity entry `client_id`, if staff refused it."""
    return KimActivity.objects.refused().filter(client_id=client_id, entered_by=user).select_related("kim").first()
