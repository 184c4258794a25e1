"""Desa targets get a history (who changed one, when and why), like KIM and events.

Targets set before this migration get one "created" entry dated now, so each
target's history page starts from what it holds; the entry says so. Admin
Diskominfo may read the history, never write it.
"""

from decimal import Decimal

import django.core.validators
import django.db.models.deletion
import simple_history.models
from django.conf import settings
from django.db import migrations, models


def start_history_and_let_staff_read_it(apps, schema_editor):
    from django.contrib.auth.management import create_permissions
    from django.utils import timezone

    DesaTarget = apps.get_model("coverage", "DesaTarget")
    HistoricalDesaTarget = apps.get_model("coverage", "HistoricalDesaTarget")
    now = timezone.now()
    HistoricalDesaTarget.objects.bulk_create(
        HistoricalDesaTarget(
            id=t.pk,
            year=t.year,
            kabupaten_id=t.kabupaten_id,
            kecamatan_id=t.kecamatan_id,
            target_percent=t.target_percent,
            note=t.note,
            history_date=now,
            history_type="+",
            history_change_reason="awal riwayat (target sudah ada sebelumnya)",
        )
        for t in DesaTarget.objects.all()
    )
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    read = Permission.objects.filter(content_type__app_label="coverage", codename="view_historicaldesatarget")
    for group in Group.objects.filter(name="Admin Diskominfo"):
        group.permissions.add(*read)


class Migration(migrations.Migration):
    dependencies = [
        ("coverage", "0012_event_kecamatan_starts_index"),
        ("registry", "0012_kim_activity_review"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="HistoricalDesaTarget",
            fields=[
                ("id", models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name="ID")),
                (
                    "year",
                    models.PositiveSmallIntegerField(
                        validators=[
                            django.core.validators.MinValueValidator(2000),
                            django.core.validators.MaxValueValidator(2100),
                        ],
                        verbose_name="tahun",
                    ),
                ),
                (
                    "target_percent",
                    models.DecimalField(
                        decimal_places=1,
                        help_text="Persentase desa/kelurahan yang memiliki KIM aktif pada 31 Desember tahun itu.",
                        max_digits=4,
                        validators=[
                            django.core.validators.MinValueValidator(Decimal("0.1")),
                            django.core.validators.MaxValueValidator(Decimal("100")),
                        ],
                        verbose_name="target (%)",
                    ),
                ),
                (
                    "note",
                    models.CharField(
                        blank=True, help_text="Misalnya dasar penetapannya.", max_length=200, verbose_name="keterangan"
                    ),
                ),
                ("history_id", models.AutoField(primary_key=True, serialize=False)),
                ("history_date", models.DateTimeField(db_index=True)),
                ("history_change_reason", models.CharField(max_length=100, null=True)),
                (
                    "history_type",
                    models.CharField(choices=[("+", "Created"), ("~", "Changed"), ("-", "Deleted")], max_length=1),
                ),
                (
                    "history_user",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "kabupaten",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="registry.kabupaten",
                        verbose_name="kabupaten/kota",
                    ),
                ),
                (
                    "kecamatan",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        help_text="Kosongkan untuk target seluruh kabupaten.",
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="registry.kecamatan",
                        verbose_name="kecamatan",
                    ),
                ),
            ],
            options={
                "verbose_name": "riwayat target desa ber-KIM",
                "verbose_name_plural": "riwayat target desa ber-KIM",
                "ordering": ("-history_date", "-history_id"),
                "get_latest_by": ("history_date", "history_id"),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.RunPython(start_history_and_let_staff_read_it, migrations.RunPython.noop),
    ]
