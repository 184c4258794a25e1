"""Demo data: the situation of the source report (Diskominfo Kotim, March 2022).

Ten kecamatan have a KIM; Bukit Santuai, Mentaya Hulu, Antang Kalang, Telaga
Antang, Tualan Hulu, Cempaga and Cempaga Hulu have none. Every person is
invented and marked "(contoh)", every phone number is a 0800 dummy.

On a province (or country) portal whose regions include Katingan (62.06), a
few invented KIM there too, so the roll-up shows two kabupaten with KIM.
"""

from dataclasses import dataclass
from datetime import date, datetime

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from coverage.models import OfficerAssignment, OutreachEvent, Wish
from registry.models import Desa, Kabupaten, Kecamatan, Kim, Pengurus, Tier
from registry.regions import load_regions

DEMO_PASSWORD = "kotim-demo-2022"
STAFF_USERNAME = "staf.demo"
OFFICER_USERNAME = "petugas.demo"
ADMIN_GROUP = "Admin Diskominfo"  # both groups are created by migration coverage 0003
OFFICER_GROUP = "Petugas lapangan"
# Kecamatan the demo field officer works in: Parenggean (has a KIM) and Bukit Santuai (has none).
OFFICER_KECAMATAN = ["62.02.04", "62.02.15"]

TIERS = [("Pemula", 1), ("Madya", 2), ("Utama", 3)]

# (desa code, KIM name, formed on, tier)
KIMS = [
    ("62.02.04.1004", "KIM Kecamatan Parenggean", date(2021, 9, 14), "Pemula"),
    ("62.02.01.1009", "KIM Kota Besi Hulu", date(2020, 11, 10), "Pemula"),
    ("62.02.05.1002", "KIM Baamang Tengah", date(2019, 5, 20), "Madya"),
    ("62.02.05.1001", "KIM Baamang Hilir", date(2020, 3, 2), "Pemula"),
    ("62.02.06.1003", "KIM Ketapang", date(2019, 4, 15), "Utama"),
    ("62.02.06.1001", "KIM Mentawa Baru Hulu", date(2020, 10, 28), "Madya"),
    ("62.02.07.2001", "KIM Pondok Damar", date(2021, 2, 8), "Pemula"),
    ("62.02.08.1008", "KIM Samuda Kota", date(2020, 8, 17), "Pemula"),
    ("62.02.09.2001", "KIM Bapinang Hulu", date(2021, 6, 21), "Pemula"),
    ("62.02.11.2001", "KIM Parebok", date(2021, 4, 12), "Pemula"),
    ("62.02.12.1001", "KIM Mentaya Seberang", date(2020, 12, 7), "Pemula"),
    ("62.02.14.2001", "KIM Sebabi", date(2021, 7, 5), "Pemula"),
]

# A province portal (PORTAL_REGION=62) also gets these, in Kabupaten Katingan (invented).
KATINGAN = "62.06"
KATINGAN_KIMS = [
    ("62.06.02.1003", "KIM Kasongan Baru", date(2020, 8, 10), "Pemula"),
    ("62.06.02.1004", "KIM Kasongan Lama", date(2021, 3, 15), "Pemula"),
    ("62.06.05.1009", "KIM Samba Kahayan", date(2021, 10, 4), "Pemula"),
]

PENGURUS_NAMES = ["Rahmat Hidayat", "Siti Aminah", "Yusuf Saputra", "Dewi Lestari"]
ROLES = [Pengurus.Role.KETUA, Pengurus.Role.SEKRETARIS, Pengurus.Role.BENDAHARA, Pengurus.Role.ANGGOTA]


def _wib(*args) -> datetime:
    return timezone.make_aware(datetime(*args))


@dataclass
class DemoResult:
    kims: int
    events: int


@transaction.atomic
def load_demo() -> DemoResult:
    """Create (or bring back) the demo data. The source report's KIM lie in Kotim, so its regions
    (62.02) are loaded first if the portal's region did not bring them (Katingan's own portal,
    PORTAL_REGION=62.06); outside the portal's region they then show nowhere."""
    if not Kabupaten.objects.filter(code="62.02").exists():
        load_regions(["62.02"])
    User = get_user_model()
    staff, _created = User.objects.update_or_create(
        username=STAFF_USERNAME,
        defaults={
            "first_name": "Staf Diskominfo",
            "last_name": "(contoh)",
            "is_staff": True,
            "is_superuser": True,
            "is_active": True,
        },
    )
    staff.set_password(DEMO_PASSWORD)
    staff.save()
    staff.groups.add(Group.objects.get(name=ADMIN_GROUP))
    officer_user, _created = User.objects.update_or_create(
        username=OFFICER_USERNAME,
        defaults={"first_name": "Petugas Lapangan", "last_name": "(contoh)", "is_active": True},
    )
    officer_user.set_password(DEMO_PASSWORD)
    officer_user.save()
    officer_user.groups.add(Group.objects.get(name=OFFICER_GROUP))
    for kecamatan in Kecamatan.objects.filter(code__in=OFFICER_KECAMATAN):
        OfficerAssignment.objects.get_or_create(user=officer_user, kecamatan=kecamatan)

    tiers = {}
    for name, rank in TIERS:
        tiers[name], _created = Tier.objects.get_or_create(name=name, defaults={"rank": rank})

    rows = KIMS
    if Kabupaten.objects.in_portal().filter(code=KATINGAN).exists():
        rows = KIMS + KATINGAN_KIMS
    desa = Desa.objects.in_bulk([code for code, *_rest in rows], field_name="code")
    kims = {}
    for number, (code, name, formed_on, tier) in enumerate(rows, start=1):
        kim, _created = Kim.objects.update_or_create(
            desa=desa[code],
            name=name,
            defaults={
                "formed_on": formed_on,
                "tier": tiers[tier],
                "sk_number": f"CONTOH/{number:03d}/KIM/{formed_on.year}",
                "sk_date": formed_on,
                "inactive_since": None,
                "inactive_reason": "",
                "review_status": Kim.Review.ACCEPTED,
                "reviewed_by": staff,
                "reviewed_at": _wib(formed_on.year, formed_on.month, formed_on.day, 12, 0),
                "address": f"Sekretariat {name} (alamat contoh)",
                "contact_phone": f"0800000{number:05d}",
                "notes": _("Data contoh, bukan data sebenarnya."),
            },
        )
        for index, (person, role) in enumerate(zip(PENGURUS_NAMES, ROLES, strict=True)):
            Pengurus.objects.update_or_create(
                kim=kim,
                role=role,
                defaults={
                    "name": f"{person} (contoh)",
                    "phone": f"08000{number:03d}{index:04d}",
                },
            )
        kims[code] = kim

    parenggean = Kecamatan.objects.get(code="62.02.04")
    events = [
        OutreachEvent.objects.update_or_create(
            kecamatan=parenggean,
            starts_at=_wib(2022, 3, 24, 9, 0),
            kind=OutreachEvent.Kind.KONSOLIDASI,
            defaults={
                "title": "Rapat konsolidasi dengan KIM Kecamatan Parenggean",
                "status": OutreachEvent.Status.HELD,
                "desa": desa["62.02.04.1004"],
                "venue": "Kantor Kecamatan Parenggean",
                "responsible": officer_user,
                "summary": "Konsolidasi pengurus dan rencana sosialisasi KIM (data contoh).",
            },
        )[0],
        OutreachEvent.objects.update_or_create(
            kecamatan=parenggean,
            starts_at=_wib(2022, 3, 30, 9, 0),
            kind=OutreachEvent.Kind.SOSIALISASI,
            defaults={
                "title": "Sosialisasi KIM di Kelurahan Parenggean",
                "status": OutreachEvent.Status.PLANNED,
                "desa": desa["62.02.04.1004"],
                "venue": "Aula Kelurahan Parenggean",
                "responsible": officer_user,
            },
        )[0],
    ]
    for event in events:
        event.full_clean()
        event.kims.set([kims["62.02.04.1004"]])
    _load_vitality_demo(kims, staff)
    _load_wish_demo()
    return DemoResult(kims=len(kims), events=len(events))


# --- Vitality, KIM.id and targets (issue 13): each state shows, the 7 uncovered kecamatan stay. ---
# KIM registered on KIM.id (invented addresses, marked "contoh").
KIMID = {
    "62.02.04.1004": ("KIMID-6202-0001", "https://contoh-kim-parenggean.kim.id/"),
    "62.02.06.1003": ("KIMID-6202-0002", "https://contoh-kim-ketapang.kim.id/"),
    "62.02.05.1002": ("KIMID-6202-0003", "https://contoh-kim-baamang-tengah.kim.id/"),
}
QUIET_KIM = "62.02.14.2001"  # KIM Sebabi: nothing recorded since 2022, so vakum today
SK_ENDED_KIM = "62.02.08.1008"  # KIM Samuda Kota: its board's term ended in 2025
DEMO_TARGET_PERCENT = 15  # of desa/kelurahan with an active KIM by 31 December this year


def _load_vitality_demo(kims: dict, staff) -> None:
    from datetime import timedelta

    from coverage.models import DesaTarget
    from registry.models import KimActivity

    today = timezone.localdate()
    for number, (code, kim) in enumerate(sorted(kims.items()), start=1):
        kim.sk_issued_by = Kim.SkIssuer.LURAH if kim.desa.kind == Desa.Kind.KELURAHAN else Kim.SkIssuer.KEPALA_DESA
        kim.sk_term_end = date(2025, 8, 16) if code == SK_ENDED_KIM else date(today.year + 2, 12, 31)
        kim.kimid_number, kim.kimid_url = KIMID.get(code, ("", ""))
        kim.full_clean()
        kim.save()
        # A meeting in 2022 for every KIM; a recent entry for all but the quiet one.
        entries = [(date(2022, 6, 1) + timedelta(days=number * 7), KimActivity.Kind.MEETING, "")]
        if code != QUIET_KIM:
            kind, link = KimActivity.Kind.SOCIAL_POST, ""
            if code in KIMID:
                kind, link = KimActivity.Kind.KIMID_POST, KIMID[code][1] + "berita/contoh"
            entries.append((today - timedelta(days=10 + number * 3), kind, link))
            entries.append((today - timedelta(days=40 + number * 5), KimActivity.Kind.LOCAL_INFO, ""))
        for day, kind, link in entries:
            KimActivity.objects.update_or_create(
                kim=kim,
                date=day,
                kind=kind,
                defaults={"link": link, "note": "Data contoh.", "entered_by": staff},
            )
    DesaTarget.objects.update_or_create(
        year=today.year,
        kabupaten=Kabupaten.objects.get(code="62.02"),
        kecamatan=None,
        defaults={"target_percent": DEMO_TARGET_PERCENT, "note": "Target contoh."},
    )


# Citizens' wishes to form a KIM (issue 22): two in Desa Tangar (Kecamatan Mentaya Hulu, no KIM), so
# its kecamatan page shows "Ada minat warga: 2" and staff find them in the inbox. Example people only.
WISH_DESA = "62.02.03.2001"
DEMO_WISHES = [
    ("Warga Tangar (contoh)", "080000000001", Wish.Role.KARANG_TARUNA, 12, "Pemuda desa siap berkumpul (contoh)."),
    ("Perangkat Desa Tangar (contoh)", "080000000002", Wish.Role.PERANGKAT, 5, ""),
]


def _load_wish_demo() -> None:
    desa = Desa.objects.filter(code=WISH_DESA).first()
    if desa is None or Wish.objects.filter(desa=desa).exists():
        return
    for name, phone, role, people, message in DEMO_WISHES:
        Wish.objects.receive(desa=desa, name=name, phone=phone, email="", role=role, people=people, message=message)
