"""A volunteer takes the eligibility check in a real browser, with the keyboard only."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from playwright.sync_api import Page, expect

from recruitment.models import RulesVersion
from tests.e2e.conftest import Site
from tests.e2e.helpers import axe_violations, tab_to

TEXTS = {
    "en": {
        "eligible": "Good news: you can join the registry",
        "not_eligible": "You cannot join the registry as a donor",
        "deferred": "You can join from",
        "ask": "Please talk to us first",
        "question_1": "Question 1 of",
        "question_2": "Question 2 of",
    },
    "ru": {
        "eligible": "Хорошие новости",
        "not_eligible": "вы не можете вступить в регистр",
        "deferred": "Вы сможете вступить",
        "ask": "Сначала свяжитесь с нами",
        "question_1": "Вопрос 1 из",
        "question_2": "Вопрос 2 из",
    },
}


def type_date_of_birth(page: Page, born: dt.date) -> None:
    tab_to(page, "input[name=born_day]")
    page.keyboard.type(str(born.day))
    page.keyboard.press("Tab")
    page.keyboard.type(str(born.month))
    page.keyboard.press("Tab")
    page.keyboard.type(str(born.year))


def answer(page: Page, value: str) -> None:
    tab_to(page, f"#checker button[value={value}]")
    page.keyboard.press("Enter")


def _born(years: int) -> dt.date:
    today = dt.date.today()
    return (
        dt.date(today.year - years, 1, 15)
        if today.month > 1
        else dt.date(today.year - years - 1, 1, 15)
    )


@pytest.mark.parametrize("lang", ["en", "ru"])
@pytest.mark.parametrize("outcome", ["eligible", "not_eligible", "deferred", "ask"])
def test_a_volunteer_completes_the_check_with_the_keyboard(
    request: pytest.FixtureRequest, lang: str, outcome: str
) -> None:
    site: Site = request.getfixturevalue(f"site_{lang}")
    texts = TEXTS[lang]
    total = len(RulesVersion.objects.current().rules().conditions)
    page = site.open(f"/{lang}/eligibility/")

    type_date_of_birth(page, _born(16 if outcome == "deferred" else 30))
    tab_to(page, "#checker button[type=submit]")
    page.keyboard.press("Enter")

    if outcome != "deferred":
        expect(page.locator("#checker")).to_contain_text(texts["question_1"])
        # Focus follows the new question, so the keyboard carries on from there.
        expect(page.locator("#checker-heading")).to_be_focused()
        if outcome == "not_eligible":
            answer(page, "yes")
        else:
            for number in range(1, total + 1):
                progress = re.compile(rf"\b{number}\D+{total}\b")
                expect(page.locator("#progress-label")).to_have_text(progress)
                answer(page, "yes" if outcome == "ask" and number == total else "no")

    expect(page.locator("#checker-heading")).to_contain_text(texts[outcome])
    expect(page.locator("#checker-heading")).to_be_focused()
    assert page.url.endswith(f"/{lang}/eligibility/"), "answers must never reach the address"
    assert axe_violations(page) == []
    cookies = {c["name"] for c in site.context.cookies()}
    assert ("eligibility_proof" in cookies) is (outcome == "eligible")


def test_back_goes_to_the_previous_question_and_the_browser_back_button_still_works(
    site_en: Site,
) -> None:
    page = site_en.open("/en/")
    page.get_by_role("link", name="Start the check").click()
    type_date_of_birth(page, _born(30))
    page.keyboard.press("Enter")
    expect(page.locator("#progress-label")).to_contain_text("Question 1 of")
    answer(page, "no")
    expect(page.locator("#progress-label")).to_contain_text("Question 2 of")
    page.locator("#checker button[value=back]").click()
    expect(page.locator("#progress-label")).to_contain_text("Question 1 of")
    page.locator("#checker button[value=back]").click()
    expect(page.locator("input[name=born_year]")).to_have_value(str(_born(30).year))

    page.go_back()
    expect(page).to_have_url(site_en.base_url + "/en/")
    expect(page.locator("h1")).to_be_visible()
    page.go_forward()
    expect(page.locator("input[name=born_day]")).to_be_visible()


def test_without_javascript_the_whole_check_is_one_plain_page(site_nojs: Site) -> None:
    page = site_nojs.open("/en/eligibility/")
    born = _born(30)
    page.get_by_label("Day").fill(str(born.day))
    page.get_by_label("Month").fill(str(born.month))
    page.get_by_label("Year").fill(str(born.year))
    page.get_by_role("button", name="Continue").click()
    radios = page.locator("#checker input[type=radio][value=no]")
    total = len(RulesVersion.objects.current().rules().conditions)
    expect(radios).to_have_count(total)
    for index in range(total - 1):
        radios.nth(index).check()
    page.get_by_role("button", name="See my result").click()
    expect(page.locator(".error-summary")).to_contain_text("One question still needs an answer")
    expect(page.locator("#checker input[type=radio][value=no]:checked")).to_have_count(total - 1)
    radios.nth(total - 1).check()
    page.get_by_role("button", name="See my result").click()
    expect(page.locator("#checker-heading")).to_contain_text(TEXTS["en"]["eligible"])


def test_the_plain_questions_page_has_no_axe_violations(site_en: Site) -> None:
    # Playwright cannot run axe where JavaScript is off, so here only htmx is kept away: the
    # page then behaves exactly as it does without JavaScript.
    site_en.context.route("**/django_htmx/**", lambda route: route.abort())
    page = site_en.open("/en/eligibility/")
    born = _born(30)
    page.get_by_label("Day").fill(str(born.day))
    page.get_by_label("Month").fill(str(born.month))
    page.get_by_label("Year").fill(str(born.year))
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("button", name="See my result").click()
    expect(page.locator(".error-summary")).to_be_visible()
    assert axe_violations(page) == []


def test_a_bad_date_gets_a_kind_error_in_russian(site_ru: Site) -> None:
    page = site_ru.open("/ru/eligibility/")
    page.get_by_label("День").fill("1")
    page.get_by_label("Месяц").fill("1")
    page.get_by_label("Год").fill("2999")
    page.locator("#checker button[type=submit]").click()
    expect(page.locator("#checker .errorlist")).to_contain_text("Эта дата ещё не наступила")
    assert axe_violations(page) == []
