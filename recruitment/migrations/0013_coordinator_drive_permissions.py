"""Site coordinators approve drives: they decide proposals, publish, send back or cancel drives,
stop an organiser's account, and read sign-ups and the records of a drive's day."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

COORDINATOR = "coordinator"
PERMISSIONS = [
    "view_driveproposal",
    "change_driveproposal",  # approve and decline
    "view_drive",
    "change_drive",  # publish, send back, cancel; correct a detail before publishing
    "view_drivewindow",
    "change_drivewindow",
    "add_drivewindow",
    "view_driveorganiser",
    "change_driveorganiser",  # deactivate an organiser's account
    "view_drivesignup",
    "view_checkinaction",
    "view_driveexport",
    "view_drivemessage",
    "view_sample",
]


def _permissions(apps, schema_editor):
    # Permissions are made after the last migration of a run (see 0008): make them now.
    config = apps.get_app_config("recruitment")
    models_module = getattr(config, "models_module", None)
    config.models_module = models_module or True
    using = schema_editor.connection.alias if schema_editor else "default"
    try:
        create_permissions(config, verbosity=0, using=using, apps=apps)
    finally:
        config.models_module = models_module
    Permission = apps.get_model("auth", "Permission")
    found = list(
        Permission.objects.using(using).filter(
            content_type__app_label="recruitment", codename__in=PERMISSIONS
        )
    )
    missing = set(PERMISSIONS) - {p.codename for p in found}
    if missing:
        raise RuntimeError(f"permissions missing for the coordinator group: {sorted(missing)}")
    return using, found


def coordinator_drives_allow(apps, schema_editor):
    using, permissions = _permissions(apps, schema_editor)
    Group = apps.get_model("auth", "Group")
    group, _created = Group.objects.using(using).get_or_create(name=COORDINATOR)
    group.permissions.add(*permissions)


def coordinator_drives_deny(apps, schema_editor):
    using = schema_editor.connection.alias if schema_editor else "default"
    Group = apps.get_model("auth", "Group")
    group = Group.objects.using(using).filter(name=COORDINATOR).first()
    if group is None:
        return
    group.permissions.remove(
        *group.permissions.filter(content_type__app_label="recruitment", codename__in=PERMISSIONS)
    )


class Migration(migrations.Migration):
    dependencies = [
        ("recruitment", "0012_drives"),
    ]

    operations = [
        migrations.RunPython(coordinator_drives_allow, coordinator_drives_deny),
    ]
