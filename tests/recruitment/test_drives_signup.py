"""Signing up for a drive: a passed check first, age on the drive's day, one sign-up per person
and per form, the waiting list, time windows, and the manage link from the email."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.test import Client

from recruitment.models import Drive, DriveSignup, OutboxEmail
from recruitment.services.eligibility import PROOF_COOKIE
from recruitment.tokens import token_new
from tests.factories import (
    booking_form,
    drive,
    drive_signup,
    drive_window,
    emails_now,
    link_in,
    proof_for,
    send_outbox,
)

pytestmark = pytest.mark.django_db

SIGN_UP = "/{lang}/drives/TEST42/sign-up/"


@pytest.fixture
def lab() -> Drive:
    return drive("TEST42", capacity=10)


@pytest.fixture
def volunteer() -> Client:
    client = Client()
    client.cookies[PROOF_COOKIE] = proof_for()
    return client


def _main(response) -> str:
    html = response.content.decode()
    return html[html.index('<main id="main"') : html.index("</main>")]


def _page(response, email: str = "anna@example.org") -> str:
    html = _main(response).replace(email, "EMAIL")
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "CSRF", html)


def _manage_link(smtp, address: str = "anna@example.org") -> str:
    """The manage link in the latest email to `address` (an English speaker's)."""
    send_outbox()
    return f"/en/drive-signup/{link_in(smtp.inbox.to(address)[-1], 'drive-signup')}/"


def test_without_a_passed_check_the_volunteer_goes_to_the_checker_and_back(client, lab) -> None:
    response = client.get("/en/drives/TEST42/sign-up/")
    assert response.status_code == 302
    assert response["Location"] == "/en/eligibility/?next=%2Fen%2Fdrives%2FTEST42%2Fsign-up%2F"
    forged = Client()
    forged.cookies[PROOF_COOKIE] = "forged"
    assert forged.post("/en/drives/TEST42/sign-up/", booking_form()).status_code == 302
    assert DriveSignup.objects.count() == 0


def test_a_volunteer_signs_up_and_gets_an_email_in_their_language_with_a_working_link(
    volunteer, lab, smtp
) -> None:
    page = volunteer.get("/ru/drives/TEST42/sign-up/")
    assert page.status_code == 200
    assert 'value="1995-05-17"' in page.content.decode() or 'value="17"' in page.content.decode()
    response = volunteer.post(
        "/ru/drives/TEST42/sign-up/", booking_form(language="ru", name="Анна Петрова")
    )
    assert response.status_code == 302
    assert response["Location"] == "/ru/drives/TEST42/signed-up/"
    done = volunteer.get(response["Location"])
    assert "anna@example.org" in _main(done)
    signup = DriveSignup.objects.get()
    assert (signup.status, signup.phone, signup.language) == ("signed_up", "+79123456789", "ru")
    assert Drive.objects.get(pk=lab.pk).signed_up == 1
    assert send_outbox() == 1
    (message,) = smtp.inbox.to("anna@example.org")
    assert "День донора в университете" in message["Subject"]
    body = message.get_body(preferencelist=("plain",)).get_content()
    assert "Анна Петрова" in body and "Главный корпус" in body
    assert body.lower().count("passport") + body.lower().count("паспорт") == 1
    token = link_in(message, "drive-signup")
    assert f"/ru/drive-signup/{token}/" in body
    manage = Client().get(f"/ru/drive-signup/{token}/")
    assert manage.status_code == 200
    assert "Анна Петрова" in _main(manage)
    assert "no-store" in manage["Cache-Control"]
    (ics,) = list(message.iter_attachments())
    assert ics.get_content_type() == "text/calendar"


def test_the_same_form_sent_twice_makes_one_sign_up_and_one_email(volunteer, lab) -> None:
    data = booking_form()
    first = volunteer.post(SIGN_UP.format(lang="en"), data)
    second = volunteer.post(SIGN_UP.format(lang="en"), data)
    assert first["Location"] == second["Location"] == "/en/drives/TEST42/signed-up/"
    assert DriveSignup.objects.count() == 1
    assert Drive.objects.get(pk=lab.pk).signed_up == 1
    assert emails_now().count() == 1


def test_someone_already_signed_up_sees_the_same_page_and_gets_one_email_about_it(
    lab, smtp
) -> None:
    def attempt(**changes: str) -> str:
        client = Client()
        client.cookies[PROOF_COOKIE] = proof_for()
        response = client.post(SIGN_UP.format(lang="en"), booking_form(**changes), follow=True)
        return _page(response, changes.get("email", "anna@example.org"))

    new = attempt()
    again = attempt()
    by_phone = attempt(email="someone@example.org")
    assert new == again == by_phone
    assert DriveSignup.objects.count() == 1
    assert Drive.objects.get(pk=lab.pk).signed_up == 1
    send_outbox()
    kinds = [m["Subject"] for m in smtp.inbox.to("anna@example.org")]
    assert len(kinds) == 2 and "already signed up" in kinds[1]
    assert smtp.inbox.to("someone@example.org") == []
    # The "already" email's own link works as well as the first one.
    first, second = smtp.inbox.to("anna@example.org")
    for message in (first, second):
        assert (
            Client().get(f"/en/drive-signup/{link_in(message, 'drive-signup')}/").status_code == 200
        )


def test_a_full_drive_puts_people_on_its_waiting_list_when_they_ask(volunteer, smtp) -> None:
    lab = drive("TEST42", capacity=1)
    drive_signup(lab, 1)
    page = _main(volunteer.get(SIGN_UP.format(lang="en")))
    assert "All places are taken." in page
    assert 'name="waiting_list" value="on"' in page
    refused = volunteer.post(SIGN_UP.format(lang="en"), booking_form())
    assert refused.status_code == 409
    assert "Join the waiting list" in _main(refused)
    assert DriveSignup.objects.filter(email="anna@example.org").count() == 0
    joined = volunteer.post(SIGN_UP.format(lang="en"), booking_form(waiting_list="on"))
    assert joined.status_code == 302
    waiting = DriveSignup.objects.get(email="anna@example.org")
    assert waiting.status == "waiting"
    assert Drive.objects.get(pk=lab.pk).signed_up == 1
    send_outbox()
    (message,) = smtp.inbox.to("anna@example.org")
    assert "waiting list" in message["Subject"]
    link = f"/en/drive-signup/{link_in(message, 'drive-signup')}/"
    assert "You are on the waiting list" in _main(Client().get(link))
    # Leaving it takes the same two steps as cancelling, and is confirmed by email.
    assert "Leave the waiting list?" in _main(volunteer.get(f"{link}cancel/"))
    left = volunteer.post(f"{link}cancel/", {"confirm": "yes"}, follow=True)
    assert "You have left the waiting list" in _main(left)
    assert DriveSignup.objects.get(email="anna@example.org").status == "cancelled"
    assert Drive.objects.get(pk=lab.pk).signed_up == 1
    send_outbox()
    assert "left the waiting list" in smtp.inbox.to("anna@example.org")[-1]["Subject"]


def test_a_drive_with_windows_asks_for_one_and_keeps_to_its_places(volunteer, lab) -> None:
    morning = drive_window(lab, 10, capacity=1)
    noon = drive_window(lab, 12, capacity=5)
    page = _main(volunteer.get(SIGN_UP.format(lang="en")))
    assert "10:00–11:00 · 1 place left" in page and "12:00–13:00 · 5 places left" in page
    missing = volunteer.post(SIGN_UP.format(lang="en"), booking_form())
    assert "Please choose when you will come." in _main(missing)
    foreign = drive_window(drive("OTHER1"), 10)
    other = volunteer.post(SIGN_UP.format(lang="en"), booking_form(window=str(foreign.pk)))
    assert "Please choose when you will come." in _main(other)
    assert DriveSignup.objects.count() == 0
    volunteer.post(SIGN_UP.format(lang="en"), booking_form(window=str(morning.pk)))
    assert DriveSignup.objects.get().window == morning
    # The morning is now full: the next person is told, and offered the waiting list for it.
    late = Client()
    late.cookies[PROOF_COOKIE] = proof_for()
    data = booking_form(email="boris@example.org", phone="+7 912 000-00-02", window=str(morning.pk))
    taken = late.post(SIGN_UP.format(lang="en"), data)
    assert taken.status_code == 409
    assert "the time you chose has just filled up" in _main(taken)
    assert "10:00–11:00 · full, waiting list only" in _main(taken)
    late.post(SIGN_UP.format(lang="en"), {**data, "window": str(noon.pk)})
    assert DriveSignup.objects.get(email="boris@example.org").window == noon
    assert [w.signed_up for w in lab.windows.order_by("starts_at")] == [1, 1]


def test_someone_too_young_on_the_drives_day_is_told_the_date(lab) -> None:
    eighteenth = lab.day + dt.timedelta(days=3)
    client = Client()
    client.cookies[PROOF_COOKIE] = proof_for(born=eighteenth.replace(year=eighteenth.year - 18))
    response = client.get(SIGN_UP.format(lang="en"))
    page = _main(response)
    assert "Age is counted on the day of the drive" in page
    assert f"{eighteenth.day} {eighteenth:%B} {eighteenth.year}" in page
    assert 'name="email"' not in page
    posted = client.post(SIGN_UP.format(lang="en"), booking_form())
    assert "Age is counted on the day of the drive" in _main(posted)
    assert DriveSignup.objects.count() == 0


def test_the_sign_up_form_is_rate_limited_per_address(volunteer, lab, settings) -> None:
    settings.RATELIMIT_BOOKING_EMAIL = "2/h"
    codes = [
        volunteer.post(SIGN_UP.format(lang="en"), booking_form()).status_code for _ in range(3)
    ]
    assert codes == [302, 302, 429]
    assert DriveSignup.objects.count() == 1


def test_a_bot_filling_the_hidden_field_sees_the_usual_page_and_nothing_is_made(
    volunteer, lab
) -> None:
    response = volunteer.post(SIGN_UP.format(lang="en"), booking_form(website="spam"))
    assert response["Location"] == "/en/drives/TEST42/signed-up/"
    assert DriveSignup.objects.count() == 0 and OutboxEmail.objects.count() == 0


def test_the_manage_link_cancels_after_asking_and_the_place_goes_to_the_waiting_list(
    lab, smtp
) -> None:
    lab.capacity = 1
    lab.save()
    client = Client()
    client.cookies[PROOF_COOKIE] = proof_for()
    client.post(SIGN_UP.format(lang="en"), booking_form())
    waiting = Client()
    waiting.cookies[PROOF_COOKIE] = proof_for()
    waiting.post(
        SIGN_UP.format(lang="en"),
        booking_form(email="boris@example.org", phone="+79120000002", waiting_list="on"),
    )
    link = _manage_link(smtp)
    ask = client.get(f"{link}cancel/")
    assert "Cancel your sign-up?" in _main(ask)
    assert DriveSignup.objects.get(email="anna@example.org").status == "signed_up"
    done = client.post(f"{link}cancel/", {"confirm": "yes"}, follow=True)
    assert done.redirect_chain == [("/en/drive-signup/cancelled/", 302)]
    assert "Your sign-up is cancelled" in _main(done)
    assert DriveSignup.objects.get(email="anna@example.org").status == "cancelled"
    assert DriveSignup.objects.get(email="boris@example.org").status == "signed_up"
    assert Drive.objects.get(pk=lab.pk).signed_up == 1
    assert client.get(link).status_code == 404
    send_outbox()
    assert "cancelled" in smtp.inbox.to("anna@example.org")[-1]["Subject"]
    assert "freed up" in smtp.inbox.to("boris@example.org")[-1]["Subject"]


def test_the_manage_link_moves_the_sign_up_to_another_window(lab, smtp) -> None:
    morning = drive_window(lab, 10, capacity=2)
    noon = drive_window(lab, 12, capacity=1)
    client = Client()
    client.cookies[PROOF_COOKIE] = proof_for()
    client.post(SIGN_UP.format(lang="en"), booking_form(window=str(morning.pk)))
    link = _manage_link(smtp)
    page = _main(client.get(link))
    assert "Change your time" in page and f'value="{noon.pk}"' in page
    moved = client.post(f"{link}window/", {"window": str(noon.pk)}, follow=True)
    assert moved.redirect_chain == [(link, 302)]
    assert "Your time is changed" in _main(moved)
    assert "Your time: 12:00–13:00" in _main(moved)
    assert DriveSignup.objects.get().window == noon
    assert [w.signed_up for w in lab.windows.order_by("starts_at")] == [0, 1]
    send_outbox()
    assert "12:00" in smtp.inbox.to("anna@example.org")[-1]["Subject"]
    # A window that is full, or of another drive, changes nothing and says so.
    drive_signup(lab, 5, window=morning)
    drive_signup(lab, 6, window=morning)
    refused = client.post(f"{link}window/", {"window": str(morning.pk)})
    assert refused.status_code == 409
    assert "that time is no longer free" in _main(refused)
    for junk in ("99999999999", "99999999999999999999", "-1", "x", ""):
        assert client.post(f"{link}window/", {"window": junk}).status_code == 409
    assert DriveSignup.objects.get(email="anna@example.org").window == noon
    assert client.get(f"{link}window/").status_code == 405


def test_the_manage_link_gives_a_calendar_file_of_the_persons_window(lab, smtp) -> None:
    noon = drive_window(lab, 12, capacity=2)
    client = Client()
    client.cookies[PROOF_COOKIE] = proof_for()
    client.post(SIGN_UP.format(lang="en"), booking_form(window=str(noon.pk)))
    link = _manage_link(smtp)
    response = client.get(f"{link}calendar.ics")
    assert response.status_code == 200 and response["Content-Type"] == "text/calendar"
    body = response.content.decode()
    assert "DTSTART;TZID=Europe/Moscow:" in body and "T120000" in body and "T130000" in body
    page = _main(client.get(link))
    assert "https://calendar.google.com/calendar/render" in page


def test_wrong_used_and_expired_manage_links_all_get_the_same_404(lab, smtp, time_machine) -> None:
    client = Client()
    client.cookies[PROOF_COOKIE] = proof_for()
    client.post(SIGN_UP.format(lang="en"), booking_form())
    link = _manage_link(smtp)
    token = link.rstrip("/").rsplit("/", 1)[1]
    stranger = token_new()[0]
    unknown = client.get(f"/en/drive-signup/{stranger}/")
    tampered = client.get(f"/en/drive-signup/{token[:-1]}{'A' if token[-1] != 'A' else 'B'}/")
    assert unknown.status_code == tampered.status_code == 404
    assert "Page not found" in _main(unknown)
    for path in ("cancel/", "calendar.ics"):
        assert client.get(f"/en/drive-signup/{stranger}/{path}").status_code == 404
    assert client.post(f"/en/drive-signup/{stranger}/window/", {"window": "1"}).status_code == 404
    time_machine.move_to(lab.ends_at + dt.timedelta(minutes=1))
    expired = client.get(link)
    assert expired.status_code == 404
    assert _main(expired) == _main(unknown)
