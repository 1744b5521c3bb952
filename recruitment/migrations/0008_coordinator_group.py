"""The site coordinators' group: only what the day sheet and assisted booking need."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

COORDINATOR = "coordinator"
PERMISSIONS = [
    "view_typingsite",
    "view_slot",
    "view_appointment",
    "change_appointment",  # marks on the day sheet
    "add_appointment",  # booking for a caller
    "view_waitlistentry",
    "change_waitlistentry",
    "view_outboxemail",
]


def coordinator_group_create(apps, schema_editor):
    # Permissions are made after the last migration of a run; make this app's now, so a fresh
    # database has them to give.
    config = apps.get_app_config("recruitment")
    models_module = getattr(config, "models_module", None)
    config.models_module = models_module or True
    using = schema_editor.connection.alias if schema_editor else "default"
    try:
        create_permissions(config, verbosity=0, using=using, apps=apps)
    finally:
        config.models_module = models_module
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    permissions = list(
        Permission.objects.using(using).filter(
            content_type__app_label="recruitment", codename__in=PERMISSIONS
        )
    )
    missing = set(PERMISSIONS) - {p.codename for p in permissions}
    if missing:
        raise RuntimeError(f"permissions missing for the coordinator group: {sorted(missing)}")
    group, _created = Group.objects.using(using).get_or_create(name=COORDINATOR)
    group.permissions.set(permissions)


def coordinator_group_delete(apps, schema_editor):
    using = schema_editor.connection.alias if schema_editor else "default"
    apps.get_model("auth", "Group").objects.using(using).filter(name=COORDINATOR).delete()


class Migration(migrations.Migration):

    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("recruitment", "0007_link_tokens_and_send_time_rendering"),
    ]

    operations = [
        migrations.RunPython(coordinator_group_create, coordinator_group_delete),
    ]
