"""Booking a typing appointment: the form, the invariants, the manage link."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.test import Client
from django.utils import timezone

from recruitment.models import Appointment, OutboxEmail, RulesVersion, Slot
from recruitment.services.appointments import appointment_cancel
from recruitment.services.eligibility import PROOF_COOKIE
from recruitment.tokens import token_new
from tests import factories
from tests.factories import appointment as make_appointment
from tests.factories import emails_now, link_in, manage_token, proof_for, send_outbox, typing_site
from tests.factories import slot as make_slot

pytestmark = pytest.mark.django_db

BORN = dt.date(1995, 5, 17)


@pytest.fixture
def site():
    return typing_site()


@pytest.fixture
def free_slot(site):
    return make_slot(site, timezone.now() + dt.timedelta(days=3), capacity=2)


@pytest.fixture
def volunteer() -> Client:
    client = Client()
    client.cookies[PROOF_COOKIE] = proof_for()
    return client


def url(slot: Slot, lang: str = "en") -> str:
    return f"/{lang}/typing-sites/{slot.site.slug}/book/{slot.pk}/"


def details(**changes: str) -> dict[str, str]:
    return factories.booking_form(**changes)


def test_without_a_passed_check_the_volunteer_is_sent_to_the_checker_first(client, free_slot):
    response = client.get(url(free_slot))
    assert response.status_code == 302
    assert (
        response["Location"]
        == f"/en/eligibility/?next=%2Fen%2Ftyping-sites%2Ftest-lab%2Fbook%2F{free_slot.pk}%2F"
    )
    forged = Client()
    forged.cookies[PROOF_COOKIE] = "forged"
    assert forged.get(url(free_slot)).status_code == 302


def test_the_checker_sends_an_eligible_volunteer_back_to_the_chosen_time(client, free_slot):
    keys = [c.key for c in RulesVersion.objects.current().rules().conditions]
    answers = {f"c_{k}": "no" for k in keys}
    response = client.post(
        "/en/eligibility/",
        {
            "stage": "questions",
            "born": "1995-05-17",
            "next": url(free_slot),
            "version": RulesVersion.objects.current().number,
            **answers,
        },
    )
    assert f'href="{url(free_slot)}"'.encode() in response.content
    evil = client.post(
        "/en/eligibility/",
        {
            "stage": "questions",
            "born": "1995-05-17",
            "next": "https://evil.example/",
            "version": RulesVersion.objects.current().number,
            **answers,
        },
    )
    assert b"evil.example" not in evil.content


def test_a_volunteer_books_and_only_the_rules_version_is_kept(volunteer, free_slot, smtp):
    response = volunteer.post(url(free_slot), details(name="Anna O'Brien"), follow=True)
    assert response.redirect_chain == [(f"/en/typing-sites/{free_slot.site.slug}/booked/", 302)]
    assert b"Please check your email" in response.content
    assert b"anna@example.org" in response.content
    appointment = Appointment.objects.get()
    assert appointment.slot == free_slot
    assert appointment.phone == "+79123456789"
    assert appointment.rules_version == RulesVersion.objects.current().number
    assert appointment.rules_checked_on == timezone.localdate()
    assert appointment.consent.version == 1
    assert appointment.consent_via == "web"
    free_slot.refresh_from_db()
    assert free_slot.booked == 1
    email = emails_now().get()
    assert email.kind == "booking-confirmed" and email.to == "anna@example.org"
    assert send_outbox() == 1
    (message,) = smtp.inbox.to("anna@example.org")
    assert "O'Brien" in message.get_body(preferencelist=("plain",)).get_content()
    calendar = list(message.iter_attachments())
    assert calendar[0].get_content_type() == "text/calendar"
    token = link_in(message, "booking")
    assert volunteer.get(f"/en/booking/{token}/").status_code == 200
    # The outbox keeps what was sent, minus the working link.
    email.refresh_from_db()
    assert "/en/booking/" in email.body_text and token not in email.body_text
    # A refresh of the page the booking redirected to shows it again.
    assert b"Please check your email" in volunteer.get(response.redirect_chain[0][0]).content


def test_the_same_form_submitted_twice_makes_one_booking(volunteer, free_slot):
    data = details()
    first = volunteer.post(url(free_slot), data, follow=True)
    second = volunteer.post(url(free_slot), data, follow=True)
    assert first.redirect_chain == second.redirect_chain
    assert emails_now().count() == 1
    assert Appointment.objects.count() == 1
    assert Slot.objects.get(pk=free_slot.pk).booked == 1


def _page(response, email: str) -> str:
    html = response.content.decode().replace(email, "EMAIL")
    return re.sub(r'"X-CSRFToken": "[^"]+"', "CSRF", html)


@pytest.mark.parametrize("same", ["email", "phone"])
def test_a_person_holds_one_active_appointment_and_the_page_does_not_say_so(
    volunteer, site, free_slot, same
):
    volunteer.post(url(free_slot), details())
    other_slot = make_slot(site, timezone.now() + dt.timedelta(days=5))
    again = details(
        email="ANNA@example.org" if same == "email" else "other@example.org",
        phone="+7 912 345-67-89" if same == "phone" else "+7 912 000-00-01",
    )
    first_page = volunteer.post(
        url(other_slot), details(email="new@example.org", phone="+7 912 111-11-11"), follow=True
    )
    Appointment.objects.filter(email="new@example.org").delete()
    response = volunteer.post(url(other_slot), again, follow=True)
    assert response.status_code == 200
    assert _page(response, again["email"]) == _page(first_page, "new@example.org")
    assert (
        Appointment.objects.filter(status="booked", email__iexact="anna@example.org").count() == 1
    )
    assert Appointment.objects.count() == 1
    assert OutboxEmail.objects.filter(kind="booking-exists", to="anna@example.org").count() == 1


def test_a_full_slot_gets_a_kind_message_the_next_times_and_keeps_what_was_typed(volunteer, site):
    full = make_slot(site, timezone.now() + dt.timedelta(days=2), capacity=1)
    Slot.objects.filter(pk=full.pk).update(booked=1)
    later = make_slot(site, timezone.now() + dt.timedelta(days=2, hours=1))
    response = volunteer.post(url(full), details(name="Ivan Sidorov"))
    assert response.status_code == 409
    content = response.content.decode()
    assert "someone has just taken the last place" in content
    assert 'value="Ivan Sidorov"' in content
    assert f"/book/{later.pk}/" in content
    assert Appointment.objects.count() == 0


def test_the_honeypot_books_nothing_but_looks_the_same(volunteer, free_slot):
    response = volunteer.post(url(free_slot), details(website="http://spam.example"), follow=True)
    assert b"Please check your email" in response.content
    assert Appointment.objects.count() == 0 and OutboxEmail.objects.count() == 0


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("phone", "12345", "does not look like a real phone number"),
        ("email", "not-an-email", "Please enter an email address"),
        ("born_day", "18", "not the date of birth you gave"),
        ("consent", "", "Please give your consent"),
    ],
)
def test_bad_details_get_a_clear_error_and_change_nothing(
    volunteer, free_slot, field, value, message
):
    data = details(**{field: value})
    if not value:
        del data[field]
    response = volunteer.post(url(free_slot), data)
    assert message in response.content.decode()
    assert Appointment.objects.count() == 0
    assert Slot.objects.get(pk=free_slot.pk).booked == 0


def test_the_age_is_judged_again_on_the_appointment_day(site):
    day = timezone.now() + dt.timedelta(days=10)
    born = (day - dt.timedelta(days=2)).date().replace(year=day.year - 46)  # 46 two days before
    client = Client()
    client.cookies[PROOF_COOKIE] = proof_for(born)
    late = make_slot(site, day)
    response = client.get(url(late))
    assert b"Please choose an earlier day" in response.content


def test_booking_is_rate_limited_per_client_and_per_email(volunteer, site, settings):
    settings.RATELIMIT_BOOKING = "3/m"
    slots = [make_slot(site, timezone.now() + dt.timedelta(days=1, hours=h)) for h in range(5)]
    statuses = [volunteer.post(url(s), details(phone="bad")).status_code for s in slots[:4]]
    assert statuses == [200, 200, 200, 429]
    assert "try again in 1 minute" in volunteer.post(url(slots[0]), details()).content.decode()
    settings.RATELIMIT_BOOKING = "100/m"
    settings.RATELIMIT_BOOKING_EMAIL = "2/h"
    other = Client(REMOTE_ADDR="10.0.0.9")
    other.cookies[PROOF_COOKIE] = proof_for()
    # Junk posts with someone's address never lock that person out…
    junk = [
        other.post(url(slots[4]), details(email="x@example.org", phone="bad")).status_code
        for _ in range(5)
    ]
    assert junk == [200] * 5
    # …while well-formed attempts for one address are counted, and the page says how long.
    codes = [other.post(url(slots[4]), details(email="x@example.org")) for _ in range(3)]
    assert [c.status_code for c in codes] == [302, 302, 429]
    assert "try again in 60 minutes" in codes[2].content.decode()
    assert codes[2]["Retry-After"] == "3600"


def test_wrong_method_is_refused(volunteer, free_slot):
    assert volunteer.put(url(free_slot)).status_code == 405


# The manage link


@pytest.fixture
def booked(free_slot):
    appointment = make_appointment(
        free_slot, name="Anna", email="anna@example.org", email_normalized="anna@example.org"
    )
    return appointment, manage_token(appointment)


def test_the_manage_link_shows_the_booking_and_is_not_cached(client, booked):
    _appointment, token = booked
    response = client.get(f"/en/booking/{token}/")
    assert response.status_code == 200
    assert b"Your appointment" in response.content
    assert "no-store" in response["Cache-Control"]


def test_wrong_expired_and_used_tokens_all_get_the_same_404(client, booked, time_machine):
    appointment, token = booked
    stranger = token_new()[0]
    unknown = client.get(f"/en/booking/{stranger}/")
    tampered = client.get(f"/en/booking/{token[:-1]}{'A' if token[-1] != 'A' else 'B'}/")
    assert unknown.status_code == tampered.status_code == 404
    time_machine.move_to(appointment.slot.ends_at + dt.timedelta(minutes=1))
    expired = client.get(f"/en/booking/{token}/")
    assert expired.status_code == 404
    assert _page(expired, token) == _page(unknown, stranger)


def test_cancelling_asks_once_then_frees_the_place_and_kills_the_link(client, booked, smtp):
    _appointment, token = booked
    ask = client.post(f"/en/booking/{token}/", {"action": "cancel"}, follow=True)
    assert b"Cancel your appointment?" in ask.content
    assert ask.redirect_chain == [(f"/en/booking/{token}/cancel/", 302)]
    assert b"Cancel your appointment?" in client.get(f"/en/booking/{token}/cancel/").content
    assert Appointment.objects.get().status == "booked"
    done = client.post(f"/en/booking/{token}/cancel/", {"confirm": "yes"}, follow=True)
    assert done.redirect_chain == [("/en/booking/cancelled/", 302)]
    assert b"Your appointment is cancelled" in done.content
    assert b"Your appointment is cancelled" in client.get("/en/booking/cancelled/").content
    assert Appointment.objects.get().status == "cancelled"
    assert Slot.objects.get().booked == 0
    assert client.get(f"/en/booking/{token}/").status_code == 404
    assert OutboxEmail.objects.filter(kind="booking-cancelled").count() == 1
    send_outbox()
    (message,) = smtp.inbox.to("anna@example.org")
    (ics,) = list(message.iter_attachments())
    assert "METHOD:CANCEL" in ics.get_content()


def test_cancelling_twice_frees_one_place(booked):
    appointment, _token = booked
    now = timezone.now()
    assert appointment_cancel(appointment_id=appointment.pk, now=now) is not None
    assert appointment_cancel(appointment_id=appointment.pk, now=now) is None
    assert Slot.objects.get().booked == 0


# Changing the time


def test_the_manage_page_offers_the_calendar_file_and_links(client, booked):
    _appointment, token = booked
    page = client.get(f"/en/booking/{token}/").content.decode()
    assert "calendar.google.com" in page and "outlook.live.com" in page
    ics = client.get(f"/en/booking/{token}/calendar.ics")
    assert ics["Content-Type"] == "text/calendar"
    assert b"DTSTART;TZID=Europe/Moscow:" in ics.content
    assert client.get(f"/en/booking/{token_new()[0]}/calendar.ics").status_code == 404


def test_rescheduling_moves_the_place_and_emails_the_new_time(client, site, booked, smtp):
    appointment, token = booked
    old_slot = appointment.slot
    later = make_slot(site, old_slot.starts_at + dt.timedelta(days=1), capacity=1)
    page = client.get(f"/en/booking/{token}/change/?day={later.day:%Y-%m-%d}")
    assert f'value="{later.pk}"'.encode() in page.content
    done = client.post(f"/en/booking/{token}/change/", {"slot": later.pk}, follow=True)
    assert done.redirect_chain == [(f"/en/booking/{token}/changed/", 302)]
    assert b"Your appointment has moved" in done.content
    appointment.refresh_from_db()
    assert appointment.slot == later and appointment.calendar_sequence == 1
    assert Slot.objects.get(pk=later.pk).booked == 1
    assert Slot.objects.get(pk=old_slot.pk).booked == 0
    assert OutboxEmail.objects.filter(kind="booking-changed").count() == 1
    send_outbox()
    (message,) = smtp.inbox.to(appointment.email)
    (ics,) = list(message.iter_attachments())
    assert "SEQUENCE:1" in ics.get_content()


def test_rescheduling_to_a_full_time_keeps_the_old_place(client, site, booked):
    appointment, token = booked
    old_slot = appointment.slot
    full = make_slot(site, old_slot.starts_at + dt.timedelta(days=1), capacity=1)
    Slot.objects.filter(pk=full.pk).update(booked=1)
    response = client.post(f"/en/booking/{token}/change/", {"slot": full.pk})
    assert b"that time has just been taken" in response.content
    appointment.refresh_from_db()
    assert appointment.slot == old_slot
    assert Slot.objects.get(pk=old_slot.pk).booked == 1
    assert Slot.objects.get(pk=full.pk).booked == 1


def test_rescheduling_to_another_site_works_across_time_zones(client, booked):
    appointment, token = booked
    far = typing_site(slug="vladivostok", time_zone="Asia/Vladivostok")
    there = make_slot(far, appointment.slot.starts_at + dt.timedelta(days=2))
    response = client.post(
        f"/en/booking/{token}/change/", {"site": "vladivostok", "slot": there.pk}, follow=True
    )
    assert b"Your appointment has moved" in response.content
    assert b"Vladivostok time (UTC+10)" in response.content
    assert Slot.objects.get(pk=appointment.slot_id).booked == 0
