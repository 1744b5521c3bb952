from django.db import migrations

from recruitment.eligibility import snapshot_of
from recruitment.seed_rules import seed_conditions


def seed_rules(apps, schema_editor):
    AgePolicy = apps.get_model("recruitment", "AgePolicy")
    Condition = apps.get_model("recruitment", "Condition")
    RulesVersion = apps.get_model("recruitment", "RulesVersion")
    policy, _ = AgePolicy.objects.get_or_create(pk=1, defaults={"min_age": 18, "max_age": 45})
    for row in seed_conditions():
        Condition.objects.update_or_create(key=row["key"], defaults=row)
    if not RulesVersion.objects.exists():
        conditions = Condition.objects.filter(active=True).order_by("order", "pk")
        RulesVersion.objects.create(number=1, snapshot=snapshot_of(policy, conditions))


def unseed_rules(apps, schema_editor):
    apps.get_model("recruitment", "RulesVersion").objects.all().delete()
    apps.get_model("recruitment", "Condition").objects.all().delete()
    apps.get_model("recruitment", "AgePolicy").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("recruitment", "0001_initial")]

    operations = [migrations.RunPython(seed_rules, unseed_rules)]
