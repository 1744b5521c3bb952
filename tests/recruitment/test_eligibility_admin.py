"""Staff edit the rules in the admin; every change makes a new, readable version."""

from __future__ import annotations

import pytest
from django.test import Client

from recruitment.models import AgePolicy, Condition, RulesVersion
from tests.factories import login_verified, rules_editor

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client: Client) -> Client:
    return login_verified(client, rules_editor())


def condition_form(condition: Condition, **changes: object) -> dict[str, object]:
    data = {
        field: getattr(condition, field)
        for field in (
            "key",
            "question_ru",
            "question_en",
            "help_ru",
            "help_en",
            "reason_ru",
            "reason_en",
            "outcome",
            "order",
        )
    }
    data["active"] = "on" if condition.active else ""
    data["deferral_months"] = condition.deferral_months or ""
    data.update(changes)
    return {key: value for key, value in data.items() if value != ""}


def test_the_migrations_seed_the_rules_from_the_facts() -> None:
    rules = RulesVersion.objects.current().rules()
    assert (rules.min_age, rules.max_age) == (18, 45)
    keys = {c.key for c in rules.conditions}
    assert {
        "tuberculosis",
        "hiv",
        "hepatitis-b",
        "hepatitis-c",
        "malaria",
        "cancer",
        "mental-disorder",
        "diabetes",
        "autoimmune",
        "chronic-disease",
    } <= keys
    for rule in rules.conditions:
        for lang in ("ru", "en"):
            assert rule.text(lang, "question") and rule.text(lang, "reason")


def test_editing_a_question_makes_a_new_version_and_keeps_the_old_one(staff_client) -> None:
    before = RulesVersion.objects.current()
    condition = Condition.objects.get(key="malaria")
    url = f"/en/admin/recruitment/condition/{condition.pk}/change/"
    response = staff_client.post(
        url, condition_form(condition, question_en="Have you had malaria, ever?")
    )
    assert response.status_code == 302
    current = RulesVersion.objects.current()
    assert current.number == before.number + 1
    assert current.created_by.username == "rules-editor"
    assert (
        current.rules().condition("malaria").text("en", "question") == "Have you had malaria, ever?"
    )
    old = RulesVersion.objects.get(number=before.number)
    assert old.rules().condition("malaria").text("en", "question") == "Have you ever had malaria?"
    page = staff_client.get(f"/en/admin/recruitment/rulesversion/{old.pk}/change/")
    assert page.status_code == 200
    assert b"Have you ever had malaria?" in page.content


def test_saving_without_a_change_makes_no_new_version(staff_client) -> None:
    before = RulesVersion.objects.count()
    condition = Condition.objects.get(key="malaria")
    staff_client.post(
        f"/en/admin/recruitment/condition/{condition.pk}/change/", condition_form(condition)
    )
    assert RulesVersion.objects.count() == before


def test_changing_the_age_bounds_makes_a_new_version(staff_client) -> None:
    policy = AgePolicy.get()
    response = staff_client.post(
        f"/en/admin/recruitment/agepolicy/{policy.pk}/change/", {"min_age": 18, "max_age": 50}
    )
    assert response.status_code == 302
    assert RulesVersion.objects.current().rules().max_age == 50


def test_the_youngest_age_cannot_exceed_the_oldest(staff_client) -> None:
    before = RulesVersion.objects.count()
    policy = AgePolicy.get()
    response = staff_client.post(
        f"/en/admin/recruitment/agepolicy/{policy.pk}/change/", {"min_age": 50, "max_age": 40}
    )
    assert response.status_code == 200
    assert RulesVersion.objects.count() == before
    assert AgePolicy.get().max_age == 45


def test_a_list_edit_of_several_rows_makes_one_version(staff_client) -> None:
    before = RulesVersion.objects.current().number
    conditions = list(Condition.objects.order_by("order", "pk"))
    data = {
        "form-TOTAL_FORMS": str(len(conditions)),
        "form-INITIAL_FORMS": str(len(conditions)),
        "_save": "Save",
    }
    for i, c in enumerate(conditions):
        data[f"form-{i}-id"] = str(c.pk)
        data[f"form-{i}-order"] = str(c.order)
        if c.active and c.key not in ("malaria", "diabetes"):
            data[f"form-{i}-active"] = "on"
    response = staff_client.post("/en/admin/recruitment/condition/", data)
    assert response.status_code == 302
    current = RulesVersion.objects.current()
    assert current.number == before + 1
    assert {"malaria", "diabetes"}.isdisjoint(c.key for c in current.rules().conditions)


def test_a_deferral_needs_its_months(staff_client) -> None:
    condition = Condition.objects.get(key="malaria")
    url = f"/en/admin/recruitment/condition/{condition.pk}/change/"
    response = staff_client.post(url, condition_form(condition, outcome="defer"))
    assert response.status_code == 200
    assert Condition.objects.get(key="malaria").outcome == "exclude"


def test_versions_cannot_be_edited_or_deleted(staff_client) -> None:
    version = RulesVersion.objects.current()
    url = f"/en/admin/recruitment/rulesversion/{version.pk}/"
    assert staff_client.post(url + "delete/", {"post": "yes"}).status_code == 403
    staff_client.post(url + "change/", {"number": 99})
    assert RulesVersion.objects.get(pk=version.pk).number == version.number


def test_the_checker_uses_the_newest_version(staff_client) -> None:
    condition = Condition.objects.get(key="malaria")
    staff_client.post(
        f"/en/admin/recruitment/condition/{condition.pk}/change/",
        condition_form(condition, question_en="Have you EVER had malaria?"),
    )
    response = Client().post("/en/eligibility/", {"stage": "born", "born": "1990-01-01"})
    assert b"Have you EVER had malaria?" in response.content
