from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from coverage.models import OutreachEvent

from ..factories import make_desa, make_event, make_kecamatan


def test_an_event_desa_must_lie_in_the_event_kecamatan(db):
    parenggean = make_kecamatan(name="Parenggean")
    baamang_desa = make_desa(kecamatan=make_kecamatan(name="Baamang"), name="Baamang Tengah")
    event = OutreachEvent(
        title="Sosialisasi",
        kind=OutreachEvent.Kind.SOSIALISASI,
        status=OutreachEvent.Status.PLANNED,
        starts_at=timezone.now(),
        kecamatan=parenggean,
        desa=baamang_desa,
    )
    with pytest.raises(ValidationError) as error:
        event.full_clean()
    assert error.value.message_dict["desa"] == ["Desa Baamang Tengah tidak berada di Kecamatan Parenggean."]


def test_a_held_event_cannot_be_dated_in_the_future(db):
    event = OutreachEvent(
        title="Sosialisasi",
        kind=OutreachEvent.Kind.SOSIALISASI,
        status=OutreachEvent.Status.HELD,
        starts_at=timezone.now() + timedelta(days=2),
        kecamatan=make_kecamatan(),
    )
    with pytest.raises(ValidationError, match="tidak boleh bertanggal di masa depan"):
        event.full_clean()


def test_a_planned_event_whose_day_has_passed_is_overdue(db):
    past = make_event(status=OutreachEvent.Status.PLANNED, starts_at=timezone.now() - timedelta(days=3))
    future = make_event(status=OutreachEvent.Status.PLANNED, starts_at=timezone.now() + timedelta(days=3))
    held = make_event(status=OutreachEvent.Status.HELD, starts_at=timezone.now() - timedelta(days=3))
    assert past.is_overdue
    assert not future.is_overdue
    assert not held.is_overdue
    assert list(OutreachEvent.objects.overdue()) == [past]
