"""Roles as Django groups: Admin Diskominfo and Petugas lapangan.

Existing KIM became verified in registry 0002 (the new field's default), so
coverage numbers do not change on upgrade.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

ADMIN_GROUP = "Admin Diskominfo"
OFFICER_GROUP = "Petugas lapangan"


def create_roles(apps, schema_editor):
    # Permissions are normally created after all migrations; make sure they exist now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    admin, _ = Group.objects.get_or_create(name=ADMIN_GROUP)
    # History is read-only for everyone: only the view permission of historical models.
    tamper = [f"{action}_historical" for action in ("add", "change", "delete")]
    own = Permission.objects.filter(content_type__app_label__in=["registry", "coverage"])
    admin.permissions.add(
        *[p for p in own if not p.codename.startswith(tuple(tamper))],
        *Permission.objects.filter(content_type__app_label="auth", codename="view_user"),
    )
    officer, _ = Group.objects.get_or_create(name=OFFICER_GROUP)
    officer.permissions.add(Permission.objects.get(content_type__app_label="coverage", codename="use_field_area"))


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=[ADMIN_GROUP, OFFICER_GROUP]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("registry", "0002_kim_review_and_history"),
        ("coverage", "0002_field_reports_and_history"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
