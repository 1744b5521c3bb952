"""The English reasons of the starting exclusions said "donors who have had HIV or AIDS" and
"have had diabetes" after a question in the present tense ("Do you have diabetes?"). Each
reason now keeps its question's tense (recruitment/seed_rules.py).

Only rows whose text is still the old starting text change: a reason staff have rewritten in
the admin stays theirs. If anything changed, the rules are published as a new version, the way
saving them in the admin does, so a check shows the new text and the versions stay a history.
The texts are written out here, not imported, so this migration means the same thing later.
"""

from django.db import migrations

from recruitment.eligibility import snapshot_of

_BEFORE = "To keep both the donor and the patient safe, the registry does not take donors who "
_AFTER = ". This is a rule for everyone with this answer, not a judgement about you."

# key: (the old "what", the new one)
WHAT = {
    "tuberculosis": ("have had tuberculosis", "have had tuberculosis"),
    "hiv": ("have had HIV or AIDS", "have HIV or AIDS"),
    "hepatitis-b": ("have had hepatitis B", "have had hepatitis B"),
    "hepatitis-c": ("have had hepatitis C", "have had hepatitis C"),
    "malaria": ("have had malaria", "have had malaria"),
    "cancer": ("have had cancer", "have had cancer"),
    "mental-disorder": (
        "have had a diagnosed mental disorder",
        "have been diagnosed with a mental disorder",
    ),
    "diabetes": ("have had diabetes", "have diabetes"),
    "autoimmune": ("have had an autoimmune disease", "have an autoimmune disease"),
}


def _reason(what):
    return f"{_BEFORE}{what}{_AFTER}"


def _replace(apps, old, new):
    """Change the reasons still equal to `old` to `new`; publish if any changed."""
    Condition = apps.get_model("recruitment", "Condition")
    changed = 0
    for key, texts in WHAT.items():
        if texts[0] != texts[1]:
            changed += Condition.objects.filter(key=key, reason_en=_reason(old(texts))).update(
                reason_en=_reason(new(texts))
            )
    if changed:
        _publish(apps)


def _publish(apps):
    """What recruitment.services.eligibility.rules_publish does, with the historical models:
    a new numbered version unless the newest already holds these rules."""
    AgePolicy = apps.get_model("recruitment", "AgePolicy")
    Condition = apps.get_model("recruitment", "Condition")
    RulesVersion = apps.get_model("recruitment", "RulesVersion")
    policy = AgePolicy.objects.filter(pk=1).first()
    if policy is None:
        return
    snapshot = snapshot_of(policy, Condition.objects.filter(active=True).order_by("order", "pk"))
    latest = RulesVersion.objects.select_for_update().order_by("-number").first()
    if latest is not None and latest.snapshot == snapshot:
        return
    RulesVersion.objects.create(number=(latest.number + 1) if latest else 1, snapshot=snapshot)


def reasons_in_one_tense(apps, schema_editor):
    _replace(apps, old=lambda texts: texts[0], new=lambda texts: texts[1])


def reasons_as_before(apps, schema_editor):
    _replace(apps, old=lambda texts: texts[1], new=lambda texts: texts[0])


class Migration(migrations.Migration):
    dependencies = [("recruitment", "0009_slot_set_by_staff")]

    operations = [migrations.RunPython(reasons_in_one_tense, reasons_as_before)]
