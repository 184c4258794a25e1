"""Staff (Admin Diskominfo) and the province coordinator read the notifications of the people of
their kabupaten in the admin (its attempts and last error): view only, nobody writes them there."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUPS = ["Admin Diskominfo", "Koordinator provinsi"]


def staff_read_notifications(apps, schema_editor):
    # Permissions are normally created after all migrations; make sure they exist now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    view = Permission.objects.filter(content_type__app_label="core", codename="view_notification")
    for group in Group.objects.filter(name__in=GROUPS):
        group.permissions.add(*view)


class Migration(migrations.Migration):
    dependencies = [
        ("coverage", "0014_review_workflow"),
        ("registry", "0010_staff_scope"),
        ("core", "0002_notifications"),
    ]

    operations = [migrations.RunPython(staff_read_notifications, migrations.RunPython.noop)]
