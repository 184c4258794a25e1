"""Small `make_*` helpers for test data: keyword arguments, sensible defaults."""

from datetime import date, datetime
from itertools import count

from django.contrib.auth import get_user_model
from django.utils import timezone

from coverage.models import OutreachEvent
from registry.models import Desa, Kabupaten, Kecamatan, Kim, Pengurus, Tier

_seq = count(1)


def make_kabupaten(*, code="62.02", name="Kabupaten Kotawaringin Timur", province_name="Kalimantan Tengah"):
    return Kabupaten.objects.get_or_create(code=code, defaults={"name": name, "province_name": province_name})[0]


def make_kecamatan(*, kabupaten=None, code=None, name=None):
    kabupaten = kabupaten or make_kabupaten()
    n = next(_seq)
    return Kecamatan.objects.create(
        kabupaten=kabupaten, code=code or f"{kabupaten.code}.{n % 100:02d}", name=name or f"Kecamatan {n}"
    )


def make_desa(*, kecamatan=None, code=None, name=None, kind=Desa.Kind.DESA):
    kecamatan = kecamatan or make_kecamatan()
    n = next(_seq)
    return Desa.objects.create(
        kecamatan=kecamatan, code=code or f"{kecamatan.code}.2{n % 1000:03d}", name=name or f"Desa {n}", kind=kind
    )


def make_tier(*, name="Pemula", rank=1):
    return Tier.objects.get_or_create(name=name, defaults={"rank": rank})[0]


def make_kim(*, desa=None, name=None, formed_on=date(2021, 1, 1), inactive_since=None, entered_on=None, **fields):
    """A KIM in the portal since `entered_on` (default: since it was formed, as if the portal had
    watched it all along; registry.vitality.newcomer_q spares a KIM entered recently)."""
    desa = desa or make_desa()
    if inactive_since and "inactive_reason" not in fields:
        fields["inactive_reason"] = "Pengurus pindah tugas"
    kim = Kim(desa=desa, name=name or f"KIM {next(_seq)}", formed_on=formed_on, inactive_since=inactive_since, **fields)
    kim.full_clean()
    kim.save()
    entered_on = entered_on or min(formed_on, timezone.localdate())
    kim.created_at = timezone.make_aware(datetime.combine(entered_on, datetime.min.time()))
    Kim.objects.filter(pk=kim.pk).update(created_at=kim.created_at)
    return kim


def make_pengurus(*, kim=None, name="Andi (contoh)", role=Pengurus.Role.ANGGOTA, phone=""):
    officer = Pengurus(kim=kim or make_kim(), name=name, role=role, phone=phone)
    officer.full_clean()
    officer.save()
    return officer


def make_event(
    *,
    kecamatan=None,
    desa=None,
    kind=OutreachEvent.Kind.SOSIALISASI,
    status=OutreachEvent.Status.HELD,
    starts_at=None,
    title=None,
    kims=(),
    **fields,
):
    kecamatan = kecamatan or (desa.kecamatan if desa else make_kecamatan())
    starts_at = starts_at or timezone.make_aware(datetime(2022, 3, 24, 9, 0))
    if isinstance(starts_at, date) and not isinstance(starts_at, datetime):
        starts_at = timezone.make_aware(datetime.combine(starts_at, datetime.min.time().replace(hour=9)))
    event = OutreachEvent(
        kecamatan=kecamatan,
        desa=desa,
        kind=kind,
        status=status,
        starts_at=starts_at,
        title=title or f"Kegiatan {next(_seq)}",
        **fields,
    )
    event.full_clean()
    event.save()
    event.kims.set(kims)
    return event


def make_user(*, username=None, password="rahasia-uji-123", **fields):
    User = get_user_model()
    user = User.objects.create_user(username=username or f"user{next(_seq)}", password=password, **fields)
    return user


def make_officer_user(*, kecamatan=(), username=None, **fields):
    """A field officer (group Petugas lapangan) assigned to `kecamatan`."""
    from django.contrib.auth.models import Group

    from coverage.models import OfficerAssignment

    user = make_user(username=username, **fields)
    user.groups.add(Group.objects.get(name="Petugas lapangan"))
    for k in kecamatan:
        OfficerAssignment.objects.create(user=user, kecamatan=k)
    return user


def make_wish(*, desa=None, name="Warga (contoh)", phone="081234567890", email="", role="warga", people=5, **fields):
    """A citizen's wish to form a KIM, as the public form stores it (with its receipt)."""
    from coverage.models import Wish

    fields.setdefault("consent_at", timezone.now())
    wish = Wish.objects.create(
        desa=desa or make_desa(), name=name, phone=phone, email=email, role=role, people=people, **fields
    )
    wish.receipt = wish.make_receipt()
    wish.save(update_fields=["receipt"])
    return wish
