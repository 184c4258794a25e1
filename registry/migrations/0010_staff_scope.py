"""Staff scoped to their kabupaten: who works for which kabupaten (StaffKabupaten), and the
province coordinator's role, a group that may view (not change) everything of the registry and
coverage apps. Which rows each user sees is registry.scope's business, not the group's.

No data migration: a kabupaten portal's staff without an assignment are implicitly its staff
(registry.scope), so an upgrade locks nobody out.
"""

import django.db.models.deletion
from django.conf import settings
from django.contrib.auth.management import create_permissions
from django.db import migrations, models

COORDINATOR_GROUP = "Koordinator provinsi"


def create_coordinator_role(apps, schema_editor):
    # Permissions are normally created after all migrations; make sure they exist now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    coordinator, _ = Group.objects.get_or_create(name=COORDINATOR_GROUP)
    coordinator.permissions.add(
        *Permission.objects.filter(content_type__app_label__in=["registry", "coverage"], codename__startswith="view_"),
        *Permission.objects.filter(content_type__app_label="auth", codename="view_user"),
    )


def remove_coordinator_role(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=COORDINATOR_GROUP).delete()


class Migration(migrations.Migration):

    dependencies = [
        # After the other branches' registry and coverage models, so the coordinator may view them too.
        ('registry', '0009_search_indexes'),
        ('coverage', '0008_desa_target'),
        ('auth', '0012_alter_user_first_name_max_length'),
        ('contenttypes', '0002_remove_content_type_name'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='StaffKabupaten',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('whole_province', models.BooleanField(default=False, help_text='Centang untuk koordinator provinsi: melihat semua kabupaten/kota di provinsi ini.', verbose_name='seluruh provinsi (koordinator)')),
                ('assigned_at', models.DateTimeField(auto_now_add=True, verbose_name='ditugaskan pada')),
                ('kabupaten', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='staff_assignments', to='registry.kabupaten', verbose_name='kabupaten/kota')),
                ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='staff_kabupaten', to=settings.AUTH_USER_MODEL, verbose_name='staf')),
            ],
            options={
                'verbose_name': 'wilayah kerja staf',
                'verbose_name_plural': 'wilayah kerja staf',
                'ordering': ['user__username', 'kabupaten__code'],
                'constraints': [models.UniqueConstraint(fields=('user', 'kabupaten'), name='registry_staffkabupaten_unique_user_kabupaten', violation_error_message='Staf ini sudah ditugaskan di kabupaten/kota tersebut.')],
            },
        ),
        migrations.RunPython(create_coordinator_role, remove_coordinator_role),
    ]
