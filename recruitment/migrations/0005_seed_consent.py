from django.db import migrations

from recruitment.seed_consent import CONSENT_EN, CONSENT_RU


def seed_consent(apps, schema_editor):
    ConsentText = apps.get_model("recruitment", "ConsentText")
    if not ConsentText.objects.exists():
        ConsentText.objects.create(version=1, text_ru=CONSENT_RU, text_en=CONSENT_EN)


def unseed_consent(apps, schema_editor):
    apps.get_model("recruitment", "ConsentText").objects.filter(version=1).delete()


class Migration(migrations.Migration):
    dependencies = [("recruitment", "0004_typing_sites_and_booking")]

    operations = [migrations.RunPython(seed_consent, unseed_consent)]
