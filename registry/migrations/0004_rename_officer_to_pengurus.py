"""A KIM's board members are *pengurus*, never "officers" (the field officers are petugas).

Renames the model, its history model, the related name and the one-ketua
constraint, and carries the permissions over: Django renames content types on
RenameModel but not permission codenames, so without this the group *Admin
Diskominfo* would lose its rights on pengurus.
"""

from django.db import migrations, models

RENAMED = {"officer": "pengurus", "historicalofficer": "historicalpengurus"}
ACTIONS = ("add", "change", "delete", "view")


def rename_permissions(apps, schema_editor, renames):
    Permission = apps.get_model("auth", "Permission")
    for old, new in renames.items():
        for action in ACTIONS:
            stale = Permission.objects.filter(content_type__app_label="registry", codename=f"{action}_{old}").first()
            if stale is None:
                continue
            fresh = Permission.objects.filter(content_type=stale.content_type, codename=f"{action}_{new}").first()
            if fresh is None:
                stale.codename = f"{action}_{new}"
                stale.name = stale.name.replace(old.replace("historical", "historical "), new.replace("historical", "historical "))
                stale.save()
            else:  # created by a post_migrate in between: move the grants, drop the stale one
                for group in stale.group_set.all():
                    group.permissions.add(fresh)
                for user in stale.user_set.all():
                    user.user_permissions.add(fresh)
                stale.delete()


def forwards(apps, schema_editor):
    rename_permissions(apps, schema_editor, RENAMED)


def backwards(apps, schema_editor):
    rename_permissions(apps, schema_editor, {new: old for old, new in RENAMED.items()})


class Migration(migrations.Migration):
    dependencies = [
        ("registry", "0003_kim_name_index"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.RemoveConstraint(model_name="officer", name="registry_officer_one_ketua_per_kim"),
        migrations.RenameModel(old_name="Officer", new_name="Pengurus"),
        migrations.RenameModel(old_name="HistoricalOfficer", new_name="HistoricalPengurus"),
        migrations.AlterField(
            model_name="pengurus",
            name="kim",
            field=models.ForeignKey(
                on_delete=models.deletion.CASCADE,
                related_name="pengurus",
                to="registry.kim",
                verbose_name="KIM",
            ),
        ),
        migrations.AddConstraint(
            model_name="pengurus",
            constraint=models.UniqueConstraint(
                condition=models.Q(("role", 1)),
                fields=("kim",),
                name="registry_pengurus_one_ketua_per_kim",
                violation_error_message="Satu KIM hanya boleh memiliki satu ketua.",
            ),
        ),
        migrations.RunPython(forwards, backwards),
    ]
