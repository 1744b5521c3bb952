"""The English exclusion reasons keep the tense of their question, in a fresh database and in
one seeded before the fix (data migration 0010, which publishes a new rules version)."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps

from recruitment.models import Condition, RulesVersion
from recruitment.seed_rules import seed_conditions

pytestmark = pytest.mark.django_db

migration = importlib.import_module("recruitment.migrations.0010_english_reasons_in_one_tense")


def _tense_agrees(question: str, reason: str) -> bool:
    """ "Do you have diabetes?" → "…who have diabetes"; "Have you ever had…?" → "have had…";
    "Have you been diagnosed…?" → "have been diagnosed…"."""
    if question.startswith("Do you have "):
        return " who have " in reason and " who have had " not in reason
    if question.startswith("Have you ever had "):
        return " who have had " in reason
    if question.startswith("Have you been diagnosed "):
        return " who have been diagnosed " in reason
    return True


def test_every_seeded_english_reason_keeps_the_tense_of_its_question() -> None:
    rows = [row for row in seed_conditions() if row["outcome"] == "exclude"]
    assert len(rows) == 9
    wrong = [
        row["key"]
        for row in rows
        if not _tense_agrees(str(row["question_en"]), str(row["reason_en"]))
    ]
    assert wrong == []


def test_the_checker_shows_the_fixed_reason(client) -> None:
    rules = RulesVersion.objects.current().rules()
    diabetes = next(rule for rule in rules.conditions if rule.key == "diabetes")
    assert " who have diabetes." in diabetes.text("en", "reason")


def test_the_migration_fixes_old_texts_keeps_staff_edits_and_publishes_once() -> None:
    old = {key: migration._reason(texts[0]) for key, texts in migration.WHAT.items()}
    new = {key: migration._reason(texts[1]) for key, texts in migration.WHAT.items()}
    for key, text in old.items():  # a database seeded before the fix
        Condition.objects.filter(key=key).update(reason_en=text)
    Condition.objects.filter(key="hiv").update(reason_en="Written by our doctor.")
    before = RulesVersion.objects.current().number

    migration.reasons_in_one_tense(apps, None)

    reasons = dict(Condition.objects.values_list("key", "reason_en"))
    assert reasons["diabetes"] == new["diabetes"]
    assert reasons["mental-disorder"] == new["mental-disorder"]
    assert reasons["hiv"] == "Written by our doctor."  # staff's own text stays
    current = RulesVersion.objects.current()
    assert current.number == before + 1
    diabetes = next(rule for rule in current.rules().conditions if rule.key == "diabetes")
    assert diabetes.text("en", "reason") == new["diabetes"]

    migration.reasons_in_one_tense(apps, None)  # nothing left to fix: no new version
    assert RulesVersion.objects.current().number == before + 1

    migration.reasons_as_before(apps, None)
    assert Condition.objects.get(key="diabetes").reason_en == old["diabetes"]
    assert RulesVersion.objects.current().number == before + 2
