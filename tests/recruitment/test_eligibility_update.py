"""A proof from an older version of the rules: only the questions changed since are asked."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from recruitment import eligibility
from recruitment.models import AgePolicy, Condition, RulesVersion, Slot
from recruitment.services.eligibility import PROOF_COOKIE, rules_publish
from tests.factories import BORN, proof_for, typing_site
from tests.factories import slot as make_slot

pytestmark = pytest.mark.django_db

CHECKER = "/en/eligibility/"
NEW = "sickle-cell"
NEW_QUESTION = "Do you have sickle cell disease?"
NEW_REASON = "People with sickle cell disease cannot give stem cells safely."


@pytest.fixture
def free_slot() -> Slot:
    return make_slot(typing_site(), timezone.now() + dt.timedelta(days=3), capacity=2)


@pytest.fixture
def old_keys() -> list[str]:
    return [c.key for c in RulesVersion.objects.current().rules().conditions]


@pytest.fixture
def volunteer() -> Client:
    """Passed the check under the rules as they were before the change the test makes."""
    client = Client()
    client.cookies[PROOF_COOKIE] = proof_for(BORN)
    return client


@pytest.fixture
def new_exclusion(volunteer) -> int:
    """Staff add a permanent exclusion after the volunteer passed; the new version's number."""
    Condition.objects.create(
        key=NEW,
        question_en=NEW_QUESTION,
        question_ru="Есть ли у вас серповидноклеточная анемия?",
        reason_en=NEW_REASON,
        reason_ru="При серповидноклеточной анемии сдавать стволовые клетки небезопасно.",
        outcome="exclude",
        order=999,
    )
    return rules_publish().number


def book_url(slot: Slot) -> str:
    return f"/en/typing-sites/{slot.site.slug}/book/{slot.pk}/"


def post(client: Client, data: dict[str, str], *, htmx: bool = False):
    headers = {"HX-Request": "true"} if htmx else {}
    version = str(RulesVersion.objects.current().number)
    return client.post(CHECKER, {"version": version, **data}, headers=headers)


def proof_in(cookies) -> eligibility.Proof:
    proof = eligibility.proof_read(cookies[PROOF_COOKIE].value)
    assert proof is not None
    return proof


def test_booking_with_a_proof_from_before_a_new_exclusion_goes_to_the_checker(
    volunteer, new_exclusion, free_slot
) -> None:
    response = volunteer.get(book_url(free_slot))
    assert response.status_code == 302
    assert (
        response["Location"]
        == f"/en/eligibility/?next=%2Fen%2Ftyping-sites%2Ftest-lab%2Fbook%2F{free_slot.pk}%2F"
    )


def test_the_checker_kindly_asks_only_the_new_question(volunteer, old_keys, new_exclusion) -> None:
    response = volunteer.get(CHECKER)
    content = response.content.decode()
    assert response.status_code == 200
    assert "Our questions have changed since you took the check on" in content
    assert "Please answer the new question" in content
    assert NEW_QUESTION in content
    assert content.count('type="radio"') == 2
    assert content.count(f'name="c_{NEW}"') == 2
    for key in old_keys:
        assert f'name="c_{key}"' not in content
    assert "Have you ever had malaria?" not in content
    assert 'name="born_day"' not in content
    assert 'name="born"' not in content


def test_a_no_to_the_new_question_renews_the_proof_and_the_booking_opens(
    volunteer, new_exclusion, free_slot
) -> None:
    back_to = book_url(free_slot)
    response = post(volunteer, {"stage": "questions", f"c_{NEW}": "no", "next": back_to})
    assert b"Good news" in response.content
    assert f'href="{back_to}"'.encode() in response.content
    proof = proof_in(response.cookies)
    assert proof.version == new_exclusion
    assert proof.born_on == BORN
    assert proof.checked_on == timezone.localdate()

    booking = volunteer.get(back_to)
    assert booking.status_code == 200
    assert b'id="details"' in booking.content
    assert b'name="name"' in booking.content


def test_a_yes_to_the_new_exclusion_says_why_and_leaves_no_new_proof(
    volunteer, new_exclusion, free_slot
) -> None:
    response = post(volunteer, {"stage": "questions", f"c_{NEW}": "yes"})
    content = response.content.decode()
    assert "You cannot join the registry as a donor" in content
    assert NEW_QUESTION in content
    assert NEW_REASON in content
    assert PROOF_COOKIE not in response.cookies
    assert volunteer.get(book_url(free_slot)).status_code == 302


def test_with_htmx_only_the_new_question_is_asked_one_at_a_time(
    volunteer, old_keys, new_exclusion
) -> None:
    first = volunteer.get(CHECKER, headers={"HX-Request": "true"})
    content = first.content.decode()
    assert "<html" not in content
    assert "Question 1 of 1" in content
    assert f'name="question" value="{NEW}"' in content
    assert 'value="back"' not in content  # nothing to go back to: the date of birth is known

    # Answering an old question instead changes nothing: the new one is asked again.
    stray = post(volunteer, {"question": old_keys[0], "answer": "no"}, htmx=True)
    assert f'name="question" value="{NEW}"'.encode() in stray.content
    assert PROOF_COOKIE not in stray.cookies

    done = post(volunteer, {"question": NEW, "answer": "no"}, htmx=True)
    assert b"Good news" in done.content
    assert b"<html" not in done.content
    assert proof_in(done.cookies).version == new_exclusion


def test_with_htmx_a_yes_to_the_new_exclusion_ends_the_check(volunteer, new_exclusion) -> None:
    response = post(volunteer, {"question": NEW, "answer": "yes"}, htmx=True)
    assert b"You cannot join the registry as a donor" in response.content
    assert PROOF_COOKIE not in response.cookies


def test_a_changed_question_counts_as_new(volunteer, old_keys, free_slot) -> None:
    changed = Condition.objects.get(key=old_keys[2])
    changed.question_en = f"{changed.question_en[:-1]}, even once?"
    changed.save()
    rules_publish()
    assert volunteer.get(book_url(free_slot)).status_code == 302

    content = volunteer.get(CHECKER).content.decode()
    assert changed.question_en in content
    assert content.count('type="radio"') == 2
    assert f'name="c_{old_keys[2]}"' in content
    assert f'name="c_{old_keys[0]}"' not in content

    response = post(volunteer, {"stage": "questions", f"c_{old_keys[2]}": "no"})
    assert b"Good news" in response.content
    assert volunteer.get(book_url(free_slot)).status_code == 200


def test_a_removed_question_needs_nothing(volunteer, old_keys, free_slot) -> None:
    was = proof_in(volunteer.cookies).version
    Condition.objects.filter(key=old_keys[0]).update(active=False)
    assert rules_publish().number > was
    booking = volunteer.get(book_url(free_slot))
    assert booking.status_code == 200
    assert b'id="details"' in booking.content
    # Nothing to catch up on: the checker starts as usual, with the date of birth.
    checker = volunteer.get(CHECKER).content.decode()
    assert 'name="born_day"' in checker
    assert "Our questions have changed" not in checker


def test_a_forged_form_cannot_leave_the_new_question_out(
    volunteer, old_keys, new_exclusion
) -> None:
    # Without JavaScript: every old answer and a fresh date of birth, but not the new question.
    everything_old = {f"c_{key}": "no" for key in old_keys}
    plain = post(volunteer, {"stage": "questions", "born": "1990-01-01", **everything_old})
    assert b"Good news" not in plain.content
    assert b"Please answer this question." in plain.content
    assert PROOF_COOKIE not in plain.cookies

    # Starting over as if for a whole check still asks the new question, and only it.
    restart = post(volunteer, {"stage": "born", "born": "1990-01-01", **everything_old})
    assert NEW_QUESTION.encode() in restart.content
    assert restart.content.count(b'type="radio"') == 2
    assert PROOF_COOKIE not in restart.cookies

    # With htmx: the old answers carried as if already given.
    stepped = post(
        volunteer, {**everything_old, "question": old_keys[-1], "answer": "no"}, htmx=True
    )
    assert f'name="question" value="{NEW}"'.encode() in stepped.content
    assert PROOF_COOKIE not in stepped.cookies


def test_the_age_is_judged_again_with_the_current_rules(volunteer) -> None:
    AgePolicy.objects.filter(pk=1).update(max_age=25)
    Condition.objects.create(
        key=NEW,
        question_en=NEW_QUESTION,
        question_ru="Есть ли у вас серповидноклеточная анемия?",
        reason_en=NEW_REASON,
        reason_ru="При серповидноклеточной анемии сдавать стволовые клетки небезопасно.",
        outcome="exclude",
        order=999,
    )
    rules_publish()
    response = volunteer.get(CHECKER)
    assert b"up to the age of 25" in response.content
    assert b'type="radio"' not in response.content
    assert PROOF_COOKIE not in response.cookies


def test_a_forged_proof_gets_the_whole_check(new_exclusion) -> None:
    client = Client()
    client.cookies[PROOF_COOKIE] = proof_for(BORN, version=1) + "x"
    content = client.get(CHECKER).content.decode()
    assert 'name="born_day"' in content
    assert "Our questions have changed" not in content
