from django.db import migrations

from recruitment.seed_entries import ENTRIES


def seed_entries(apps, schema_editor):
    Entry = apps.get_model("recruitment", "Entry")
    if not Entry.objects.exists():
        Entry.objects.bulk_create(Entry(**row) for row in ENTRIES)


def unseed_entries(apps, schema_editor):
    Entry = apps.get_model("recruitment", "Entry")
    Entry.objects.filter(question_en__in=[row["question_en"] for row in ENTRIES]).delete()


class Migration(migrations.Migration):
    dependencies = [("recruitment", "0002_seed_rules")]

    operations = [migrations.RunPython(seed_entries, unseed_entries)]
