"""The eligibility checker as a volunteer uses it: plain pages without JavaScript, htmx steps."""

from __future__ import annotations

import datetime as dt
import logging

import pytest
from django.apps import apps
from django.db import connection
from django.test import Client
from django.urls import reverse

from recruitment import eligibility
from recruitment.models import Condition, RulesVersion
from recruitment.services.eligibility import PROOF_COOKIE, rules_publish

pytestmark = pytest.mark.django_db

URL = "/en/eligibility/"
ADULT = "1995-05-17"


@pytest.fixture
def keys() -> list[str]:
    return [c.key for c in RulesVersion.objects.current().rules().conditions]


def post(client: Client, data: dict[str, str], *, htmx: bool = False, url: str = URL):
    headers = {"HX-Request": "true"} if htmx else {}
    version = str(RulesVersion.objects.current().number)
    return client.post(url, {"version": version, **data}, headers=headers)


def all_answers(keys: list[str], **yes: str) -> dict[str, str]:
    return {f"c_{key}": yes.get(key.replace("-", "_"), "no") for key in keys}


def test_the_checker_starts_with_the_date_of_birth(client: Client) -> None:
    response = client.get(URL)
    assert response.status_code == 200
    assert b'name="born_day"' in response.content
    assert b'name="born_year"' in response.content
    assert "no-store" in response["Cache-Control"]
    assert response.content.count(b"<h1") == 1


def test_it_refuses_other_methods(client: Client) -> None:
    assert client.put(URL).status_code == 405
    assert client.delete(URL).status_code == 405


def test_without_javascript_the_questions_come_on_one_page(client: Client, keys) -> None:
    response = post(client, {"stage": "born", "born": ADULT})
    assert response.status_code == 200
    for condition in Condition.objects.filter(active=True):
        assert condition.question_en.encode() in response.content
    assert response.content.count(b'type="radio"') == 2 * len(keys)


def test_all_no_means_eligible_with_a_signed_proof(client: Client, keys) -> None:
    response = post(client, {"stage": "questions", "born": ADULT, **all_answers(keys)})
    assert response.status_code == 200
    assert b"Good news" in response.content
    proof = eligibility.proof_read(response.cookies[PROOF_COOKIE].value)
    assert proof is not None
    assert proof.born_on == dt.date(1995, 5, 17)
    assert proof.version == RulesVersion.objects.current().number
    assert response.cookies[PROOF_COOKIE]["httponly"]


def test_a_yes_to_an_exclusion_says_which_answer_and_why(client: Client, keys) -> None:
    answers = all_answers(keys, malaria="yes")
    response = post(client, {"stage": "questions", "born": ADULT, **answers})
    content = response.content.decode()
    assert "You cannot join the registry as a donor" in content
    assert "Have you ever had malaria?" in content
    assert "malaria. This is a rule for everyone" in content
    assert "Give blood" in content
    assert PROOF_COOKIE not in response.cookies


def test_a_chronic_illness_sends_the_volunteer_to_ask_us(client: Client, keys) -> None:
    answers = all_answers(keys, **{"chronic_disease": "yes"})
    response = post(client, {"stage": "questions", "born": ADULT, **answers})
    assert b"Please talk to us first" in response.content
    assert b"mailto:" in response.content


def test_a_deferral_says_from_when(client: Client, keys) -> None:
    Condition.objects.create(
        key="tattoo",
        question_en="Have you had a tattoo in the last 4 months?",
        question_ru="Делали ли вы татуировку за последние 4 месяца?",
        reason_en="Wait a little.",
        reason_ru="Нужно немного подождать.",
        outcome="defer",
        deferral_months=4,
        order=999,
    )
    rules_publish()
    keys = [c.key for c in RulesVersion.objects.current().rules().conditions]
    response = post(
        client, {"stage": "questions", "born": ADULT, **all_answers(keys, tattoo="yes")}
    )
    assert b"You can join from" in response.content
    assert b"Wait a little." in response.content


def test_unanswered_questions_get_a_kind_error_and_keep_the_answers(client: Client, keys) -> None:
    answers = all_answers(keys)
    del answers[f"c_{keys[3]}"]
    response = post(client, {"stage": "questions", "born": ADULT, **answers})
    assert b"Please answer this question." in response.content
    assert b"One question still needs an answer." in response.content
    assert b"Good news" not in response.content
    assert response.content.count(b" checked") == len(keys) - 1


def test_too_young_is_deferred_until_the_18th_birthday(client: Client) -> None:
    born = dt.date.today().replace(year=dt.date.today().year - 16) - dt.timedelta(days=1)
    response = post(client, {"stage": "born", "born": born.isoformat()})
    assert b"You can join from" in response.content
    assert b"join from the age of 18" in response.content


def test_too_old_is_not_eligible_and_no_health_question_is_asked(client: Client) -> None:
    response = post(client, {"stage": "born", "born": "1950-01-01"})
    assert b"up to the age of 45" in response.content
    assert b'type="radio"' not in response.content


@pytest.mark.parametrize(
    ("born", "message"),
    [
        ("2999-01-01", b"That date is in the future"),
        ("1850-01-01", b"Please check the year"),
        ("31.02.1990", b"Please enter a real date"),
        ("yesterday", b"Please enter a real date"),
        ("", b"Please enter your date of birth."),
    ],
)
def test_a_bad_date_of_birth_is_a_clear_error(client: Client, born: str, message: bytes) -> None:
    response = post(client, {"stage": "born", "born": born})
    assert response.status_code == 200
    assert message in response.content
    assert b'type="radio"' not in response.content


def test_the_date_is_typed_as_day_month_and_year(client: Client) -> None:
    parts = {"born_day": "17", "born_month": "5", "born_year": "1995"}
    response = post(client, {"stage": "born", **parts})
    assert b'type="radio"' in response.content
    assert b'name="born" value="1995-05-17"' in response.content


@pytest.mark.parametrize(
    "parts",
    [
        {"born_day": "31", "born_month": "2", "born_year": "1995"},
        {"born_day": "17", "born_month": "5", "born_year": "95"},
        {"born_day": "17", "born_month": "", "born_year": "1995"},
    ],
)
def test_an_impossible_or_partial_date_keeps_what_was_typed(client: Client, parts) -> None:
    response = post(client, {"stage": "born", **parts})
    assert b"Please enter a real date" in response.content
    assert f'value="{parts["born_day"]}"'.encode() in response.content


def test_errors_and_results_come_in_russian_on_the_russian_page(client: Client) -> None:
    response = post(client, {"stage": "born", "born": "2999-01-01"}, url="/ru/eligibility/")
    assert "Эта дата ещё не наступила" in response.content.decode()


# htmx: one question at a time


def test_with_htmx_the_first_question_comes_alone_as_a_partial(client: Client, keys) -> None:
    response = post(client, {"stage": "born", "born": ADULT}, htmx=True)
    content = response.content.decode()
    assert "<html" not in content
    assert 'id="checker"' in content
    assert f"Question 1 of {len(keys)}" in content
    assert content.count('name="answer"') == 2


def test_with_htmx_a_no_brings_the_next_question(client: Client, keys) -> None:
    data = {"born": ADULT, "question": keys[0], "answer": "no"}
    response = post(client, data, htmx=True)
    content = response.content.decode()
    assert "Question 2 of" in content
    assert f'name="c_{keys[0]}" value="no"' in content
    assert f'name="question" value="{keys[1]}"' in content


def test_with_htmx_back_returns_to_the_previous_question(client: Client, keys) -> None:
    data = {"born": ADULT, f"c_{keys[0]}": "no", f"c_{keys[1]}": "no", "nav": "back"}
    response = post(client, data, htmx=True)
    assert f'name="question" value="{keys[1]}"'.encode() in response.content
    assert b"Question 2 of" in response.content


def test_with_htmx_back_from_the_first_question_returns_to_the_date(client: Client) -> None:
    response = post(client, {"born": ADULT, "nav": "back"}, htmx=True)
    assert b'name="born_day"' in response.content
    assert b'value="17"' in response.content and b'value="1995"' in response.content


def test_with_htmx_a_yes_to_an_exclusion_ends_the_questions(client: Client, keys) -> None:
    response = post(client, {"born": ADULT, "question": keys[0], "answer": "yes"}, htmx=True)
    assert b"You cannot join the registry as a donor" in response.content
    assert b"<html" not in response.content


def test_with_htmx_the_last_no_gives_the_same_result_as_the_plain_page(client, keys) -> None:
    answers = {f"c_{k}": "no" for k in keys[:-1]}
    response = post(
        client, {"born": ADULT, **answers, "question": keys[-1], "answer": "no"}, htmx=True
    )
    assert b"Good news" in response.content
    assert PROOF_COOKIE in response.cookies


def test_a_skipped_question_cannot_be_smuggled_past(client: Client, keys) -> None:
    # Answers that do not follow on from the first question are ignored.
    answers = {f"c_{k}": "no" for k in keys[2:]}
    response = post(
        client, {"born": ADULT, **answers, "question": keys[0], "answer": "no"}, htmx=True
    )
    assert f'name="question" value="{keys[1]}"'.encode() in response.content


def test_a_rules_change_mid_check_starts_the_questions_again(client: Client, keys) -> None:
    old = str(RulesVersion.objects.current().number)
    Condition.objects.filter(key=keys[0]).update(active=False)
    rules_publish()
    data = {"version": old, "born": ADULT, "question": keys[1], "answer": "no"}
    response = client.post(URL, data, headers={"HX-Request": "true"})
    assert b"updated its questions" in response.content
    assert b"Question 1 of" in response.content


def test_every_answer_counts_against_a_ceiling_per_address(client: Client, settings) -> None:
    settings.RATELIMIT_CHECKER = "3/m"
    statuses = [post(client, {"stage": "born", "born": ADULT}).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    other = Client(REMOTE_ADDR="10.0.0.2")
    assert post(other, {"stage": "born", "born": ADULT}).status_code == 200
    limited = post(client, {"stage": "born", "born": ADULT}, htmx=True)
    assert limited.status_code == 429
    assert b"Please wait a little" in limited.content
    assert b"Please try again in 1 minute." in limited.content
    assert 1 <= int(limited["Retry-After"]) <= 60


# Privacy: answers are never stored, logged or put in a URL


def _row_counts() -> dict[str, int]:
    counts = {}
    with connection.cursor() as cursor:
        for model in apps.get_models():
            cursor.execute(f'SELECT COUNT(*) FROM "{model._meta.db_table}"')  # noqa: S608
            counts[model._meta.db_table] = cursor.fetchone()[0]
    return counts


def test_a_whole_check_leaves_nothing_in_the_database_or_the_logs(client, keys, caplog) -> None:
    caplog.set_level(logging.DEBUG)
    before = _row_counts()
    post(client, {"stage": "born", "born": ADULT})
    post(client, {"stage": "questions", "born": ADULT, **all_answers(keys, diabetes="yes")})
    post(client, {"born": ADULT, "question": keys[0], "answer": "yes"}, htmx=True)
    assert _row_counts() == before
    assert "diabetes" not in caplog.text
    assert ADULT not in caplog.text
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM django_session")
        assert cursor.fetchone()[0] == 0


def test_the_checker_form_posts_and_never_gets(client: Client) -> None:
    content = client.get(URL).content.decode()
    assert 'method="post"' in content
    assert 'method="get"' not in content.lower()
    # A GET with answers in the address is ignored: it shows the empty start page.
    response = client.get(URL + "?born=1995-05-17&c_diabetes=yes")
    assert b"Good news" not in response.content
    assert b'type="radio"' not in response.content


def test_the_reverse_of_the_checker_is_language_prefixed() -> None:
    assert reverse("checker").endswith("/eligibility/")
