"""The check-in desk: search as you type (and without JavaScript), one tap per person that
counts once however often it is sent, undo, the arrivals counter; and walk-ins registered at
the desk, judged by the registry's rules on the drive's day and counted against its places."""

from __future__ import annotations

import re
import uuid
from typing import Any

import pytest
from django.test import Client

from recruitment.models import CheckinAction, Drive, DriveSignup, OutboxEmail, RulesVersion
from tests.factories import booking_form, drive, drive_signup, organiser

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}


def signed_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def desk() -> dict[str, Any]:
    lab = drive("DESK01", capacity=5)
    people = [drive_signup(lab, i) for i in (1, 2, 3)]
    DriveSignup.objects.filter(pk=people[0].pk).update(name="Anna Petrova")
    DriveSignup.objects.filter(pk=people[1].pk).update(name="Anna Smirnova")
    DriveSignup.objects.filter(pk=people[2].pk).update(name="Boris Ivanov")
    return {"drive": lab, "people": people, "client": signed_in(organiser(lab))}


def key_in(html: str, signup: Any) -> str:
    row = re.search(rf'<li id="signup-{signup.pk}".*?</li>', html, re.S)
    assert row, html
    found = re.search(r'name="key" value="([0-9a-f-]{36})"', row.group(0))
    assert found, row.group(0)
    return found.group(1)


def counter(html: str) -> int:
    found = re.search(r'id="checkin-counter"[^>]*><span class="figure">(\d+)</span>', html)
    assert found, html
    return int(found.group(1))


def tap(desk: dict[str, Any], signup: Any, key: str, action: str = "in", **extra: Any) -> Any:
    url = f"/en/organisers/drives/DESK01/check-in/{signup.pk}/"
    return desk["client"].post(url, {"key": key, "action": action, "q": "anna"}, **extra)


def test_the_search_box_narrows_the_list_as_you_type(desk: dict[str, Any]) -> None:
    client = desk["client"]
    page = client.get("/en/organisers/drives/DESK01/check-in/")
    assert page.status_code == 200 and counter(page.text) == 0
    assert 'hx-get="/en/organisers/drives/DESK01/check-in/search/"' in page.text
    partial = client.get(
        "/en/organisers/drives/DESK01/check-in/search/", {"q": "anna"}, headers=HTMX
    )
    assert "<html" not in partial.text
    assert partial.text.lstrip().startswith('<div id="checkin-results">')
    assert "Anna Petrova" in partial.text and "Anna Smirnova" in partial.text
    assert "Boris Ivanov" not in partial.text
    assert 'id="checkin-counter"' in partial.text and 'hx-swap-oob="true"' in partial.text
    phone = client.get("/en/organisers/drives/DESK01/check-in/search/", {"q": "0003"}, headers=HTMX)
    assert "Boris Ivanov" in phone.text and "Anna" not in phone.text
    assert (
        "Nobody matches"
        in client.get(
            "/en/organisers/drives/DESK01/check-in/search/", {"q": "zz"}, headers=HTMX
        ).text
    )


def test_without_javascript_the_form_submits_and_the_whole_page_comes_back(
    desk: dict[str, Any],
) -> None:
    page = desk["client"].get("/en/organisers/drives/DESK01/check-in/", {"q": "smirn"})
    assert "<html" in page.text and 'value="smirn"' in page.text
    assert "Anna Smirnova" in page.text and "Anna Petrova" not in page.text


def test_a_tap_checks_in_and_the_page_after_it_tells_the_truth(desk: dict[str, Any]) -> None:
    anna = desk["people"][0]
    page = desk["client"].get("/en/organisers/drives/DESK01/check-in/", {"q": "anna"})
    response = tap(desk, anna, key_in(page.text, anna))
    assert response.status_code == 302
    assert response["Location"] == f"/en/organisers/drives/DESK01/check-in/?q=anna#signup-{anna.pk}"
    after = desk["client"].get(response["Location"])
    assert "Checked in: Anna Petrova" in after.text
    assert counter(after.text) == 1
    row = re.search(rf'<li id="signup-{anna.pk}".*?</li>', after.text, re.S).group(0)  # type: ignore[union-attr]
    assert "Checked in at" in row and 'value="undo"' in row
    assert DriveSignup.objects.get(pk=anna.pk).checked_in_by is not None


def test_with_htmx_the_tap_swaps_the_row_and_the_counter(desk: dict[str, Any]) -> None:
    anna = desk["people"][0]
    page = desk["client"].get("/en/organisers/drives/DESK01/check-in/")
    response = tap(desk, anna, key_in(page.text, anna), headers=HTMX)
    assert response.status_code == 200
    assert response.text.lstrip().startswith(f'<li id="signup-{anna.pk}"')
    assert 'value="undo"' in response.text
    assert 'hx-swap-oob="true"' in response.text and counter(response.text) == 1
    assert key_in(response.text, anna) != key_in(page.text, anna)  # a fresh key for the next tap


def test_the_same_tap_sent_twice_counts_once(desk: dict[str, Any]) -> None:
    anna = desk["people"][0]
    key = key_in(desk["client"].get("/en/organisers/drives/DESK01/check-in/").text, anna)
    first = tap(desk, anna, key, headers=HTMX)
    again = tap(desk, anna, key, headers=HTMX)
    assert counter(first.text) == counter(again.text) == 1
    assert CheckinAction.objects.filter(signup=anna).count() == 1
    # Undone since, the old tap arriving late changes nothing either.
    undo_key = key_in(first.text, anna)
    assert counter(tap(desk, anna, undo_key, "undo", headers=HTMX).text) == 0
    late = tap(desk, anna, key, headers=HTMX)
    assert counter(late.text) == 0
    assert DriveSignup.objects.get(pk=anna.pk).status == "signed_up"


def test_undo_puts_the_person_back_and_the_counter_down(desk: dict[str, Any]) -> None:
    anna, boris = desk["people"][0], desk["people"][2]
    page = desk["client"].get("/en/organisers/drives/DESK01/check-in/").text
    tap(desk, anna, key_in(page, anna))
    tap(desk, boris, key_in(page, boris))
    page = desk["client"].get("/en/organisers/drives/DESK01/check-in/").text
    assert counter(page) == 2
    response = tap(desk, anna, key_in(page, anna), "undo")
    after = desk["client"].get(response["Location"]).text
    assert "Check-in undone: Anna Petrova" in after and counter(after) == 1
    assert DriveSignup.objects.get(pk=anna.pk).checked_in_at is None


def test_someone_waiting_cannot_be_checked_in_and_the_desk_says_why(desk: dict[str, Any]) -> None:
    anna = desk["people"][0]
    DriveSignup.objects.filter(pk=anna.pk).update(status="waiting")
    response = tap(desk, anna, str(uuid.uuid4()), headers=HTMX)
    assert response.status_code == 200
    assert "Register them as a walk-in" in response.text and counter(response.text) == 0
    assert DriveSignup.objects.get(pk=anna.pk).status == "waiting"


def test_a_draft_has_no_check_in_yet(desk: dict[str, Any]) -> None:
    Drive.objects.filter(pk=desk["drive"].pk).update(status="draft")
    page = desk["client"].get("/en/organisers/drives/DESK01/check-in/").text
    assert "Check-in opens once the drive is published." in page and 'value="in"' not in page
    tap(desk, desk["people"][0], str(uuid.uuid4()))
    assert DriveSignup.objects.get(pk=desk["people"][0].pk).status == "signed_up"


# Walk-ins


def answers(yes: str = "") -> dict[str, str]:
    rules = RulesVersion.objects.current().rules()
    return {f"c_{rule.key}": "yes" if rule.key == yes else "no" for rule in rules.conditions}


def walk_in(client: Client, i: int, code: str = "WALKIN", yes: str = "", **fields: Any) -> Any:
    person = {"name": f"Walk In {i}", "email": f"walk{i}@example.org", "phone": f"+7912777{i:04d}"}
    form = booking_form(**{**person, **fields})
    return client.post(f"/en/organisers/drives/{code}/walk-in/", {**form, **answers(yes)})


def test_a_walk_in_is_registered_and_checked_in_at_once() -> None:
    lab = drive("WALKIN", capacity=3)
    client = signed_in(organiser(lab))
    page = client.get("/en/organisers/drives/WALKIN/walk-in/")
    assert page.status_code == 200 and page.text.count("<fieldset") >= len(answers())
    response = walk_in(client, 1)
    assert response.status_code == 302
    assert "Walk In 1 is registered and checked in" in client.get(response["Location"]).text
    person = DriveSignup.objects.get(drive=lab)
    assert person.status == "checked_in" and person.walk_in
    assert person.registered_by is not None and person.consent_via == "drive"  # given at the desk
    assert Drive.objects.get(pk=lab.pk).signed_up == 1
    assert not OutboxEmail.objects.filter(drive_signup=person).exists()


def test_the_last_place_goes_to_a_walk_in_and_the_next_is_refused_clearly() -> None:
    lab = drive("WALKIN", capacity=2)
    drive_signup(lab, 1)
    client = signed_in(organiser(lab))
    assert walk_in(client, 1).status_code == 302
    refused = walk_in(client, 2)
    assert refused.status_code == 409
    assert "The drive is full: there is no place left for this person." in refused.text
    assert DriveSignup.objects.filter(drive=lab).count() == 2
    assert Drive.objects.get(pk=lab.pk).signed_up == 2


def test_a_yes_answer_registers_nobody_and_says_why() -> None:
    lab = drive("WALKIN")
    client = signed_in(organiser(lab))
    rules = RulesVersion.objects.current().rules()
    excluded = next(rule for rule in rules.conditions if rule.outcome == "exclude")
    response = walk_in(client, 1, yes=excluded.key)
    assert response.status_code == 200
    assert "cannot join the registry today. Nothing was saved." in response.text
    assert excluded.text("en", "question") in response.text
    assert not DriveSignup.objects.exists()


def test_age_counts_on_the_drives_day() -> None:
    lab = drive("WALKIN")
    client = signed_in(organiser(lab))
    max_age = RulesVersion.objects.current().rules().max_age
    born = lab.day.replace(year=lab.day.year - max_age - 1)
    response = walk_in(
        client, 1, born_day=str(born.day), born_month=str(born.month), born_year=str(born.year)
    )
    assert "takes new donors up to the age of" in response.text
    assert not DriveSignup.objects.exists()


def test_an_unanswered_question_and_a_bad_phone_are_pointed_out() -> None:
    lab = drive("WALKIN")
    client = signed_in(organiser(lab))
    form = booking_form(phone="12")
    data = {**form, **answers()}
    data.pop(next(iter(answers())))
    response = client.post("/en/organisers/drives/WALKIN/walk-in/", data)
    assert response.status_code == 400
    assert "One question still needs an answer." in response.text
    assert "does not look like a real phone number" in response.text
    assert not DriveSignup.objects.exists()


def test_someone_already_signed_up_is_sent_to_check_in_instead() -> None:
    lab = drive("WALKIN")
    drive_signup(lab, 1)
    client = signed_in(organiser(lab))
    response = walk_in(client, 9, email="s1@example.org")
    assert response.status_code == 409
    assert "already signed up for the drive" in response.text
    assert "/en/organisers/drives/WALKIN/check-in/?q=Signed%20Up%201" in response.text
    assert DriveSignup.objects.filter(drive=lab).count() == 1
